/** The password policy, applied where admins create users (POST /api/admin/users), and how passwords are stored. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';
import { signedIn, type TestSession } from './helpers.js';

let t: TestApp;
let admin: TestSession;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await signedIn(t.app, 'admin');
});
afterAll(() => t.close());

const createUser = (payload: object, headers: Record<string, string> = admin.headers) =>
  t.app.inject({ method: 'POST', url: '/api/admin/users', headers, payload });
const rowsFor = async (email: string) => (await t.app.pg.query('SELECT 1 FROM admin_users WHERE lower(email) = lower($1)', [email])).rowCount;
const strongPassword = () => `Gz-${randomBytes(12).toString('base64url')}`;

describe('password policy', () => {
  it.each([
    ['shorter than 12 characters', 'Sh0rt-pass!', /at least 12 characters/],
    ['12 characters counted as bytes, fewer as characters', 'ñññññ-ñññññ', /at least 12 characters/],
    ['in the common-password list', 'qwerty123456', /commonly used/],
    ['in the list in another case', 'QWERTY123456', /commonly used/],
    ['a common word padded with digits and symbols', 'Password2024!!', /commonly used/],
    ['longer than 256 characters', 'x'.repeat(257), /at most 256/],
  ])('refuses a password %s, creating nothing', async (_name, password, message) => {
    const email = `weak-${randomBytes(4).toString('hex')}@example.test`;
    const response = await createUser({ email, password, role: 'editor' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'WEAK_PASSWORD', message: expect.stringMatching(message) });
    expect(await rowsFor(email)).toBe(0);
  });

  it('accepts a good password: the user can log in, the hash is argon2id and never shown', async () => {
    const email = `New.Editor-${randomBytes(4).toString('hex')}@Example.test`;
    const password = strongPassword();
    const created = await createUser({ email, password, role: 'editor', name: 'New Editor' });
    expect(created.statusCode).toBe(201);
    expect(created.json().data).toMatchObject({ email: email.toLowerCase(), role: 'editor', name: 'New Editor', disabledAt: null, version: 1 });

    const { rows } = await t.app.pg.query<{ password_hash: string }>('SELECT password_hash FROM admin_users WHERE id = $1', [created.json().data.id]);
    const hash = rows[0]!.password_hash;
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(hash).not.toContain(password);

    const login = await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { email, password } });
    expect(login.statusCode).toBe(200);
    const session = login.json().data;
    const responses = [
      created,
      login,
      await t.app.inject({ method: 'GET', url: '/api/admin/auth/me', headers: { authorization: `Bearer ${session.accessToken}` } }),
      await t.app.inject({ method: 'GET', url: '/api/admin/users?limit=100', headers: admin.headers }),
      await t.app.inject({ method: 'GET', url: '/api/admin/audit?entity=user', headers: admin.headers }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBeLessThan(300);
      expect(response.body).not.toContain('$argon2');
      expect(response.body).not.toContain(hash.split('$').at(-1));
      expect(response.body).not.toContain(password);
      expect(response.body).not.toMatch(/password_?hash/i);
    }
    const audit = responses[4]!.json().data;
    expect(audit.some((entry: { action: string; after: { email?: string } }) => entry.action === 'create' && entry.after.email === email.toLowerCase())).toBe(true);
  });

  it('refuses a second user with the same email, in any case', async () => {
    const email = `twice-${randomBytes(4).toString('hex')}@example.test`;
    expect((await createUser({ email, password: strongPassword(), role: 'viewer' })).statusCode).toBe(201);
    const again = await createUser({ email: email.toUpperCase(), password: strongPassword(), role: 'viewer' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('EMAIL_TAKEN');
    expect(await rowsFor(email)).toBe(1);
  });

  it('lets only admins create users', async () => {
    const editor = await signedIn(t.app, 'editor');
    const email = `by-editor-${randomBytes(4).toString('hex')}@example.test`;
    const response = await createUser({ email, password: strongPassword(), role: 'admin' }, editor.headers);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('FORBIDDEN');
    expect((await createUser({ email, password: strongPassword(), role: 'admin' }, {})).statusCode).toBe(401);
    expect(await rowsFor(email)).toBe(0);
  });
});
