/** Admin authentication: login, access tokens, refresh-token rotation with reuse detection, logout, cookie mode and CSRF. */
import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSigner, hashToken } from '../../src/admin/auth/tokens.js';
import { buildTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers.js';
import { createUser, login, type TestUser } from './helpers.js';

/** The site as the browser sees it (Host and Origin of the admin pages). */
const SITE_HOST = 'admin.gadizone.test';
const SITE = `http://${SITE_HOST}`;
/** PUBLIC_URL: trusted as an origin even when the Host header differs (TLS ends at a proxy). */
const PUBLIC_URL = 'https://www.gadizone.test';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ config: { publicUrl: PUBLIC_URL } });
});
afterAll(() => t.close());

/** Every failed login counts against its client address; tests that fail logins use addresses of their own. */
let addresses = 0;
const freshIp = () => `10.1.${Math.floor(++addresses / 250)}.${(addresses % 250) + 1}`;

const inject = (options: InjectOptions) => t.app.inject(options);
const post = (url: string, payload: object, extra: Partial<InjectOptions> = {}) => inject({ method: 'POST', url, payload, ...extra });
const loginRequest = (payload: object, extra: Partial<InjectOptions> = {}) => post('/api/admin/auth/login', payload, { remoteAddress: freshIp(), ...extra });
const refresh = (refreshToken: string) => post('/api/admin/auth/refresh', { refreshToken });
const me = (headers: Record<string, string>) => inject({ method: 'GET', url: '/api/admin/auth/me', headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function expectError(response: LightMyRequestResponse, status: number, code: string): void {
  expect({ status: response.statusCode, code: response.json().error?.code }).toEqual({ status, code });
}

const cookie = (response: LightMyRequestResponse, name: string) => response.cookies.find((c) => c.name === name);
const familyOf = async (refreshToken: string) =>
  (await t.app.pg.query<{ family_id: string }>('SELECT family_id FROM refresh_tokens WHERE token_hash = $1', [hashToken(refreshToken)])).rows[0]!.family_id;

describe('login', () => {
  it('answers the right password with an access token (15 min) and a refresh token, never cached', async () => {
    const user = await createUser(t.app, 'editor');
    const response = await loginRequest({ email: user.email, password: user.password });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['set-cookie']).toBeUndefined();
    const data = response.json().data;
    expect(data).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: user.id, email: user.email, role: 'editor' } });
    expect(data.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(data.refreshToken).toMatch(/^[\w-]{40,}$/);
    expect((await me(bearer(data.accessToken))).json().data).toMatchObject({ id: user.id, email: user.email, role: 'editor' });
    const stored = await t.app.pg.query('SELECT 1 FROM refresh_tokens WHERE token_hash = $1 AND user_id = $2', [hashToken(data.refreshToken), user.id]);
    expect(stored.rowCount).toBe(1);
    const { rows } = await t.app.pg.query<{ last_login_at: Date | null }>('SELECT last_login_at FROM admin_users WHERE id = $1', [user.id]);
    expect(rows[0]!.last_login_at).not.toBeNull();
  });

  it('answers a wrong password and an unknown email identically (no account enumeration)', async () => {
    const user = await createUser(t.app, 'viewer');
    const wrong = await loginRequest({ email: user.email, password: `${user.password}x` });
    const unknown = await loginRequest({ email: 'nobody-here@example.test', password: user.password });
    expectError(wrong, 401, 'INVALID_CREDENTIALS');
    expect(unknown.statusCode).toBe(wrong.statusCode);
    expect(unknown.json()).toEqual(wrong.json());
    expect(unknown.headers['cache-control']).toBe('no-store');
  });

  it('matches the email case-insensitively, both ways', async () => {
    const user = await createUser(t.app, 'editor');
    expect((await loginRequest({ email: user.email.toUpperCase(), password: user.password })).statusCode).toBe(200);
    const mixed = await createUser(t.app, 'viewer', `Mixed.Case-${user.id}@Example.TEST`);
    const response = await loginRequest({ email: `  ${mixed.email.toLowerCase()}`.trim(), password: mixed.password });
    expect(response.statusCode).toBe(200);
    expect(response.json().data.user.id).toBe(mixed.id);
  });

  it('refuses a disabled user with the right password, as if the password were wrong', async () => {
    const user = await createUser(t.app, 'editor');
    await t.app.pg.query('UPDATE admin_users SET disabled_at = now() WHERE id = $1', [user.id]);
    const disabled = await loginRequest({ email: user.email, password: user.password });
    const wrong = await loginRequest({ email: user.email, password: 'not-the-password' });
    expectError(disabled, 401, 'INVALID_CREDENTIALS');
    expect(disabled.json()).toEqual(wrong.json());
  });

  it.each([
    ['an empty body', {}, 'VALIDATION_FAILED'],
    ['no password', { email: 'a@example.test' }, 'VALIDATION_FAILED'],
    ['no email', { password: 'some-long-password' }, 'VALIDATION_FAILED'],
    ['an empty password', { email: 'a@example.test', password: '' }, 'VALIDATION_FAILED'],
    ['a password that is an object', { email: 'a@example.test', password: { $ne: '' } }, 'VALIDATION_FAILED'],
    ['a password that is an array', { email: 'a@example.test', password: ['some-long-password'] }, 'VALIDATION_FAILED'],
    ['an email that is not one', { email: 'not-an-email', password: 'some-long-password' }, 'VALIDATION_FAILED'],
    ['an unknown mode', { email: 'a@example.test', password: 'some-long-password', mode: 'session' }, 'VALIDATION_FAILED'],
    ['an unknown field', { email: 'a@example.test', password: 'some-long-password', remember: true }, 'UNKNOWN_PARAMETER'],
  ])('refuses %s with 400', async (_name, payload, code) => {
    expectError(await loginRequest(payload), 400, code);
  });
});

describe('access tokens', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser(t.app, 'viewer');
  });
  /** A session of its own (no refresh token family: never revoked) at the user's first session version. */
  const claims = () => ({ userId: user.id, email: user.email, role: user.role, sessionId: randomUUID(), sessionVersion: 1 });
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('are required', async () => {
    expectError(await me({}), 401, 'UNAUTHENTICATED');
    expectError(await me({ authorization: 'Bearer ' }), 401, 'UNAUTHENTICATED');
    expectError(await me({ authorization: 'Basic YWRtaW46YWRtaW4=' }), 401, 'UNAUTHENTICATED');
  });

  it('refuses garbage, another secret, a tampered payload and alg "none"', async () => {
    expectError(await me(bearer('not-a-token')), 401, 'UNAUTHENTICATED');
    const foreign = await createTokenSigner('another-secret-of-at-least-32-bytes-long').sign(claims());
    expectError(await me(bearer(foreign)), 401, 'UNAUTHENTICATED');

    const [header, , signature] = (await createTokenSigner(TEST_JWT_SECRET).sign(claims())).split('.');
    const now = Math.floor(Date.now() / 1000);
    const payload = { sub: String(user.id), email: user.email, role: 'admin', iss: 'gadizone', aud: 'gadizone-admin', iat: now, exp: now + 900 };
    expectError(await me(bearer(`${header}.${b64(payload)}.${signature}`)), 401, 'UNAUTHENTICATED');
    expectError(await me(bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`)), 401, 'UNAUTHENTICATED');
  });

  it('expire after 15 minutes, and say so', async () => {
    const signer = createTokenSigner(TEST_JWT_SECRET);
    const now = Math.floor(Date.now() / 1000);
    expect((await me(bearer(await signer.sign(claims(), now - 800)))).statusCode).toBe(200);
    expectError(await me(bearer(await signer.sign(claims(), now - 901))), 401, 'TOKEN_EXPIRED');
    expectError(await me(bearer(await signer.sign(claims(), now - 86_400))), 401, 'TOKEN_EXPIRED');
  });
});

describe('refresh tokens', () => {
  it('rotate: each use gives a new pair and spends the old token', async () => {
    const session = await login(t.app, await createUser(t.app, 'editor'));
    const response = await refresh(session.refreshToken);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const next = response.json().data;
    expect(next.expiresIn).toBe(900);
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(await familyOf(next.refreshToken)).toBe(await familyOf(session.refreshToken));
    expect((await me(bearer(next.accessToken))).statusCode).toBe(200);
    expect((await refresh(next.refreshToken)).statusCode).toBe(200);
  });

  it('used twice revoke the whole family (the newest token too), and leave other logins alone', async () => {
    const user = await createUser(t.app, 'editor');
    const stolen = await login(t.app, user);
    const other = await login(t.app, user);
    const rotated = (await refresh(stolen.refreshToken)).json().data;
    const newest = (await refresh(rotated.refreshToken)).json().data;

    const replay = await refresh(stolen.refreshToken);
    expectError(replay, 401, 'REFRESH_TOKEN_REUSED');
    expectError(await refresh(newest.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
    const { rows } = await t.app.pg.query<{ revoked: boolean }>('SELECT revoked_at IS NOT NULL AS revoked FROM refresh_tokens WHERE family_id = $1', [
      await familyOf(stolen.refreshToken),
    ]);
    expect(rows.map((r) => r.revoked)).toEqual([true, true, true]);

    expect((await refresh(other.refreshToken)).statusCode).toBe(200);
  });

  it('expire', async () => {
    const session = await login(t.app, await createUser(t.app, 'viewer'));
    await t.app.pg.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [hashToken(session.refreshToken)]);
    expectError(await refresh(session.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
  });

  it('are refused when unknown, missing, or the account was disabled', async () => {
    expectError(await refresh('x'.repeat(43)), 401, 'REFRESH_TOKEN_INVALID');
    expectError(await post('/api/admin/auth/refresh', {}), 401, 'REFRESH_TOKEN_INVALID');
    const session = await login(t.app, await createUser(t.app, 'editor'));
    await t.app.pg.query('UPDATE admin_users SET disabled_at = now() WHERE id = $1', [session.user.id]);
    expectError(await refresh(session.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
  });
});

describe('logout', () => {
  it('revokes the session, and can be repeated', async () => {
    const user = await createUser(t.app, 'editor');
    const session = await login(t.app, user);
    const other = await login(t.app, user);
    const rotated = (await refresh(session.refreshToken)).json().data;

    const first = await post('/api/admin/auth/logout', { refreshToken: rotated.refreshToken });
    expect(first.statusCode).toBe(204);
    expectError(await refresh(rotated.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
    expect((await post('/api/admin/auth/logout', { refreshToken: rotated.refreshToken })).statusCode).toBe(204);
    expect((await post('/api/admin/auth/logout', { refreshToken: 'y'.repeat(43) })).statusCode).toBe(204);
    expect((await post('/api/admin/auth/logout', {})).statusCode).toBe(204);
    expect((await refresh(other.refreshToken)).statusCode).toBe(200);
  });
});

describe('cookie mode', () => {
  let admin: TestUser;
  let access: string;
  let refreshCookie: string;
  const site = { host: SITE_HOST, origin: SITE };

  beforeAll(async () => {
    admin = await createUser(t.app, 'admin');
    const response = await loginRequest({ email: admin.email, password: admin.password, mode: 'cookie' }, { headers: site });
    expect(response.statusCode).toBe(200);
    access = cookie(response, 'gz_access')!.value;
    refreshCookie = cookie(response, 'gz_refresh')!.value;
  });

  it('sets httpOnly, Secure, SameSite=Strict cookies and keeps the refresh token out of the body', async () => {
    const response = await loginRequest({ email: admin.email, password: admin.password, mode: 'cookie' }, { headers: site });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const data = response.json().data;
    expect(data.refreshToken).toBeUndefined();
    expect(data.accessToken).toBe(cookie(response, 'gz_access')!.value);
    expect(cookie(response, 'gz_access')).toMatchObject({ path: '/', httpOnly: true, secure: true, sameSite: 'Strict', maxAge: 900 });
    expect(cookie(response, 'gz_refresh')).toMatchObject({ path: '/api/admin/auth', httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(JSON.stringify(response.json())).not.toContain(cookie(response, 'gz_refresh')!.value);
  });

  it('needs our own Origin to log in (login CSRF)', async () => {
    const response = await loginRequest({ email: admin.email, password: admin.password, mode: 'cookie' }, { headers: { host: SITE_HOST, origin: 'https://evil.example' } });
    expectError(response, 403, 'ORIGIN_REJECTED');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('authenticates reads without an Origin', async () => {
    const response = await inject({ method: 'GET', url: '/api/admin/auth/me', cookies: { gz_access: access } });
    expect(response.statusCode).toBe(200);
    expect(response.json().data.id).toBe(admin.id);
  });

  it('refuses changes without our Origin, and changes nothing', async () => {
    const target = await createUser(t.app, 'viewer');
    const { rows: brands } = await t.app.pg.query<{ id: number; version: number }>('SELECT id, version FROM brands WHERE deleted_at IS NULL ORDER BY id LIMIT 1');
    const brand = brands[0]!;
    const newEmail = `csrf-${target.id}@example.test`;
    for (const headers of [{ host: SITE_HOST }, { host: SITE_HOST, origin: 'https://evil.example' }, { host: SITE_HOST, origin: 'null' }, { host: SITE_HOST, origin: `${SITE}.evil.example` }]) {
      const cookies = { gz_access: access };
      const patch = await inject({ method: 'PATCH', url: `/api/admin/users/${target.id}`, headers, cookies, payload: { name: 'Hijacked', version: 1 } });
      expectError(patch, 403, 'ORIGIN_REJECTED');
      const create = await inject({ method: 'POST', url: '/api/admin/users', headers, cookies, payload: { email: newEmail, password: 'a-perfectly-good-passphrase', role: 'admin' } });
      expectError(create, 403, 'ORIGIN_REJECTED');
      const remove = await inject({ method: 'DELETE', url: `/api/admin/brands/${brand.id}?version=${brand.version}`, headers, cookies });
      expectError(remove, 403, 'ORIGIN_REJECTED');
    }
    const user = await t.app.pg.query('SELECT name, version FROM admin_users WHERE id = $1', [target.id]);
    expect(user.rows[0]).toEqual({ name: 'Test viewer', version: 1 });
    expect((await t.app.pg.query('SELECT 1 FROM admin_users WHERE email = $1', [newEmail])).rowCount).toBe(0);
    expect((await t.app.pg.query('SELECT deleted_at, version FROM brands WHERE id = $1', [brand.id])).rows[0]).toEqual({ deleted_at: null, version: brand.version });
    expect((await t.app.pg.query(`SELECT 1 FROM audit_log WHERE entity_id = $1 AND entity = 'user'`, [String(target.id)])).rowCount).toBe(0);
  });

  it('allows changes from our own Origin or PUBLIC_URL', async () => {
    const target = await createUser(t.app, 'viewer');
    const cookies = { gz_access: access };
    const own = await inject({ method: 'PATCH', url: `/api/admin/users/${target.id}`, headers: site, cookies, payload: { name: 'Renamed once', version: 1 } });
    expect(own.statusCode).toBe(200);
    expect(own.json().data).toMatchObject({ name: 'Renamed once', version: 2 });
    const viaProxy = await inject({ method: 'PATCH', url: `/api/admin/users/${target.id}`, headers: { host: 'internal:3000', origin: PUBLIC_URL }, cookies, payload: { name: 'Renamed twice', version: 2 } });
    expect(viaProxy.statusCode).toBe(200);
    expect((await t.app.pg.query('SELECT name FROM admin_users WHERE id = $1', [target.id])).rows[0]).toEqual({ name: 'Renamed twice' });
  });

  it('lets bearer-token clients change things without an Origin', async () => {
    const target = await createUser(t.app, 'viewer');
    const session = await login(t.app, admin);
    const response = await inject({ method: 'PATCH', url: `/api/admin/users/${target.id}`, headers: session.headers, payload: { name: 'By API', version: 1 } });
    expect(response.statusCode).toBe(200);
  });

  it('refreshes from the cookie only with our Origin, rotating the cookies; a page may send no body', async () => {
    const refused = await post('/api/admin/auth/refresh', {}, { headers: { host: SITE_HOST }, cookies: { gz_refresh: refreshCookie } });
    expectError(refused, 403, 'ORIGIN_REJECTED');
    const foreign = await inject({ method: 'POST', url: '/api/admin/auth/refresh', headers: { host: SITE_HOST, origin: 'https://evil.example' }, cookies: { gz_refresh: refreshCookie } });
    expectError(foreign, 403, 'ORIGIN_REJECTED');

    const response = await inject({ method: 'POST', url: '/api/admin/auth/refresh', headers: site, cookies: { gz_refresh: refreshCookie } });
    expect(response.statusCode).toBe(200);
    expect(response.json().data.refreshToken).toBeUndefined();
    const rotated = cookie(response, 'gz_refresh')!;
    expect(rotated).toMatchObject({ path: '/api/admin/auth', httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(rotated.value).not.toBe(refreshCookie);
    expect(cookie(response, 'gz_access')!.value).toBe(response.json().data.accessToken);

    expectError(await inject({ method: 'POST', url: '/api/admin/auth/logout', headers: { host: SITE_HOST }, cookies: { gz_refresh: rotated.value } }), 403, 'ORIGIN_REJECTED');
    const logout = await inject({ method: 'POST', url: '/api/admin/auth/logout', headers: site, cookies: { gz_refresh: rotated.value } });
    expect(logout.statusCode).toBe(204);
    expect(cookie(logout, 'gz_refresh')).toMatchObject({ value: '', path: '/api/admin/auth' });
    expect(cookie(logout, 'gz_access')).toMatchObject({ value: '', path: '/' });
    expectError(await post('/api/admin/auth/refresh', {}, { headers: site, cookies: { gz_refresh: rotated.value } }), 401, 'REFRESH_TOKEN_INVALID');
  });
});
