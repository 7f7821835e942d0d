/** Helpers shared by the benchmarks: child processes, readiness, memory, a bench catalogue. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import pg from 'pg';
import { LOCAL_SERVER_ENV, stop, waitFor } from '../src/loadtest/local-target.js';
import { clockTicksPerSecond, readProcStat } from '../src/loadtest/process-cpu.js';

/** RSS and process trees come from the module that measures server CPU (src/loadtest/process-cpu.ts). */
export { descendantPids as descendants, readRssKb as rssKb } from '../src/loadtest/process-cpu.js';

/** CPU time (user + system) the process itself has used so far, in ms; 0 once it is gone. */
export function cpuMs(pid: number): number {
  const stat = readProcStat(pid);
  return stat === null ? 0 : ((stat.utime + stat.stime) * 1000) / clockTicksPerSecond();
}

/** Proportional set size in kB: shared pages (PostgreSQL's shared buffers) split between their users. */
export function pssKb(pid: number): number {
  try {
    const rollup = execFileSync('cat', [`/proc/${pid}/smaps_rollup`], { encoding: 'utf8' });
    return Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Servers under load get the same environment as the ones `gadizone loadtest` starts. */
export const BENCH_ENV = LOCAL_SERVER_ENV;
export { stop, waitFor };

/** Runs the built CLI (`bin/gadizone.js`); stderr passes through so failures are visible. */
export function gadizone(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['bin/gadizone.js', ...args], { env: { ...process.env, ...BENCH_ENV, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

export function gadizoneSync(args: string[], env: Record<string, string>): void {
  execFileSync(process.execPath, ['bin/gadizone.js', ...args], { env: { ...process.env, ...BENCH_ENV, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Creates `name` on the server at `adminUrl` if missing; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

interface CacheCounters {
  memory: number;
  l1: number;
  l2: number;
  notModified: number;
  requests: number;
}

/**
 * Sums the cache counters of every app process: each answers `/api/monitoring/cache` for itself, and a new
 * connection per request reaches each worker in turn, so this asks until it has heard from `workers` pids.
 */
export async function cacheTotals(app: string, workers: number): Promise<{ hits: number; requests: number }> {
  const seen = new Map<number, CacheCounters>();
  for (let attempt = 0; attempt < 60 && seen.size < workers; attempt += 1) {
    const report = await new Promise<{ pid: number; total: CacheCounters }>((resolve, reject) => {
      get(`${app}/api/monitoring/cache`, { agent: false }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(JSON.parse(body)));
      }).on('error', reject);
    });
    seen.set(report.pid, report.total);
  }
  let hits = 0;
  let requests = 0;
  for (const t of seen.values()) {
    hits += t.memory + t.l1 + t.l2 + t.notModified;
    requests += t.requests;
  }
  return { hits, requests };
}
