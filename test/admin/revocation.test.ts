/**
 * A change to who may do what takes effect on the user's next request: disabling, demoting, logout,
 * "sign out everywhere", a refresh token replayed, a password set by the CLI. Tokens say who, never what
 * they may do; nobody changes their own role or disabled flag; the admin pages judge by the same check.
 * (Two instances over one database: revocation-instances.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSigner, hashToken } from '../../src/admin/auth/tokens.js';
import type { SessionState } from '../../src/admin/auth/repository.js';
import { createUserState, USER_STATE_TTL_MS } from '../../src/admin/auth/user-state.js';
import { lockUserChanges } from '../../src/admin/users/guards.js';
import { transaction } from '../../src/platform/db.js';
import { buildTestApp, runCli, TEST_JWT_SECRET, type TestApp } from '../helpers.js';
import { createUser, login, signedIn, type TestSession } from './helpers.js';

const SITE_HOST = 'admin.gadizone.test';
const site = { host: SITE_HOST, origin: `http://${SITE_HOST}` };

let t: TestApp;
let boss: TestSession;
beforeAll(async () => {
  t = await buildTestApp();
  boss = await signedIn(t.app, 'admin');
});
afterAll(() => t.close());

const get = (url: string, session: TestSession) => t.app.inject({ method: 'GET', url, headers: session.headers });
const patchUser = (id: number, payload: object, session: TestSession) =>
  t.app.inject({ method: 'PATCH', url: `/api/admin/users/${id}`, headers: session.headers, payload });
const refresh = (refreshToken: string) => t.app.inject({ method: 'POST', url: '/api/admin/auth/refresh', payload: { refreshToken } });
const versionOf = async (id: number) => (await t.app.pg.query<{ version: number }>('SELECT version FROM admin_users WHERE id = $1', [id])).rows[0]!.version;
const stateOf = async (id: number) =>
  (await t.app.pg.query<{ role: string; disabled: boolean }>('SELECT role, disabled_at IS NOT NULL AS disabled FROM admin_users WHERE id = $1', [id])).rows[0]!;
/** The claims of an access token as issued (its payload, not verified here). */
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string; sv: number; role: string };

function expectError(response: LightMyRequestResponse, status: number, code: string, message?: RegExp): void {
  expect({ status: response.statusCode, code: response.json().error?.code }).toEqual({ status, code });
  if (message) expect(response.json().error.message).toMatch(message);
}

describe('a disabled and demoted admin (the review\'s reproduction)', () => {
  it('loses every power on its next request and cannot restore itself', async () => {
    const victim = await signedIn(t.app, 'admin');
    // Its state is in the cache (a read a moment ago): the change must not wait for that to lapse.
    expect((await get('/api/admin/audit', victim)).statusCode).toBe(200);
    const demote = await patchUser(victim.user.id, { role: 'viewer', disabled: true, version: await versionOf(victim.user.id) }, boss);
    expect(demote.statusCode).toBe(200);

    expectError(await get('/api/admin/audit', victim), 401, 'ACCOUNT_DISABLED', /disabled/);
    const restore = await patchUser(victim.user.id, { role: 'admin', disabled: false, version: await versionOf(victim.user.id) }, victim);
    expectError(restore, 401, 'ACCOUNT_DISABLED');
    expect(await stateOf(victim.user.id)).toEqual({ role: 'viewer', disabled: true });
    expectError(await refresh(victim.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
  });

  it('once enabled again, needs a new login and then has only its new role', async () => {
    const victim = await signedIn(t.app, 'admin');
    await patchUser(victim.user.id, { role: 'viewer', disabled: true, version: await versionOf(victim.user.id) }, boss);
    await patchUser(victim.user.id, { disabled: false, version: await versionOf(victim.user.id) }, boss);
    expectError(await get('/api/admin/brands', victim), 401, 'SESSION_REVOKED', /log in again/);
    const again = await login(t.app, victim.user);
    expect((await get('/api/admin/brands', again)).statusCode).toBe(200);
    expectError(await get('/api/admin/audit', again), 403, 'FORBIDDEN', /viewer/);
  });
});

describe('the role that counts', () => {
  it('is the current one: a demotion ends the sessions, and a new token gets only the new role', async () => {
    const demoted = await signedIn(t.app, 'admin');
    expect((await get('/api/admin/users', demoted)).statusCode).toBe(200);
    await patchUser(demoted.user.id, { role: 'editor', version: await versionOf(demoted.user.id) }, boss);
    expectError(await get('/api/admin/users', demoted), 401, 'SESSION_REVOKED');
    expectError(await refresh(demoted.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
    const again = await login(t.app, demoted.user);
    expect(claimsOf(again.accessToken)).toMatchObject({ role: 'editor', sv: 2 });
    expectError(await get('/api/admin/users', again), 403, 'FORBIDDEN', /editor/);
    expect((await get('/api/admin/brands', again)).statusCode).toBe(200);
  });

  it('is read from the database even when the role was changed there directly (psql): changes at once, reads within a second', async () => {
    const session = await signedIn(t.app, 'admin');
    expect((await get('/api/admin/users', session)).statusCode).toBe(200);
    await t.app.pg.query(`UPDATE admin_users SET role = 'viewer' WHERE id = $1`, [session.user.id]);
    const target = await createUser(t.app, 'viewer');
    expectError(await patchUser(target.id, { role: 'admin', version: 1 }, session), 403, 'FORBIDDEN', /viewer role/);
    expect(await stateOf(target.id)).toEqual({ role: 'viewer', disabled: false });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expectError(await get('/api/admin/users', session), 403, 'FORBIDDEN', /viewer role/);
  });

  it('refuses tokens issued before sessions were versioned (no sid or sv), and tokens of another version', async () => {
    const user = await createUser(t.app, 'admin');
    const now = Math.floor(Date.now() / 1000);
    const { SignJWT } = await import('jose');
    const legacy = await new SignJWT({ email: user.email, role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(user.id))
      .setIssuer('gadizone')
      .setAudience('gadizone-admin')
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    expectError(await t.app.inject({ method: 'GET', url: '/api/admin/audit', headers: { authorization: `Bearer ${legacy}` } }), 401, 'UNAUTHENTICATED');
    const future = await createTokenSigner(TEST_JWT_SECRET).sign({ userId: user.id, email: user.email, role: 'admin', sessionId: randomUUID(), sessionVersion: 2 });
    expectError(await t.app.inject({ method: 'GET', url: '/api/admin/audit', headers: { authorization: `Bearer ${future}` } }), 401, 'SESSION_REVOKED');
  });
});

describe('nobody changes their own role or disabled flag', () => {
  it.each([
    ['demote', { role: 'editor' }],
    ['disable', { disabled: true }],
  ])('an admin may not %s themself', async (_what, change) => {
    const admin = await signedIn(t.app, 'admin');
    const response = await patchUser(admin.user.id, { ...change, version: 1 }, admin);
    expectError(response, 403, 'FORBIDDEN', /your own role or disabled flag/);
    expect(await stateOf(admin.user.id)).toEqual({ role: 'admin', disabled: false });
  });

  it('restating the current values is not a change: renaming oneself works', async () => {
    const admin = await signedIn(t.app, 'admin');
    const response = await patchUser(admin.user.id, { name: 'Still Admin', role: 'admin', disabled: false, version: 1 }, admin);
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({ name: 'Still Admin', role: 'admin', disabledAt: null });
    expect((await get('/api/admin/users', admin)).statusCode).toBe(200);
  });

  it('two admins demoting each other at the same moment: one wins, an admin remains', async () => {
    const [a, b] = await Promise.all([signedIn(t.app, 'admin'), signedIn(t.app, 'admin')]);
    const [byA, byB] = await Promise.all([patchUser(b.user.id, { role: 'viewer', version: 1 }, a), patchUser(a.user.id, { role: 'viewer', version: 1 }, b)]);
    const statuses = [byA.statusCode, byB.statusCode].sort();
    expect(statuses).toEqual([200, 401]);
    expect((byA.statusCode === 401 ? byA : byB).json().error.code).toBe('SESSION_REVOKED');
    const roles = [(await stateOf(a.user.id)).role, (await stateOf(b.user.id)).role].sort();
    expect(roles).toEqual(['admin', 'viewer']);
  });

  it('a request authorised a moment before its actor was demoted changes nothing (re-checked under the lock)', async () => {
    const actor = await createUser(t.app, 'admin');
    const verified = { userId: actor.id, email: actor.email, role: 'admin' as const, sessionId: randomUUID(), sessionVersion: 1 };
    await expect(transaction(t.app.pg, (tx) => lockUserChanges(tx, verified))).resolves.toBeUndefined();
    await t.app.pg.query(`UPDATE admin_users SET role = 'editor' WHERE id = $1`, [actor.id]);
    await expect(transaction(t.app.pg, (tx) => lockUserChanges(tx, verified))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await t.app.pg.query(`UPDATE admin_users SET role = 'admin', session_version = 2 WHERE id = $1`, [actor.id]);
    await expect(transaction(t.app.pg, (tx) => lockUserChanges(tx, verified))).rejects.toMatchObject({ code: 'SESSION_REVOKED' });
    await t.app.pg.query(`UPDATE admin_users SET disabled_at = now() WHERE id = $1`, [actor.id]);
    await expect(transaction(t.app.pg, (tx) => lockUserChanges(tx, verified))).rejects.toMatchObject({ code: 'ACCOUNT_DISABLED' });
  });
});

describe('signing out', () => {
  it('logout with the refresh token ends that session\'s access token too, and only that session', async () => {
    const user = await createUser(t.app, 'editor');
    const [session, other] = [await login(t.app, user), await login(t.app, user)];
    expect((await get('/api/admin/brands', session)).statusCode).toBe(200);
    const logout = await t.app.inject({ method: 'POST', url: '/api/admin/auth/logout', payload: { refreshToken: session.refreshToken } });
    expect(logout.statusCode).toBe(204);
    expectError(await get('/api/admin/brands', session), 401, 'SESSION_REVOKED');
    expect((await get('/api/admin/brands', other)).statusCode).toBe(200);
  });

  it('logout with only the access token (Bearer) ends its session, refresh token included', async () => {
    const session = await signedIn(t.app, 'viewer');
    const logout = await t.app.inject({ method: 'POST', url: '/api/admin/auth/logout', headers: session.headers });
    expect(logout.statusCode).toBe(204);
    expectError(await get('/api/admin/brands', session), 401, 'SESSION_REVOKED');
    expectError(await refresh(session.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
  });

  it('logout by the access cookie needs our Origin, like every cookie-authenticated change', async () => {
    const session = await signedIn(t.app, 'viewer');
    const refused = await t.app.inject({ method: 'POST', url: '/api/admin/auth/logout', headers: { host: SITE_HOST, origin: 'https://evil.example' }, cookies: { gz_access: session.accessToken } });
    expectError(refused, 403, 'ORIGIN_REJECTED');
    expect((await get('/api/admin/brands', session)).statusCode).toBe(200);
    const own = await t.app.inject({ method: 'POST', url: '/api/admin/auth/logout', headers: site, cookies: { gz_access: session.accessToken } });
    expect(own.statusCode).toBe(204);
    expectError(await get('/api/admin/brands', session), 401, 'SESSION_REVOKED');
  });

  it('a replayed refresh token ends the access tokens of its family as well', async () => {
    const session = await signedIn(t.app, 'editor');
    const rotated = (await refresh(session.refreshToken)).json().data;
    const current = { ...session, headers: { authorization: `Bearer ${rotated.accessToken}` } };
    expect((await get('/api/admin/brands', current)).statusCode).toBe(200);
    expectError(await refresh(session.refreshToken), 401, 'REFRESH_TOKEN_REUSED');
    expectError(await get('/api/admin/brands', current), 401, 'SESSION_REVOKED');
  });

  it('"sign out everywhere" ends every session of the user, and only theirs', async () => {
    const user = await createUser(t.app, 'viewer');
    const sessions = [await login(t.app, user), await login(t.app, user)];
    const bystander = await signedIn(t.app, 'viewer');
    const response = await t.app.inject({ method: 'POST', url: '/api/admin/auth/logout-everywhere', headers: sessions[0]!.headers });
    expect(response.statusCode).toBe(204);
    expect(response.headers['cache-control']).toBe('no-store');
    for (const session of sessions) {
      expectError(await get('/api/admin/brands', session), 401, 'SESSION_REVOKED');
      expectError(await refresh(session.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
    }
    expect((await get('/api/admin/brands', bystander)).statusCode).toBe(200);
    expect((await get('/api/admin/brands', await login(t.app, user))).statusCode).toBe(200);
  });

  it('`gadizone admin set-password` ends every session (refresh tokens and access tokens)', async () => {
    const session = await signedIn(t.app, 'editor');
    expect((await get('/api/admin/brands', session)).statusCode).toBe(200);
    const run = await runCli(['admin', 'set-password', '--email', session.user.email], { DATABASE_URL: t.database.url }, 'a-brand-new-Passphrase-4417\n');
    expect(run).toMatchObject({ code: 0 });
    // A change is judged afresh at once; a read within the user-state cache's second.
    const change = await t.app.inject({ method: 'POST', url: '/api/admin/brands', headers: session.headers, payload: {} });
    expectError(change, 401, 'SESSION_REVOKED');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expectError(await get('/api/admin/brands', session), 401, 'SESSION_REVOKED');
    expectError(await refresh(session.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
    const { rows } = await t.app.pg.query<{ live: number }>('SELECT count(*)::int AS live FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL', [session.user.id]);
    expect(rows[0]!.live).toBe(0);
  });
});

describe('the admin pages', () => {
  it('send a disabled user to the login page on the next page view', async () => {
    const user = await createUser(t.app, 'editor');
    const signIn = await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', headers: site, payload: { email: user.email, password: user.password, mode: 'cookie' } });
    expect(signIn.statusCode).toBe(200);
    const access = signIn.cookies.find((c) => c.name === 'gz_access')!.value;
    const page = () => t.app.inject({ method: 'GET', url: '/admin', headers: { host: SITE_HOST }, cookies: { gz_access: access } });
    expect((await page()).statusCode).toBe(200);
    await patchUser(user.id, { disabled: true, version: await versionOf(user.id) }, boss);
    const after = await page();
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/admin\/login/);
    const refreshed = await t.app.inject({ method: 'POST', url: '/api/admin/auth/refresh', headers: site, cookies: { gz_refresh: signIn.cookies.find((c) => c.name === 'gz_refresh')!.value } });
    expectError(refreshed, 401, 'REFRESH_TOKEN_INVALID');
  });
});

describe('refresh tokens', () => {
  it('of a disabled or demoted user are revoked in the database, not merely refused', async () => {
    for (const change of [{ disabled: true }, { role: 'viewer' }]) {
      const session = await signedIn(t.app, 'editor');
      await login(t.app, session.user);
      await patchUser(session.user.id, { ...change, version: await versionOf(session.user.id) }, boss);
      const { rows } = await t.app.pg.query<{ live: number }>('SELECT count(*)::int AS live FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL', [session.user.id]);
      expect(rows[0]!.live).toBe(0);
      const stored = await t.app.pg.query('SELECT 1 FROM refresh_tokens WHERE token_hash = $1 AND revoked_at IS NOT NULL', [hashToken(session.refreshToken)]);
      expect(stored.rowCount).toBe(1);
    }
  });
});

describe('the user-state cache', () => {
  const STATE: SessionState = { role: 'admin', disabled: false, sessionVersion: 1, sessionRevoked: false };

  function counting() {
    let clockMs = 0;
    const loads: number[] = [];
    const published: number[] = [];
    const cache = createUserState({
      load: async (userId) => {
        loads.push(userId);
        return STATE;
      },
      publish: async (userId) => {
        published.push(userId);
      },
      nowMs: () => clockMs,
    });
    return { cache, loads, published, advance: (ms: number) => (clockMs += ms) };
  }

  it('looks a user and session up at most once per TTL for reads, every time for changes', async () => {
    const { cache, loads, advance } = counting();
    const sid = randomUUID();
    for (let i = 0; i < 100; i++) await cache.get(7, sid);
    expect(loads).toHaveLength(1);
    advance(USER_STATE_TTL_MS - 1);
    await cache.get(7, sid);
    expect(loads).toHaveLength(1);
    advance(1);
    await cache.get(7, sid);
    expect(loads).toHaveLength(2);
    await cache.get(7, sid, { fresh: true });
    await cache.get(7, sid, { fresh: true });
    expect(loads).toHaveLength(4);
    expect(USER_STATE_TTL_MS).toBeLessThanOrEqual(1_000);
  });

  it('drops every session of a changed user here, tells the others, and keeps other users', async () => {
    const { cache, loads, published } = counting();
    const [s1, s2, other] = [randomUUID(), randomUUID(), randomUUID()];
    await Promise.all([cache.get(7, s1), cache.get(7, s2), cache.get(8, other)]);
    await cache.changed(7);
    expect(published).toEqual([7]);
    expect([cache.holds(7, s1), cache.holds(7, s2), cache.holds(8, other)]).toEqual([false, false, true]);
    cache.onRemoteChange(8);
    expect(cache.holds(8, other)).toBe(false);
    expect(cache.size()).toBe(0);
    await cache.get(7, s1);
    expect(loads).toHaveLength(4);
  });

  it('does not keep what a lookup read when the user changed while it ran', async () => {
    let release: (state: SessionState) => void = () => undefined;
    const cache = createUserState({ load: () => new Promise<SessionState>((resolve) => (release = resolve)) });
    const sid = randomUUID();
    const reading = cache.get(7, sid);
    cache.onRemoteChange(7);
    release(STATE);
    await reading;
    expect(cache.holds(7, sid)).toBe(false);
  });

  it('stays bounded: idle entries are swept', async () => {
    const { cache, advance } = counting();
    for (let i = 0; i < 10_000; i++) await cache.get(i, 'sid');
    expect(cache.size()).toBe(10_000);
    advance(USER_STATE_TTL_MS);
    await cache.get(1, 'another');
    expect(cache.size()).toBe(1);
  });
});
