/**
 * Server CPU per request, read from /proc (Linux), so a benchmark's figure does not depend on how much of
 * the cores the load generator took. The method, used by `npm run bench` and `gadizone capacity`:
 *
 * - **The server's process tree**: the process we started (`gadizone serve`, the cluster primary) and every
 *   descendant (workers, an embedded PostgreSQL and its backends). Each process counts utime + stime
 *   (its own CPU) plus cutime + cstime (the CPU of its children that have exited and been reaped). A
 *   process that exits during the run is reaped inside the tree (the primary reaps workers, the
 *   postmaster reaps backends), so its whole CPU moves into its parent's cutime/cstime: the tree's sum
 *   after the run minus its sum before is exactly the CPU the tree spent in between, exits included.
 *   Only a process that escapes the tree (re-parented to init) would be lost; the server starts none.
 * - **A server PostgreSQL's backends** (not our children): the processes whose title names the app's
 *   database (`postgres: <user> <database> …`). Each counts utime + stime; a backend alive at both
 *   readings adds its difference, one that appeared adds all of it, one that exited during the run is
 *   lost (the pool keeps its connections, so these are few). PostgreSQL's shared background processes
 *   (checkpointer, WAL writer) serve every database on the server and are left out; so is Redis.
 * - The load generator's own CPU is in neither set. CPU per request = (CPU after − CPU before) ÷ requests
 *   answered in between.
 *
 * The parsers are pure (unit-tested on captured /proc text); the readers return null or skip a process
 * that has gone, since processes come and go while a run reads them.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  /** The command name (at most 15 characters; may hold spaces and parentheses). */
  comm: string;
  ppid: number;
  /** CPU in clock ticks: user, system, and those of reaped children. */
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

/**
 * Parses /proc/<pid>/stat (proc(5)): `pid (comm) state ppid …`, utime, stime, cutime and cstime being fields
 * 14-17. The command name may contain spaces and ')', so the fields are counted from its last ')'.
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) throw new Error(`not a /proc/<pid>/stat line: "${text.slice(0, 80)}"`);
  // After the name: state (field 3) is index 0, so field n is index n - 3.
  const rest = text.slice(close + 2).trim().split(/\s+/);
  const field = (n: number): number => {
    const value = Number(rest[n - 3]);
    if (!Number.isSafeInteger(value)) throw new Error(`/proc/<pid>/stat field ${n} is "${rest[n - 3]}", not a whole number`);
    return value;
  };
  return { pid: Number(text.slice(0, open).trim()), comm: text.slice(open + 1, close), ppid: field(4), utime: field(14), stime: field(15), cutime: field(16), cstime: field(17) };
}

/** The resident set size in kB from /proc/<pid>/status (`VmRSS:  123456 kB`); 0 for a kernel thread or a zombie. */
export function parseVmRssKb(status: string): number {
  return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
}

/**
 * The database a PostgreSQL backend serves, from its process title: `postgres: [cluster: ]user database
 * client activity`, the client being `host(port)` or `[local]`; null for any other process, background
 * ones included (`postgres: 15/main: checkpointer`).
 */
export function postgresBackendDatabase(title: string): string | null {
  const match = /^postgres: (?:\S+: )?\S+ (\S+) (?:\[local\]|\S+\(\d+\)) /.exec(title.replace(/\0/g, ' '));
  return match ? match[1]! : null;
}

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of /proc's CPU times (100 on every common Linux build; asked once, in case). */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export function readProcStat(pid: number): ProcStat | null {
  const text = readText(`/proc/${pid}/stat`);
  return text === null ? null : parseProcStat(text);
}

export function readRssKb(pid: number): number {
  const text = readText(`/proc/${pid}/status`);
  return text === null ? 0 : parseVmRssKb(text);
}

/** Every process's stat, read once. */
function readAllStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** `root` and all its descendants, from one set of stats. */
export function treeOf(root: number, stats: readonly ProcStat[]): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const self = stats.find((s) => s.pid === root);
  const tree: ProcStat[] = self ? [self] : [];
  for (let i = 0; i < tree.length; i += 1) tree.push(...(children.get(tree[i]!.pid) ?? []));
  return tree;
}

/** The pids of `root`'s descendants (not `root` itself). */
export function descendantPids(root: number): number[] {
  return treeOf(root, readAllStats())
    .slice(1)
    .map((s) => s.pid);
}

/** The backends of a server PostgreSQL serving `database`. */
export function postgresBackendPids(database: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const title = readText(`/proc/${name}/cmdline`);
    if (title !== null && postgresBackendDatabase(title) === database) pids.push(Number(name));
  }
  return pids;
}

/** One reading of the server's CPU, in clock ticks. */
export interface CpuReading {
  /** The trees' total, reaped children included. */
  treeTicks: number;
  /** Each external backend's own ticks. */
  backends: Map<number, number>;
}

/** Sums a reading from a given set of stats (pure: what `readServerCpu` does after reading /proc). */
export function cpuReadingOf(stats: readonly ProcStat[], roots: readonly number[], backendPids: readonly number[]): CpuReading {
  let treeTicks = 0;
  for (const root of roots) for (const s of treeOf(root, stats)) treeTicks += s.utime + s.stime + s.cutime + s.cstime;
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const backends = new Map<number, number>();
  for (const pid of backendPids) {
    const s = byPid.get(pid);
    if (s) backends.set(pid, s.utime + s.stime);
  }
  return { treeTicks, backends };
}

/** CPU spent between two readings, in clock ticks (see the top of this file for what counts). */
export function ticksBetween(before: CpuReading, after: CpuReading): number {
  let ticks = after.treeTicks - before.treeTicks;
  for (const [pid, now] of after.backends) ticks += now - (before.backends.get(pid) ?? 0);
  return ticks;
}

/** What a server to be measured is made of: process trees we started, and the database its backends serve on a server PostgreSQL. */
export interface ServerProcesses {
  roots: number[];
  /** Set for a server PostgreSQL (not in the trees); unset for an embedded one (a descendant). */
  database?: string;
}

export function readServerCpu(server: ServerProcesses): CpuReading {
  const backends = server.database === undefined ? [] : postgresBackendPids(server.database);
  return cpuReadingOf(readAllStats(), server.roots, backends);
}

/** Starts a measurement; the function it returns gives the CPU spent since, in µs. */
export function startCpuMeter(server: ServerProcesses): () => number {
  const before = readServerCpu(server);
  return () => (ticksBetween(before, readServerCpu(server)) * 1_000_000) / clockTicksPerSecond();
}

/** CPU µs per request, rounded; 0 requests gives 0 rather than a division by zero. */
export function cpuUsPerRequest(cpuUs: number, requests: number): number {
  return requests > 0 ? Math.round(cpuUs / requests) : 0;
}
