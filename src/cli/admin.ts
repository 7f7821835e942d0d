/**
 * `gadizone admin create --email a@b.c [--role admin|editor|viewer] [--name "…"]` and
 * `gadizone admin set-password --email a@b.c`: the password comes from standard input when it is piped
 * (`printf '%s' "$PASSWORD" | gadizone admin create …`), otherwise from a prompt that does not echo.
 * There are no default credentials anywhere: the first admin is created this way.
 */
import type { Pool } from 'pg';
import { ROLES, type Role } from '../admin/permissions.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { defineCommand, UsageError } from './command.js';

/** Longest address RFC 5321 allows in a path. */
const MAX_EMAIL_LENGTH = 254;

async function readPiped(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** Reads one line from the terminal in raw mode, echoing nothing; Ctrl-C aborts. */
function prompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    const stdin = process.stdin;
    let typed = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPiped();
  const first = await prompt('password: ');
  const second = await prompt('again: ');
  if (first !== second) throw new AppError('WEAK_PASSWORD', 'the two passwords differ');
  return first;
}

export const adminCommand = defineCommand({
  name: 'admin',
  summary: 'create an admin user or set a password (admin create --email …)',
  about:
    'create adds a user with a role; set-password changes a password and signs the account out everywhere. ' +
    'The password is read from standard input when it is piped, otherwise from a prompt that does not echo. ' +
    'There are no default credentials: the first admin is created this way.',
  positionals: [{ name: 'ACTION', description: 'create (a new user) or set-password (of an existing one)', choices: ['create', 'set-password'] }],
  options: {
    email: { type: 'string', value: 'EMAIL', description: "the user's email address (their sign-in name)", required: true },
    role: { type: 'string', value: 'ROLE', description: `create: one of ${ROLES.join(', ')}`, default: 'admin' },
    name: { type: 'string', value: 'NAME', description: 'create: the name shown in the admin pages and the audit log', default: '' },
  },
  env: ['DATABASE_URL', 'DATA_DIR'],
  examples: ["printf '%s' \"$PASSWORD\" | gadizone admin create --email ops@example.com --role admin --name 'Ops'"],
  async run({ values, positionals }) {
    const action = positionals[0] as 'create' | 'set-password';
    const email = values.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > MAX_EMAIL_LENGTH) throw new UsageError(`"${values.email}" is not an email address`);
    if (!ROLES.includes(values.role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    const { checkPassword } = await import('../admin/auth/password-policy.js');
    let password: string;
    try {
      password = await readPassword();
      checkPassword(password);
    } catch (error) {
      console.error(`gadizone admin: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
    const { hashPassword } = await import('../admin/auth/passwords.js');
    const passwordHash = await hashPassword(password);
    const { openDatabase } = await import('../platform/open-database.js');
    const { closePool, createPool } = await import('../platform/db.js');
    const database = await openDatabase(loadConfig(), (m) => console.error(m));
    const pool = createPool(database.config.databaseUrl, { ...database.config.pool, max: 1 }, 'gadizone-admin');
    try {
      const done = action === 'create' ? await createUser(pool, email, passwordHash, values.role, values.name) : await setPassword(pool, email, passwordHash);
      return done ? 0 : 1;
    } finally {
      await closePool(pool);
      await database.close();
    }
  },
});

async function createUser(pool: Pool, email: string, passwordHash: string, role: string, name: string): Promise<boolean> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO admin_users (email, password_hash, role, name) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
    [email, passwordHash, role, name],
  );
  if (rows.length === 0) {
    console.error(`gadizone admin: ${email} already exists (use set-password to change its password)`);
    return false;
  }
  console.log(`created ${role} #${rows[0]!.id} ${email}`);
  return true;
}

async function setPassword(pool: Pool, email: string, passwordHash: string): Promise<boolean> {
  const { transaction } = await import('../platform/db.js');
  const { createAuthRepository } = await import('../admin/auth/repository.js');
  // A new password ends every session of the account: refresh tokens revoked, access tokens outdated
  // (refused by every process within a second: the user-state cache's bound, see admin/auth/user-state.ts).
  const changed = await transaction(pool, async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `UPDATE admin_users SET password_hash = $2, updated_at = now(), version = version + 1 WHERE lower(email) = $1 RETURNING id`,
      [email, passwordHash],
    );
    if (rows[0] !== undefined) await createAuthRepository(tx).signOutEverywhere(rows[0].id);
    return rows.length > 0;
  });
  if (!changed) {
    console.error(`gadizone admin: no user ${email}`);
    return false;
  }
  console.log(`password changed for ${email}; its sessions are signed out`);
  return true;
}
