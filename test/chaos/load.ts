/**
 * What the chaos tests share: a real `gadizone serve` process, a bounded concurrent stream of HTTP
 * requests on loopback that records every outcome, and the one summary line each test prints for the
 * closing note (requests sent, failed, lost).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { TEST_JWT_SECRET } from '../helpers.js';
import { freePort } from '../setup/redis-server.js';

/** A request of the load; `body` is sent as JSON. */
export interface Call {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Answer = { status: number; headers: IncomingHttpHeaders; body: string } | { error: string };

const REQUEST_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 90_000;
/** No load runs longer than this, whatever happens to the test driving it. */
const MAX_LOAD_MS = 60_000;
const POLL_MS = 100;

export function send(agent: Agent, port: number, call: Call): Promise<Answer> {
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  const headers = { ...call.headers, ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }) };
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: call.path, method: call.method ?? 'GET', headers, agent, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end(payload);
  });
}

/** Polls `check` every POLL_MS until it holds; throws with `describe()` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export interface Server {
  port: number;
  process: ChildProcess;
  /** The last `chars` characters the server printed. */
  output(chars?: number): string;
  /** SIGTERM, then SIGKILL when it has not exited within 15 s. */
  stop(): Promise<void>;
}

/** `gadizone serve --workers N` over `databaseUrl`, resolved once /api/monitoring/ready (or `readyPath`) answers 200. */
export async function startServer(databaseUrl: string, env: Record<string, string>, workers = 1, readyPath = '/api/monitoring/ready'): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve', '--workers', String(workers)], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      REDIS_URL: '',
      CACHE_WARMUP_TIMEOUT_MS: '0',
      SHUTDOWN_DRAIN_MS: '200',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const output = (chars = 3_000) => text.slice(-chars);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const probe = new Agent({ keepAlive: false });
  let last: Answer | undefined;
  try {
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error('exited');
        last = await send(probe, port, { path: readyPath });
        return 'status' in last && last.status === 200;
      },
      READY_TIMEOUT_MS,
      () => `server not ready (last answer ${JSON.stringify(last).slice(0, 500)}):\n${output()}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, process: child, output, stop };
}

export interface LoadStats {
  sent: number;
  /** Answers by status. */
  statuses: Record<number, number>;
  /** Requests that got no answer, by error code (reset, refused, timeout). */
  errors: Record<string, number>;
}

export interface Load {
  stats: LoadStats;
  /** Answers (of any status) received so far. */
  answered(): number;
  /** Stops sending and resolves once every request in flight has its outcome. */
  stop(): Promise<LoadStats>;
}

/**
 * `concurrency` users, each sending `next(n)` (n counts requests across users) as soon as its previous
 * request has its outcome, until stopped (or MAX_LOAD_MS); `observe` sees every outcome.
 */
export function startLoad(port: number, concurrency: number, next: (n: number) => Call, observe: (call: Call, answer: Answer) => void = () => {}): Load {
  const stats: LoadStats = { sent: 0, statuses: {}, errors: {} };
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const startedAt = Date.now();
  let running = true;
  let answered = 0;
  const user = async () => {
    while (running && Date.now() - startedAt < MAX_LOAD_MS) {
      const call = next(stats.sent);
      stats.sent += 1;
      const answer = await send(agent, port, call);
      if ('error' in answer) stats.errors[answer.error] = (stats.errors[answer.error] ?? 0) + 1;
      else {
        answered += 1;
        stats.statuses[answer.status] = (stats.statuses[answer.status] ?? 0) + 1;
      }
      observe(call, answer);
    }
  };
  const users = Array.from({ length: concurrency }, user);
  return {
    stats,
    answered: () => answered,
    async stop() {
      running = false;
      await Promise.all(users);
      agent.destroy();
      return stats;
    },
  };
}

/** Answers with a 5xx status. */
export const serverErrors = (stats: LoadStats): number =>
  Object.entries(stats.statuses).reduce((sum, [status, count]) => sum + (Number(status) >= 500 ? count : 0), 0);

/** Requests without an answer. */
export const unanswered = (stats: LoadStats): number => Object.values(stats.errors).reduce((sum, count) => sum + count, 0);

/** The line each chaos test prints: the figures of the closing note. */
export function report(name: string, figures: { sent: number; failed: number; lost: number }, detail: string): void {
  console.log(`[chaos] ${name}: sent ${figures.sent}, failed ${figures.failed}, lost ${figures.lost} (${detail})`);
}
