/**
 * Jobs on BullMQ (runs when TEST_REDIS_URL is set): a committed write's job is queued and run by a worker,
 * a rolled-back one never; Redis down at commit time loses nothing (the outbox keeps the job and queues it
 * when Redis is back); a failing job retries with growing delays and ends in the failed list, and retry
 * works; a schedule upserted by two instances runs once per period; the newsletter mail is sent once.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transaction } from '../../src/platform/db.js';
import { enqueueJob } from '../../src/platform/jobs/define-job.js';
import { signedIn, type TestSession } from '../admin/helpers.js';
import { buildTestApp, createTestDatabase, uniqueRedisPrefix, type TestApp, type TestDatabase } from '../helpers.js';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server.js';
import { createRunsTable, flakyJob, recordJob, runsOf, sleep, TEST_JOBS, until } from './test-jobs.js';

const redisUrl = process.env.TEST_REDIS_URL;
const label = () => `l-${randomBytes(4).toString('hex')}`;

async function jobsApp(database: TestDatabase, url: string, prefix: string): Promise<TestApp> {
  const t = await buildTestApp({ database, config: { redisUrl: url, redisPrefix: prefix } });
  for (const job of TEST_JOBS) t.app.jobs.register(job);
  return t;
}

describe.skipIf(!redisUrl)('jobs on BullMQ', () => {
  let database: TestDatabase;
  let t: TestApp;
  let admin: TestSession;
  const prefix = uniqueRedisPrefix();

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await jobsApp(database, redisUrl!, prefix);
    await createRunsTable(t.app);
    admin = await signedIn(t.app, 'admin');
  });
  afterAll(async () => {
    await t.app.jobs.bullmq!.queue.obliterate({ force: true }).catch(() => undefined);
    await t.close();
    await database.drop();
  });

  it('queues the job of a committed transaction and a worker runs it; a rolled-back one never runs', async () => {
    const committed = label();
    const rolledBack = label();
    await transaction(t.app.pg, (tx) => enqueueJob(tx, recordJob, { label: committed }));
    await transaction(t.app.pg, async (tx) => {
      await enqueueJob(tx, recordJob, { label: rolledBack });
      await tx.query('ROLLBACK; BEGIN');
    });
    await Promise.all([t.app.outbox.drainNow(), t.app.outbox.drainNow()]);
    const runs = await until(() => runsOf(t.app, committed), (r) => r.length >= 1, 5_000, 'the job');
    expect(runs[0]!.jobId).toMatch(/^job-\d+$/);
    await sleep(1_200);
    expect(await runsOf(t.app, committed)).toHaveLength(1);
    expect(await runsOf(t.app, rolledBack)).toEqual([]);
  });

  it('retries a failing job with growing delays, lists it in GET /api/admin/jobs, and retries it on request', async () => {
    const name = label();
    await transaction(t.app.pg, (tx) => enqueueJob(tx, flakyJob, { label: name, succeedOn: 0 }));
    await t.app.outbox.drainNow();
    const runs = await until(() => runsOf(t.app, name), (r) => r.length >= 3, 10_000, 'three attempts');
    // backoff 200 ms, then 400 ms (BullMQ exponential)
    const gaps = [runs[1]!.at.getTime() - runs[0]!.at.getTime(), runs[2]!.at.getTime() - runs[1]!.at.getTime()];
    expect(gaps[0]).toBeGreaterThanOrEqual(180);
    expect(gaps[1]).toBeGreaterThanOrEqual(380);
    expect(gaps[1]).toBeGreaterThan(gaps[0]!);

    const overview = await until(
      async () => (await t.app.inject({ method: 'GET', url: '/api/admin/jobs', headers: admin.headers })).json().data,
      (data) => data.failed.some((f: { name: string }) => f.name === 'test.flaky'),
      5_000,
      'the failed list',
    );
    expect(overview.backend).toBe('bullmq');
    const failed = overview.failed.find((f: { name: string }) => f.name === 'test.flaky');
    expect(failed).toMatchObject({ attempts: 3, source: 'bullmq', error: 'flaky job failed on attempt 3' });
    expect(overview.counts.failed).toBeGreaterThanOrEqual(1);

    const retried = await t.app.inject({ method: 'POST', url: `/api/admin/jobs/${failed.id}/retry`, headers: admin.headers });
    expect(retried.statusCode).toBe(200);
    await until(() => runsOf(t.app, name), (r) => r.length >= 4, 5_000, 'the retried run');
    expect((await t.app.inject({ method: 'POST', url: `/api/admin/jobs/no-such-job/retry`, headers: admin.headers })).statusCode).toBe(404);
  });

  it('runs a schedule upserted by two instances once per period', async () => {
    const second = await jobsApp(database, redisUrl!, prefix);
    try {
      const name = label();
      const schedule = { id: `test-${name}`, job: recordJob, everyMs: 1_000, payload: { label: name } };
      await Promise.all([t.app.jobs.schedule(schedule), second.app.jobs.schedule(schedule)]);
      await sleep(3_500);
      await t.app.jobs.bullmq!.unschedule(schedule.id);
      const runs = await runsOf(t.app, name);
      expect(runs.length).toBeGreaterThanOrEqual(3);
      expect(runs.length).toBeLessThanOrEqual(5);
      expect(new Set(runs.map((r) => r.jobId)).size, 'a job ran twice').toBe(runs.length);
      // BullMQ names each period's job `repeat:<scheduler>:<period start ms>`. When a run happened says
      // nothing (a loaded machine runs the 1.0 s job at 1.9 s and the 2.0 s one at 2.0 s); its period does.
      const periods = runs.map((r) => Number(r.jobId.split(':').pop())).sort((a, b) => a - b);
      const gaps = periods.slice(1).map((start, i) => start - periods[i]!);
      expect(gaps.every((gap) => gap > 0 && gap % 1_000 === 0), runs.map((r) => r.jobId).join(' ')).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('serves the queue dashboard at /admin/queues to admins only, under its own CSP that still refuses framing', async () => {
    const anon = await t.app.inject({ method: 'GET', url: '/admin/queues' });
    expect(anon.statusCode).toBe(401);
    const editor = await signedIn(t.app, 'editor');
    expect((await t.app.inject({ method: 'GET', url: '/admin/queues', headers: editor.headers })).statusCode).toBe(403);
    const page = await t.app.inject({ method: 'GET', url: '/admin/queues', headers: admin.headers });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    const api = await t.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: admin.headers });
    expect(api.statusCode).toBe(200);
    expect(api.json().queues.map((q: { name: string }) => q.name)).toContain('jobs');
  });

  it('sends the newsletter confirmation through the queue exactly once, even when the drain runs twice', async () => {
    const email = `bull.${randomBytes(4).toString('hex')}@example.com`;
    expect((await t.app.inject({ method: 'POST', url: '/api/newsletter', payload: { email } })).statusCode).toBe(202);
    await Promise.all([t.app.outbox.drainNow(), t.app.outbox.drainNow()]);
    // A crash between queueing and marking the row: the next drain queues the same job id again.
    await t.app.pg.query(`UPDATE outbox SET processed_at = NULL WHERE kind = 'job' AND payload->'payload'->>'email' = $1`, [email]);
    await t.app.outbox.drainNow();
    await until(async () => t.mailer.sent.filter((m) => m.to === email).length, (n) => n >= 1, 5_000, 'the mail');
    await sleep(500);
    expect(t.mailer.sent.filter((m) => m.to === email)).toHaveLength(1);
  });
});

describe.skipIf(!redisUrl)('jobs when Redis is down at commit time', () => {
  let redis: PrivateRedis;
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    database = await createTestDatabase();
    t = await jobsApp(database, redis.url, uniqueRedisPrefix());
    await createRunsTable(t.app);
  });
  afterAll(async () => {
    await t.close();
    await database.drop();
    await redis.stop();
  });

  it('keeps the job in the outbox while Redis is down and runs it once Redis is back', async () => {
    await redis.stop();
    const name = label();
    await transaction(t.app.pg, (tx) => enqueueJob(tx, recordJob, { label: name }));
    await t.app.outbox.drainNow();
    await sleep(1_500);
    const { rows } = await t.app.pg.query<{ attempts: number; processed_at: Date | null; last_error: string | null }>(
      `SELECT attempts, processed_at, last_error FROM outbox WHERE kind = 'job' AND payload->'payload'->>'label' = $1`,
      [name],
    );
    expect(rows[0]!.processed_at).toBeNull();
    expect(rows[0]!.attempts).toBeGreaterThanOrEqual(1);
    expect(rows[0]!.last_error).not.toBeNull();
    expect(await runsOf(t.app, name)).toEqual([]);

    await redis.start();
    const runs = await until(() => runsOf(t.app, name), (r) => r.length >= 1, 15_000, 'the job after Redis returned');
    expect(runs).toHaveLength(1);
  });
});
