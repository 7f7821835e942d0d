/** Jobs for the jobs tests: one that records each run in a table, one that fails a set number of times. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { defineJob, type JobDefinition } from '../../src/platform/jobs/define-job.js';

/** Each run of the test jobs, in the test's own database. */
export async function createRunsTable(app: FastifyInstance): Promise<void> {
  await app.pg.query('CREATE TABLE IF NOT EXISTS test_job_runs (id bigserial PRIMARY KEY, job text NOT NULL, label text NOT NULL, job_id text NOT NULL, attempt int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())');
}

export interface Run {
  job: string;
  label: string;
  jobId: string;
  attempt: number;
  at: Date;
}

export async function runsOf(app: FastifyInstance, label: string): Promise<Run[]> {
  const { rows } = await app.pg.query<Run>('SELECT job, label, job_id AS "jobId", attempt, at FROM test_job_runs WHERE label = $1 ORDER BY id', [label]);
  return rows;
}

/** Records a run. */
export const recordJob = defineJob({
  name: 'test.record',
  payload: Type.Object({ label: Type.String() }),
  async handle({ label }, { app, id, attempt }) {
    await app.pg.query('INSERT INTO test_job_runs (job, label, job_id, attempt) VALUES ($1, $2, $3, $4)', ['test.record', label, id, attempt]);
  },
});

/** Records a run, then fails until attempt `succeedOn` (0: always fails). */
export const flakyJob = defineJob({
  name: 'test.flaky',
  payload: Type.Object({ label: Type.String(), succeedOn: Type.Integer({ minimum: 0 }) }),
  attempts: 3,
  backoffMs: 200,
  async handle({ label, succeedOn }, { app, id, attempt }) {
    await app.pg.query('INSERT INTO test_job_runs (job, label, job_id, attempt) VALUES ($1, $2, $3, $4)', ['test.flaky', label, id, attempt]);
    if (succeedOn === 0 || attempt < succeedOn) throw new Error(`flaky job failed on attempt ${attempt}`);
  },
});

export const TEST_JOBS: JobDefinition[] = [recordJob, flakyJob];

export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
