/**
 * `gadizone worker` as a child process (from source through tsx, as the other CLI tests): it runs a job an
 * app queued in Redis (the newsletter confirmation, mailed to the log: no SMTP configured) and exits 0 on
 * SIGTERM; without REDIS_URL it refuses to start and says why. The Redis part runs when TEST_REDIS_URL is set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildTestApp, createTestDatabase, TEST_JWT_SECRET, uniqueRedisPrefix, type TestApp, type TestDatabase } from '../helpers.js';
import { until } from './test-jobs.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const redisUrl = process.env.TEST_REDIS_URL;

function startWorker(env: Record<string, string | undefined>): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'worker'], {
    cwd: ROOT,
    env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'info', CACHE_WARMUP_TIMEOUT_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

describe('gadizone worker', () => {
  it('refuses to start without REDIS_URL, naming it', async () => {
    const worker = startWorker({ REDIS_URL: undefined, DATABASE_URL: 'postgres://127.0.0.1:1/none' });
    expect(await worker.exit).toBe(78);
    expect(worker.output()).toMatch(/REDIS_URL is required/);
  });
});

describe.skipIf(!redisUrl)('gadizone worker with Redis', () => {
  let database: TestDatabase;
  let t: TestApp;
  const prefix = uniqueRedisPrefix();

  beforeAll(async () => {
    database = await createTestDatabase();
    // This app only queues (JOBS_IN_SERVE=false): the worker process is the one that runs the job.
    t = await buildTestApp({ database, config: { redisUrl: redisUrl!, redisPrefix: prefix, jobs: { ...loadConfig({}).jobs, inServe: false } } });
  });
  afterAll(async () => {
    await t.app.jobs.bullmq!.queue.obliterate({ force: true }).catch(() => undefined);
    await t.close();
    await database.drop();
  });

  it('runs a queued job and exits 0 on SIGTERM', async () => {
    const email = `worker.${randomBytes(4).toString('hex')}@example.com`;
    expect((await t.app.inject({ method: 'POST', url: '/api/newsletter', payload: { email } })).statusCode).toBe(202);
    expect(t.mailer.sent).toEqual([]);
    const tokenHash = async () => (await t.app.pg.query<{ h: string }>('SELECT confirm_token_hash AS h FROM newsletter_subscribers WHERE email = $1', [email])).rows[0]!.h;
    expect(await tokenHash()).toMatch(/^mail:/);

    const worker = startWorker({ DATABASE_URL: database.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix });
    try {
      await until(tokenHash, (h) => /^[0-9a-f]{64}$/.test(h), 20_000, `the worker to send the mail (output: ${worker.output().slice(-2_000)})`);
      await until(async () => worker.output(), (o) => o.includes('mail (no SMTP configured: logged only)'), 5_000, 'the logged mail');
      worker.child.kill('SIGTERM');
      expect(await worker.exit).toBe(0);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    }
  });
});
