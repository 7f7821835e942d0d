/**
 * `gadizone admin create --email a@b.c [--role admin|editor|viewer] [--name "…"]` and
 * `gadizone admin set-password --email a@b.c`: the password comes from standard input when it is piped
 * (`printf '%s' "$PASSWORD" | gadizone admin create …`), otherwise from a prompt that does not echo.
 * There are no default credentials anywhere: the first admin is created this way.
 */
import { parseArgs } from 'node:util';
import { checkPassword } from '../admin/auth/password-policy.js';
import { hashPassword } from '../admin/auth/passwords.js';
import { ROLES, type Role } from '../admin/permissions.js';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { createAuthRepository } from '../admin/auth/repository.js';
import { createPool, transaction } from '../platform/db.js';
import { openDatabase } from '../platform/open-database.js';

const USAGE = 'usage: gadizone admin create --email EMAIL [--role admin|editor|viewer] [--name NAME]\n       gadizone admin set-password --email EMAIL';

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

export async function adminCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, role: { type: 'string', default: 'admin' }, name: { type: 'string', default: '' } }, strict: true });
  if ((action !== 'create' && action !== 'set-password') || values.email === undefined) {
    console.error(USAGE);
    return 2;
  }
  const email = values.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
    console.error(`gadizone admin: "${values.email}" is not an email address`);
    return 2;
  }
  if (!ROLES.includes(values.role as Role)) {
    console.error(`gadizone admin: --role must be one of ${ROLES.join(', ')}`);
    return 2;
  }
  let password: string;
  try {
    password = await readPassword();
    checkPassword(password);
  } catch (error) {
    console.error(`gadizone admin: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const passwordHash = await hashPassword(password);
  const database = await openDatabase(loadConfig(), (m) => console.error(m));
  const pool = createPool(database.config.databaseUrl, { ...database.config.pool, max: 1 }, 'gadizone-admin');
  try {
    if (action === 'create') {
      const { rows } = await pool.query<{ id: number }>(
        `INSERT INTO admin_users (email, password_hash, role, name) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
        [email, passwordHash, values.role, values.name],
      );
      if (rows.length === 0) {
        console.error(`gadizone admin: ${email} already exists (use set-password to change its password)`);
        return 1;
      }
      console.log(`created ${values.role} #${rows[0]!.id} ${email}`);
    } else {
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
        return 1;
      }
      console.log(`password changed for ${email}; its sessions are signed out`);
    }
    return 0;
  } finally {
    await pool.end();
    await database.close();
  }
}
