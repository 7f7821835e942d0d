/** Helpers shared by the benchmarks: child processes, readiness, memory, a bench catalogue. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { LOCAL_SERVER_ENV, stop, waitFor } from '../src/loadtest/local-target.js';

export function rssKb(pid: number): number {
  try {
    const status = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' });
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const CLOCK_TICKS_PER_S = 100;

/** CPU time (user + system) the process has used so far, in ms; 0 once it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = execFileSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' });
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of those.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S) * 1000;
  } catch {
    return 0;
  }
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

export function descendants(pid: number): number[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  const children = new Map<number, number[]>();
  for (const line of out.trim().split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const all: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      all.push(c);
      walk(c);
    }
  };
  walk(pid);
  return all;
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
