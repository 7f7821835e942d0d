/**
 * SIGTERM under load, on a real `gadizone serve` process, with the load generator behaving like a load
 * balancer: it checks /api/monitoring/ready every LB_INTERVAL_MS and stops routing to the process once it
 * answers 503. Readiness must turn 503 at once, requests sent before the balancer noticed must all be
 * answered (the drain window, with `Connection: close` so keep-alive connections leave), and the process
 * must exit 0 within its bound. A reset, a timeout or a non-2xx is a failed request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, inject, TEST_JWT_SECRET, type TestDatabase } from '../helpers.js';
import { freePort } from '../setup/redis-server.js';
import { report, until } from './load.js';

const CONNECTIONS = 16;
const DRAIN_MS = 1_500;
/** How often the simulated load balancer checks readiness (real ones: 1-10 s, with a drain to match). */
const LB_INTERVAL_MS = 200;
/** Answers before the signal: the process is under load when it gets it. */
const LOAD_BEFORE_SIGNAL = 100;

interface Outcome {
  ok: number;
  non2xx: number;
  statuses: Record<number, number>;
  refused: number;
  failed: string[];
  closeHeaders: number;
}

function call(agent: Agent, port: number, path: string): Promise<{ status: number; connection?: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

describe.runIf(inject('engine') === 'embedded')('SIGTERM during load', () => {
  let database: TestDatabase;
  let server: ChildProcess;
  let port: number;
  let output = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    port = await freePort();
    server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'serve', '--workers', '1'], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        JWT_SECRET: TEST_JWT_SECRET,
        RATE_LIMIT_ALLOWLIST: '127.0.0.1,::1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        REDIS_URL: '',
        SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
        SHUTDOWN_TIMEOUT_MS: '5000',
        CACHE_WARMUP_TIMEOUT_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const agent = new Agent({ keepAlive: false });
    const deadline = Date.now() + 90_000;
    for (;;) {
      const answer = await call(agent, port, '/api/monitoring/ready');
      if ('status' in answer && answer.status === 200) break;
      if (Date.now() > deadline) throw new Error(`server did not become ready:\n${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    await database.drop();
  });

  it('answers every accepted request, reports not-ready while draining, and exits 0', async () => {
    const outcome: Outcome = { ok: 0, non2xx: 0, statuses: {}, refused: 0, failed: [], closeHeaders: 0 };
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const paths = ['/api/brands', '/api/models?bodyType=suv', '/api/models/hyundai-creta', '/api/variants?fuel=diesel&sort=price'];
    let running = true;
    let routable = true;
    let signalledAt = 0;
    let afterSignal = 0;
    const balancer = (async () => {
      const probe = new Agent({ keepAlive: false });
      while (routable) {
        await new Promise((r) => setTimeout(r, LB_INTERVAL_MS));
        const answer = await call(probe, port, '/api/monitoring/ready');
        if (!('status' in answer) || answer.status !== 200) routable = false;
      }
    })();
    const user = async (index: number) => {
      for (let i = index; running && routable; i += 1) {
        const answer = await call(agent, port, paths[i % paths.length]!);
        if (signalledAt > 0) afterSignal += 1;
        if ('error' in answer) {
          if (answer.error === 'ECONNREFUSED') {
            outcome.refused += 1;
            await new Promise((r) => setTimeout(r, 20));
          } else outcome.failed.push(`${answer.error}@${Date.now() - signalledAt}ms`);
        } else if (answer.status >= 200 && answer.status < 300) {
          outcome.ok += 1;
          if (answer.connection === 'close') outcome.closeHeaders += 1;
        } else {
          outcome.non2xx += 1;
          outcome.statuses[answer.status] = (outcome.statuses[answer.status] ?? 0) + 1;
        }
      }
    };
    const users = Array.from({ length: CONNECTIONS }, (_, i) => user(i));
    // Under load first (polled: a busy machine answers fewer per second), then the signal.
    await until(() => outcome.ok >= LOAD_BEFORE_SIGNAL, 20_000, () => `only ${outcome.ok} answers before SIGTERM: ${JSON.stringify(outcome)}`);
    const beforeSignal = outcome.ok;
    let exitedAt = 0;
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => ((exitedAt = Date.now() - signalledAt), resolve(code))));
    signalledAt = Date.now();
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const ready = await call(new Agent({ keepAlive: false }), port, '/api/monitoring/ready');
    await balancer;
    await Promise.all(users);
    const code = await exited;
    running = false;
    agent.destroy();

    const sent = outcome.ok + outcome.non2xx + outcome.refused + outcome.failed.length;
    report('SIGTERM during load', { sent, failed: sent - outcome.ok, lost: 0 }, `${afterSignal} sent after SIGTERM, exit ${code} ${exitedAt} ms after it; read-only load, so nothing to lose`);
    expect(code, output.slice(-2000)).toBe(0);
    expect(ready).toEqual({ status: 503, connection: 'close' });
    expect(outcome.ok).toBeGreaterThan(beforeSignal);
    expect(outcome.closeHeaders, 'answers during the drain carry Connection: close').toBeGreaterThan(0);
    expect(afterSignal, 'requests sent between SIGTERM and the balancer noticing').toBeGreaterThan(0);
    expect(outcome.failed, `failed requests (the process exited ${exitedAt} ms after SIGTERM)`).toEqual([]);
    expect(outcome.refused).toBe(0);
    expect(outcome.non2xx, `non-2xx answers by status: ${JSON.stringify(outcome.statuses)}\n${output.slice(-1500)}`).toBe(0);
  }, 60_000);
});
