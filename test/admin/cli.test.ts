/** `gadizone admin create|set-password`, run as a child process (`runCli`) against this file's database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTestDatabase, runCli, type TestApp, type TestDatabase } from '../helpers.js';
import { login } from './helpers.js';

let database: TestDatabase;
let t: TestApp;
beforeAll(async () => {
  database = await createTestDatabase();
  t = await buildTestApp({ database });
});
afterAll(async () => {
  await t.close();
  await database.drop();
});

/** Runs `gadizone admin …` against this file's database with `stdin` piped in. */
const admin = (args: string[], stdin: string, env: Record<string, string | undefined> = {}) => runCli(['admin', ...args], { DATABASE_URL: database.url, ...env }, stdin);

const usersWith = async (email: string) =>
  (await t.app.pg.query<{ id: number; email: string; role: string; password_hash: string }>('SELECT id, email, role, password_hash FROM admin_users WHERE lower(email) = lower($1)', [email])).rows;
const loginStatus = async (email: string, password: string) =>
  (await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { email, password } })).statusCode;

const PASSWORD = 'cli-created-Passphrase-7731';

describe('gadizone admin create', () => {
  it('creates a user from a piped password, who can then log in', async () => {
    const run = await admin(['create', '--email', 'Cli.Editor@Example.test', '--role', 'editor', '--name', 'Cli Editor'], `${PASSWORD}\n`);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const rows = await usersWith('cli.editor@example.test');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: 'cli.editor@example.test', role: 'editor' });
    expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$/);
    expect(run.stdout).toContain(`created editor #${rows[0]!.id} cli.editor@example.test`);
    expect(run.stdout).not.toContain(PASSWORD);

    const session = await login(t.app, { id: rows[0]!.id, email: 'CLI.editor@example.test', password: PASSWORD, role: 'editor' });
    const me = await t.app.inject({ method: 'GET', url: '/api/admin/auth/me', headers: session.headers });
    expect(me.json().data).toMatchObject({ id: rows[0]!.id, role: 'editor', name: 'Cli Editor' });
  });

  it('refuses an email that exists (exit 1), in any case', async () => {
    const run = await admin(['create', '--email', 'CLI.EDITOR@example.test', '--role', 'admin'], `another-Passphrase-8812\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('already exists');
    expect(await usersWith('cli.editor@example.test')).toMatchObject([{ role: 'editor' }]);
    expect(await loginStatus('cli.editor@example.test', 'another-Passphrase-8812')).toBe(401);
  });

  it('refuses to run against a server database without a proper JWT_SECRET (exit 78)', async () => {
    const run = await admin(['create', '--email', 'nosecret@example.test'], `${PASSWORD}\n`, { JWT_SECRET: 'short' });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('JWT_SECRET');
    expect(await usersWith('nosecret@example.test')).toHaveLength(0);
  });
});

// Refusals touch nothing, so they run side by side (each is a process start).
describe.concurrent('gadizone admin create refuses (exit 2), creating nothing', () => {
  it.for([
    ['a too short password', 'short@example.test', 'editor', 'Short-pw-1', /at least 12 characters/],
    ['a common password', 'common@example.test', 'editor', 'password1234', /commonly used/],
    ['an empty password', 'empty@example.test', 'editor', '', /at least 12 characters/],
    ['an unknown role', 'role@example.test', 'superuser', PASSWORD, /--role must be one of admin, editor, viewer/],
  ] as const)('%s', async ([, email, role, password, message], { expect }) => {
    const run = await admin(['create', '--email', email, '--role', role], `${password}\n`);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(await usersWith(email)).toHaveLength(0);
  });

  it.for([
    ['a malformed email', ['create', '--email', 'not-an-email', '--role', 'editor'], /is not an email address/],
    ['no email', ['create', '--role', 'editor'], /usage: gadizone admin create/],
    ['an unknown action', ['delete', '--email', 'action@example.test'], /usage: gadizone admin create/],
  ] as const)('%s', async ([, args, message], { expect }) => {
    const run = await admin([...args], `${PASSWORD}\n`);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(await usersWith('action@example.test')).toHaveLength(0);
  });
});

describe('gadizone admin set-password', () => {
  it('changes the password and signs the account out everywhere', async () => {
    const created = await admin(['create', '--email', 'reset@example.test', '--role', 'viewer'], `${PASSWORD}\n`);
    expect(created.code).toBe(0);
    const { id } = (await usersWith('reset@example.test'))[0]!;
    const session = await login(t.app, { id, email: 'reset@example.test', password: PASSWORD, role: 'viewer' });

    const run = await admin(['set-password', '--email', 'RESET@example.test'], 'a-brand-new-Passphrase-4410\n');
    expect(run.code).toBe(0);
    expect(await loginStatus('reset@example.test', PASSWORD)).toBe(401);
    expect(await loginStatus('reset@example.test', 'a-brand-new-Passphrase-4410')).toBe(200);
    const refresh = await t.app.inject({ method: 'POST', url: '/api/admin/auth/refresh', payload: { refreshToken: session.refreshToken } });
    expect(refresh.json().error.code).toBe('REFRESH_TOKEN_INVALID');
  });

  it('refuses an unknown user (exit 1) and a weak password (exit 2)', async () => {
    expect((await admin(['set-password', '--email', 'ghost@example.test'], 'a-brand-new-Passphrase-4410\n')).code).toBe(1);
    const weak = await admin(['set-password', '--email', 'reset@example.test'], 'qwerty123456\n');
    expect(weak.code).toBe(2);
    expect(await loginStatus('reset@example.test', 'a-brand-new-Passphrase-4410')).toBe(200);
  });
});
