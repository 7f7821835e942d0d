/**
 * Background jobs → `app.jobs`. A write records its jobs with `enqueueJob(tx, job, payload)` (an outbox row
 * in its own transaction); the outbox drainer then hands each one on:
 *  - Redis configured: to BullMQ (bullmq-backend.ts), consumed by `gadizone worker` processes and, unless
 *    JOBS_IN_SERVE=false, by `serve` processes too;
 *  - no Redis (embedded mode): the same handler runs in this process, retried by the outbox with backoff.
 * Why every job goes through the outbox, even with Redis up: adding to Redis inside the transaction could
 * queue a job for a write that then rolls back, and adding after the commit loses it if the process dies
 * or Redis is down at that moment. Scheduled jobs: schedules.ts. Failed list and retry: overview()/retry().
 */
import fp from 'fastify-plugin';
import { DeferredOutboxError, PermanentOutboxError } from '../outbox.js';
import { withTimeout } from '../with-timeout.js';
import { redisTarget } from '../redis.js';
import { createBullmqBackend, REDIS_TIMEOUT_MS, type BullmqBackend } from './bullmq-backend.js';
import { JOB_OUTBOX_KIND, parseStoredPayload, type JobDefinition } from './define-job.js';
import { createEmbeddedScheduler, type Schedule } from './schedules.js';
import { countOutboxJobs, listFailedOutbox, retryOutbox, type FailedJob, type JobCounts } from './outbox-jobs.js';

export interface JobsOverview {
  backend: 'bullmq' | 'in-process';
  counts: JobCounts;
  /** Most recent first. */
  failed: FailedJob[];
}

declare module 'fastify' {
  interface FastifyInstance {
    jobs: {
      /** Makes a job runnable here (the built-in ones are registered at build; tests add their own). */
      register(job: JobDefinition): void;
      /** Runs `job` every `everyMs`, once per cluster. */
      schedule(schedule: Schedule): Promise<void>;
      overview(limit?: number): Promise<JobsOverview>;
      /** Retries a failed job (BullMQ id, or `outbox-<id>`); false when there is no such failed job. */
      retry(id: string): Promise<boolean>;
      /** The BullMQ backend, when Redis is configured (dashboard, tests). */
      readonly bullmq: BullmqBackend | null;
    };
  }
}

export interface JobsPluginOptions {
  jobs: readonly JobDefinition[];
  schedules: readonly Schedule[];
  /** Run a BullMQ worker in this process. Default: config.jobs.inServe. */
  consume?: boolean;
}

const OUTBOX_PREFIX = 'outbox-';
/** Schedules are upserted again this often, so a Redis that was down at start (or was flushed) gets them. */
const RESCHEDULE_MS = 5 * 60_000;

export const jobsPlugin = fp<JobsPluginOptions>(
  async (app, options) => {
    const registry = new Map<string, JobDefinition>();
    for (const job of options.jobs) registry.set(job.name, job);
    const find = (name: string) => registry.get(name);
    const { config } = app;
    const redis = redisTarget(config);
    const bullmq =
      redis === null
        ? null
        : createBullmqBackend({ redis, prefix: config.redisPrefix, concurrency: config.jobs.concurrency, consume: options.consume ?? config.jobs.inServe, find, app, log: app.log });
    const schedules = new Map<string, Schedule>();
    const embedded = bullmq ? null : createEmbeddedScheduler(app.pg, app.log, () => app.outbox.drainNow());
    let rescheduler: NodeJS.Timeout | null = null;

    app.outbox.handle(JOB_OUTBOX_KIND, async (row, entry) => {
      const { name, payload } = row as { name?: unknown; payload?: unknown };
      const job = typeof name === 'string' ? find(name) : undefined;
      if (!job) throw new PermanentOutboxError(`no job named "${String(name)}" in this release`);
      const parsed = parseStoredPayload(job, payload, (message) => new PermanentOutboxError(message));
      // BullMQ ids are job-<row>, so the failed list tells BullMQ jobs from outbox rows (outbox-<row>) apart.
      if (bullmq) return bullmq.add(job, parsed, { jobId: `job-${entry.id}` });
      const id = `${OUTBOX_PREFIX}${entry.id}`;
      try {
        await job.handle(parsed, { app, id, attempt: entry.attempts + 1, log: app.log.child({ job: job.name, jobId: id }) });
      } catch (error) {
        // The job's own attempt budget, not the outbox's: its last failure puts it in the failed list.
        if (entry.attempts + 1 >= job.attempts && !(error instanceof DeferredOutboxError)) throw new PermanentOutboxError(error instanceof Error ? error.message : String(error));
        throw error;
      }
    });

    const upsert = async (schedule: Schedule) => {
      if (bullmq) await bullmq.schedule(schedule.id, schedule.job, schedule.everyMs, schedule.payload);
      else embedded?.add(schedule);
    };
    const upsertAll = async () => {
      for (const schedule of schedules.values()) {
        await upsert(schedule).catch((error: unknown) => app.log.error({ err: error, schedule: schedule.id }, 'job schedule not saved; trying again later'));
      }
    };

    app.decorate('jobs', {
      register(job: JobDefinition) {
        registry.set(job.name, job);
      },
      async schedule(schedule: Schedule) {
        registry.set(schedule.job.name, schedule.job);
        schedules.set(schedule.id, schedule);
        await upsert(schedule);
      },
      async overview(limit = 50): Promise<JobsOverview> {
        const outbox = await countOutboxJobs(app.pg);
        const failedOutbox = await listFailedOutbox(app.pg, limit);
        if (!bullmq) return { backend: 'in-process', counts: { waiting: outbox.pending, active: 0, delayed: 0, failed: outbox.failed, completed: 0, outboxPending: outbox.pending, outboxFailed: outbox.failed }, failed: failedOutbox };
        const [counts, failedJobs] = await withTimeout(
          Promise.all([bullmq.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'), bullmq.queue.getFailed(0, limit - 1)]),
          REDIS_TIMEOUT_MS,
          'Redis did not answer for the job counts',
        );
        const failed: FailedJob[] = failedJobs.map((job) => ({
          id: String(job.id),
          name: job.name,
          attempts: job.attemptsMade,
          error: job.failedReason ?? '',
          failedAt: new Date(job.finishedOn ?? job.timestamp).toISOString(),
          source: 'bullmq' as const,
        }));
        return {
          backend: 'bullmq',
          counts: {
            waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
            active: counts.active ?? 0,
            delayed: counts.delayed ?? 0,
            failed: (counts.failed ?? 0) + outbox.failed,
            completed: counts.completed ?? 0,
            outboxPending: outbox.pending,
            outboxFailed: outbox.failed,
          },
          failed: [...failedOutbox, ...failed].sort((a, b) => b.failedAt.localeCompare(a.failedAt)).slice(0, limit),
        };
      },
      async retry(id: string): Promise<boolean> {
        if (id.startsWith(OUTBOX_PREFIX)) {
          const outboxId = Number(id.slice(OUTBOX_PREFIX.length));
          if (!Number.isSafeInteger(outboxId) || !(await retryOutbox(app.pg, outboxId))) return false;
          void app.outbox.drainNow().catch((error: unknown) => app.log.error({ err: error }, 'outbox drain after a retry failed'));
          return true;
        }
        if (!bullmq) return false;
        const job = await withTimeout(bullmq.queue.getJob(id), REDIS_TIMEOUT_MS, 'Redis did not answer');
        if (!job || (await withTimeout(job.getState(), REDIS_TIMEOUT_MS, 'Redis did not answer')) !== 'failed') return false;
        await withTimeout(job.retry('failed'), REDIS_TIMEOUT_MS, 'Redis did not answer');
        return true;
      },
      bullmq,
    });

    app.addHook('onReady', async () => {
      bullmq?.start();
      for (const schedule of options.schedules) {
        registry.set(schedule.job.name, schedule.job);
        schedules.set(schedule.id, schedule);
      }
      // Not awaited: a Redis that is down at start must not hold start-up; upsertAll retries every few minutes.
      void upsertAll();
      if (bullmq) {
        rescheduler = setInterval(() => void upsertAll(), RESCHEDULE_MS);
        rescheduler.unref();
      }
    });
    app.addHook('onClose', async () => {
      if (rescheduler) clearInterval(rescheduler);
      await embedded?.stop();
      await bullmq?.close();
    });
  },
  { name: 'jobs', dependencies: ['db', 'outbox'] },
);
