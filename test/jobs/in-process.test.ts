/**
 * Jobs without Redis (embedded mode): the same handlers run in-process through the outbox. A committed
 * write's job runs, a rolled-back one never does, failures back off and end in the failed list (admin API)
 * and can be retried, a schedule runs once per period across two app instances, and the newsletter mail
 * is sent by its job exactly once however often the drain runs.
 */
import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transaction } from '../../src/platform/db.js';
import { defineJob, enqueueJob, InvalidJobPayloadError } from '../../src/platform/jobs/define-job.js';
import { retryDelayMs } from '../../src/platform/outbox.js';
import { signedIn, type TestSession } from '../admin/helpers.js';
import { buildTestApp, createTestDatabase, type TestApp, type TestDatabase } from '../helpers.js';
import { createRunsTable, flakyJob, recordJob, runsOf, sleep, TEST_JOBS, until } from './test-jobs.js';

let database: TestDatabase;
let t: TestApp;
let admin: TestSession;
const label = () => `l-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  database = await createTestDatabase();
  t = await buildTestApp({ database });
  for (const job of TEST_JOBS) t.app.jobs.register(job);
  await createRunsTable(t.app);
  admin = await signedIn(t.app, 'admin');
});
afterAll(async () => {
  await t.close();
  await database.drop();
});

describe('jobs in-process (no Redis)', () => {
  it('never holds an admin change or its cache invalidation behind a running job', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const jobStarted = new Promise<void>((resolve) => (started = resolve));
    const slowJob = defineJob({
      name: 'test.slow',
      payload: Type.Object({}),
      attempts: 1,
      async handle() {
        started();
        await gate;
      },
    });
    t.app.jobs.register(slowJob);
    await transaction(t.app.pg, (tx) => enqueueJob(tx, slowJob, {}));
    const draining = t.app.outbox.drainNow();
    await jobStarted;
    try {
      const brand = (await t.app.inject({ method: 'GET', url: '/api/admin/brands?limit=1', headers: admin.headers })).json().data[0] as { id: number; slug: string; version: number };
      const before = await t.app.inject({ method: 'GET', url: `/api/brands/${brand.slug}` });
      expect(before.statusCode).toBe(200);
      const name = `Renamed ${label()}`;
      const writeStarted = Date.now();
      const changed = await t.app.inject({ method: 'PATCH', url: `/api/admin/brands/${brand.id}`, payload: { name }, headers: { ...admin.headers, 'if-match': `"v${brand.version}"` } });
      expect(changed.statusCode).toBe(200);
      // The writer waits up to 2 s for its invalidation; behind the job it would wait all of that.
      expect(Date.now() - writeStarted, 'the admin write waited for the job').toBeLessThan(1_500);
      // The job still runs, and the public answer already shows the change.
      const after = await t.app.inject({ method: 'GET', url: `/api/brands/${brand.slug}` });
      expect(after.json().data.name).toBe(name);
    } finally {
      release();
      await draining;
    }
  });

  it('runs a job whose transaction committed, once, and never one whose transaction rolled back', async () => {
    const committed = label();
    const rolledBack = label();
    await transaction(t.app.pg, (tx) => enqueueJob(tx, recordJob, { label: committed }));
    await expect(
      transaction(t.app.pg, async (tx) => {
        await enqueueJob(tx, recordJob, { label: rolledBack });
        throw new Error('the write fails');
      }),
    ).rejects.toThrow('the write fails');
    await Promise.all([t.app.outbox.drainNow(), t.app.outbox.drainNow()]);
    await t.app.outbox.drainNow();
    expect((await runsOf(t.app, committed)).map((r) => r.attempt)).toEqual([1]);
    await sleep(1_200); // a poll of the outbox
    expect(await runsOf(t.app, rolledBack)).toEqual([]);
    expect(await runsOf(t.app, committed)).toHaveLength(1);
  });

  it('refuses an invalid payload when enqueueing, inside the writer’s transaction', async () => {
    await expect(transaction(t.app.pg, (tx) => enqueueJob(tx, recordJob, { label: 42 } as never))).rejects.toThrow(InvalidJobPayloadError);
  });

  it('retries a failing job with growing delays, lists it as failed after its last attempt, and retries it on request', async () => {
    const name = label();
    await transaction(t.app.pg, (tx) => enqueueJob(tx, flakyJob, { label: name, succeedOn: 0 }));
    const runs = await until(() => runsOf(t.app, name), (r) => r.length >= 3, 15_000, 'three attempts');
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    const gaps = [runs[1]!.at.getTime() - runs[0]!.at.getTime(), runs[2]!.at.getTime() - runs[1]!.at.getTime()];
    // Backoff 1 s then 2 s (the 1 s poll adds up to a second to each).
    expect(gaps[0]).toBeGreaterThanOrEqual(900);
    expect(gaps[1]).toBeGreaterThanOrEqual(1_900);
    expect([1, 2, 3, 9, 10, 20].map(retryDelayMs)).toEqual([1_000, 2_000, 4_000, 256_000, 300_000, 300_000]);

    const listed = await t.app.inject({ method: 'GET', url: '/api/admin/jobs', headers: admin.headers });
    expect(listed.statusCode).toBe(200);
    const overview = listed.json().data;
    expect(overview.backend).toBe('in-process');
    const failed = overview.failed.find((f: { name: string; error: string }) => f.name === 'test.flaky' && f.error.includes('attempt 3'));
    expect(failed).toMatchObject({ attempts: 3, source: 'outbox' });
    expect(overview.counts.failed).toBeGreaterThanOrEqual(1);

    const editor = await signedIn(t.app, 'editor');
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/jobs', headers: editor.headers })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/jobs' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/admin/jobs/outbox-999999999/retry', headers: admin.headers })).statusCode).toBe(404);

    const retried = await t.app.inject({ method: 'POST', url: `/api/admin/jobs/${failed.id}/retry`, headers: admin.headers });
    expect(retried.statusCode).toBe(200);
    await until(() => runsOf(t.app, name), (r) => r.length >= 4, 5_000, 'the retried run');
    expect((await runsOf(t.app, name))[3]!.attempt).toBe(1);
  });

  it('runs a schedule once per period across two app instances', async () => {
    const second = await buildTestApp({ database });
    try {
      const name = label();
      const schedule = { id: `test-${name}`, job: recordJob, everyMs: 1_000, payload: { label: name } };
      await Promise.all([t.app.jobs.schedule(schedule), second.app.jobs.schedule(schedule)]);
      await sleep(3_600);
      const runs = await runsOf(t.app, name);
      // The first period only records the schedule; then one run per period, never two.
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(runs.length).toBeLessThanOrEqual(4);
      const periods = runs.map((r) => Math.floor(r.at.getTime() / 1_000));
      expect(new Set(periods).size).toBe(periods.length);
    } finally {
      await second.close();
    }
  });

  it('sends the newsletter confirmation through its job exactly once, even when the drain runs twice', async () => {
    const email = `jobs.${randomBytes(4).toString('hex')}@example.com`;
    const response = await t.app.inject({ method: 'POST', url: '/api/newsletter', payload: { email } });
    expect(response.statusCode).toBe(202);
    await Promise.all([t.app.outbox.drainNow(), t.app.outbox.drainNow()]);
    const sent = t.mailer.sent.filter((m) => m.to === email);
    expect(sent).toHaveLength(1);
    // The job itself is idempotent too: run again by hand with the same payload, it sends nothing.
    const { rows } = await t.app.pg.query<{ payload: { payload: { email: string; nonce: string } } }>(`SELECT payload FROM outbox WHERE kind = 'job' AND payload->'payload'->>'email' = $1`, [email]);
    const { confirmationMailJob } = await import('../../src/content/newsletter/jobs.js');
    await confirmationMailJob.handle(rows[0]!.payload.payload, { app: t.app, id: 'again', attempt: 2, log: t.app.log });
    expect(t.mailer.sent.filter((m) => m.to === email)).toHaveLength(1);
    // The outbox never held the token: only the mail did.
    const token = /token=([A-Za-z0-9_-]{43})/.exec(sent[0]!.text)![1]!;
    const stored = await t.app.pg.query(`SELECT 1 FROM outbox WHERE payload::text LIKE '%' || $1 || '%'`, [token]);
    expect(stored.rowCount).toBe(0);
    expect((await t.app.inject({ method: 'GET', url: `/api/newsletter/confirm?token=${token}` })).statusCode).toBe(200);
  });
});
