/**
 * The target of a load test: a deployed site (`--target URL`, loopback unless allowed otherwise), or an
 * app this command starts itself on a free loopback port and stops afterwards. Also used by the benchmark
 * (bench/lib.ts) to start and stop servers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerProcesses } from './process-cpu.js';

/**
 * The environment of a server this machine loads: warnings-only logs; the load generator's loopback
 * address on the rate-limit allowlist (otherwise the public tier, 60 requests a minute per client
 * address, and the leads tier, 10 an hour, would answer nearly everything with 429); a JWT secret for a
 * server database, which refuses to start without one.
 */
export const LOCAL_SERVER_ENV = Object.freeze({
  LOG_LEVEL: 'warn',
  RATE_LIMIT_ALLOWLIST: '127.0.0.1,::1',
  JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(48).toString('base64url'),
});

const READY_POLL_MS = 100;
/** First start of an embedded database: initdb, migrations and the curated seed. */
export const LOCAL_START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
const SERVER_LOG_TAIL_LINES = 40;

/** True for localhost, 127.0.0.0/8 and ::1: the only addresses a load test may hit without --allow-remote. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Polls `url` until it answers 2xx. */
export async function waitFor(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the server exited (code ${child.exitCode}) before ${url} answered`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(READY_POLL_MS * 20) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(READY_POLL_MS);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

/** The database a postgres:// URL names (its path), or undefined when it names none. */
export function databaseName(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1)) || undefined;
  } catch {
    return undefined;
  }
}

export interface LocalApp {
  url: URL;
  /** What it runs on, for the report ("embedded" or "DATABASE_URL + REDIS_URL"). */
  mode: string;
  /** What its CPU is read from: its process tree, and the database's backends on a server PostgreSQL. */
  processes: ServerProcesses;
  stop(): Promise<void>;
}

/**
 * Starts `gadizone serve --workers N` as a child process (so the load generator does not share its event
 * loop): embedded PostgreSQL in DATA_DIR/loadtest, or DATABASE_URL / REDIS_URL when set. Waits for ready.
 */
export async function startLocalApp(options: { workers: number; dataDir: string; log: (line: string) => void }): Promise<LocalApp> {
  const port = await freePort();
  const env: Record<string, string> = { ...LOCAL_SERVER_ENV, PORT: String(port), HOST: '127.0.0.1', WORKERS: String(options.workers), ACCESS_LOG: 'errors' };
  const embedded = !process.env.DATABASE_URL;
  if (embedded) Object.assign(env, { DATA_DIR: join(options.dataDir, 'loadtest'), EMBEDDED_DB_PORT: String(await freePort()) });
  const mode = embedded ? `embedded PostgreSQL (${env.DATA_DIR})` : `DATABASE_URL${process.env.REDIS_URL ? ' + REDIS_URL' : ''}`;
  options.log(`starting gadizone serve --workers ${options.workers} on 127.0.0.1:${port}, ${mode}…`);
  // The same entry point this command runs from (bin/gadizone.js, or src/cli/index.ts under tsx).
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'serve', '--workers', String(options.workers)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The server's own log (embedded PostgreSQL's included) would interleave with the progress lines: keep
  // its tail and show it only when the server fails.
  let tail: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => (tail = [...tail, ...chunk.toString().split('\n')].slice(-SERVER_LOG_TAIL_LINES)));
  const url = new URL(`http://127.0.0.1:${port}`);
  try {
    await waitFor(new URL('/api/monitoring/ready', url).toString(), LOCAL_START_TIMEOUT_MS, child);
  } catch (error) {
    await stop(child);
    options.log(`the server's last log lines:\n${tail.join('\n')}`);
    throw error;
  }
  // An embedded PostgreSQL is a descendant of the server; a server PostgreSQL's backends are found by database name.
  const database = embedded ? undefined : databaseName(process.env.DATABASE_URL!);
  return { url, mode, processes: { roots: [child.pid!], ...(database ? { database } : {}) }, stop: () => stop(child) };
}
