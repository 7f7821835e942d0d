/**
 * `gadizone serve --workers 2` as a real process tree: both workers serve, a killed worker is replaced,
 * and SIGHUP replaces every worker under load with zero failed
 * requests. Runs once, in the embedded project: the engine does not matter here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, inject, TEST_JWT_SECRET, type TestDatabase } from '../helpers.js';
import { freePort } from '../setup/redis-server.js';

let database: TestDatabase;
let primary: ChildProcess;
let base: string;
let output = '';

/** Which worker answers a request on a new connection (fetch would reuse one keep-alive connection). */
function pidOf(): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = get(`${base}/api/monitoring/cache`, { agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve((JSON.parse(body) as { pid: number }).pid));
    });
    request.on('error', reject);
    request.setTimeout(2_000, () => request.destroy(new Error('no answer in 2 s')));
  });
}

/** Workers answering, sampled over new connections (the primary spreads connections round-robin). */
async function workerPids(samples = 12): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < samples; i += 1) pids.add(await pidOf());
  return pids;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not answering yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out; server output:\n${output.slice(-3000)}`);
}

describe.runIf(inject('engine') === 'embedded')('the cluster primary', () => {
  /** Runs the fixture primary with the guard; its output (`unguarded` shows the crash by hand). */
  const runFixture = (holdMs: number) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/cluster/fixtures/closed-channel-primary.ts', 'guarded', String(holdMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.once('exit', (code) => resolve({ code, output: text }));
    });

  it('survives relaying a message to a worker that has just died (EPIPE on a closed channel)', async () => {
    // Without the guard the same sequence takes the primary, and so every worker, down (seen in CI).
    // The race is forced by the fixture but the kernel may still order it the other way, or a loaded
    // machine may not run the workers within the fixture's holds: try until the send actually failed,
    // holding longer each time, and require the primary alive every time.
    let hitClosedChannel = false;
    for (let attempt = 0; attempt < 6 && !hitClosedChannel; attempt += 1) {
      const { output } = await runFixture(300 * 2 ** Math.min(attempt, 3));
      expect(output).toContain('alive');
      expect(output).not.toContain('Unhandled');
      hitClosedChannel = output.includes('message to a worker lost: its channel closed');
    }
    expect(hitClosedChannel, 'the fixture never reproduced a send on a closed channel').toBe(true);
  }, 120_000);
});

describe.runIf(inject('engine') === 'embedded')('gadizone serve --workers 2', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    primary = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve', '--workers', '2'], {
      env: { ...process.env, DATABASE_URL: database.url, JWT_SECRET: TEST_JWT_SECRET, RATE_LIMIT_ALLOWLIST: '127.0.0.1,::1', PORT: String(port), LOG_LEVEL: 'warn', REDIS_URL: '', SHUTDOWN_DRAIN_MS: '500', CACHE_WARMUP_TIMEOUT_MS: '2000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    primary.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    primary.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(async () => (await workerPids(6)).size === 2, 90_000);
  }, 120_000);

  afterAll(async () => {
    if (primary.exitCode === null) {
      const exited = new Promise((r) => primary.once('exit', r));
      primary.kill('SIGTERM');
      await exited;
    }
    await database.drop();
  }, 60_000);

  it('reports metrics for the whole cluster, whichever worker Prometheus reaches', async () => {
    const fetchText = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const request = get(`${base}${path}`, { agent: false }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve(body));
        });
        request.on('error', reject);
      });
    const brandAnswers = async () => {
      const text = await fetchText('/api/monitoring/metrics');
      const line = text.split('\n').find((l) => l.startsWith('http_request_duration_seconds_count') && l.includes('route="/api/brands/:slug"') && l.includes('status="200"'));
      return line === undefined ? 0 : Number(line.split(' ').pop());
    };
    // The warm-up has already requested brand pages in each worker: count from here.
    const before = await brandAnswers();
    const REQUESTS = 20;
    for (let i = 0; i < REQUESTS; i += 1) await fetchText('/api/brands/tata');
    expect((await workerPids()).size).toBe(2);
    for (let scrape = 0; scrape < 4; scrape += 1) expect(await brandAnswers()).toBe(before + REQUESTS);
  }, 30_000);

  it('replaces a worker that dies', async () => {
    const before = await workerPids();
    const [victim] = [...before];
    process.kill(victim!, 'SIGKILL');
    await until(async () => {
      const now = await workerPids();
      return now.size === 2 && !now.has(victim!);
    }, 60_000);
  }, 70_000);

  it('replaces every worker on SIGHUP with zero failed requests under load', async () => {
    const before = await workerPids();
    let load: autocannon.Instance | undefined;
    const done = new Promise<autocannon.Result>((resolve, reject) => {
      load = autocannon(
        {
          url: `${base}/api/models?bodyType=suv`,
          connections: 20,
          duration: 90,
          requests: [{ method: 'GET', path: '/api/models?bodyType=suv' }, { method: 'GET', path: '/api/brands' }],
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
    });
    await new Promise((r) => setTimeout(r, 1_500));
    primary.kill('SIGHUP');
    // Under a loaded CI machine a worker takes a while to start; keep the load on until both are replaced.
    await until(async () => {
      const now = await workerPids();
      return now.size === 2 && [...now].every((pid) => !before.has(pid));
    }, 80_000);
    await new Promise((r) => setTimeout(r, 1_000));
    load?.stop();
    const result = await done;
    expect(result.errors, 'connection errors').toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result.requests.total).toBeGreaterThan(500);
  }, 100_000);
});
