/**
 * The BullMQ side of the jobs (Redis configured). One queue per deployment (`<REDIS_PREFIX>:bull`), fed
 * only by the outbox drainer, so a job exists in Redis only after its write committed, and the outbox
 * keeps it while Redis is down. Its id is derived from the outbox row (`job-<id>`): a re-drain after a
 * crash between adding and marking adds nothing twice. The producer connection queues commands while Redis
 * is away (BullMQ's queue cannot start on a connection that refuses them, and must recover by itself when
 * Redis returns); each add is bounded by REDIS_TIMEOUT_MS instead, so a dead Redis turns into an outbox retry
 * with backoff rather than a stuck drain, and an add that Redis receives late is a no-op thanks to the id.
 * Workers use their own blocking connection, which waits for Redis to return. On a Cluster the queue's
 * prefix is a hash tag (`{gz:bull}`): BullMQ's scripts touch several keys at once, which a Cluster allows
 * only within one slot.
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { closeRedis, createRedis, slotPrefix, type RedisClient, type RedisTarget } from '../redis.js';
import { withTimeout } from '../with-timeout.js';
import { parseStoredPayload, type JobDefinition } from './define-job.js';

export const QUEUE_NAME = 'jobs';
/** Completed jobs kept for the dashboard; failed ones stay until retried or a week old. */
const KEEP_COMPLETED = { age: 24 * 3_600, count: 1_000 };
const KEEP_FAILED = { age: 7 * 24 * 3_600 };
/** A call Redis has not answered by then counts as failed (an add: the outbox retries it). */
export const REDIS_TIMEOUT_MS = 3_000;

export interface BullmqBackendOptions {
  redis: RedisTarget;
  prefix: string;
  concurrency: number;
  /** Run a worker in this process (a `gadizone worker`, or `serve` with JOBS_IN_SERVE). */
  consume: boolean;
  find(name: string): JobDefinition | undefined;
  app: FastifyInstance;
  log: FastifyBaseLogger;
}

/** How long closing waits for running jobs and Redis before cutting the connections. */
const CLOSE_TIMEOUT_MS = 10_000;

export interface AddOptions {
  jobId?: string;
}

export function createBullmqBackend(options: BullmqBackendOptions) {
  const producer = createRedis(options.redis, { name: 'gadizone-queue', offlineQueue: true, commandTimeoutMs: null });
  const prefix = slotPrefix(options.redis, `${options.prefix}:bull`);
  const queue = new Queue(QUEUE_NAME, { connection: producer, prefix });
  queue.on('error', (error) => options.log.debug({ err: error }, 'job queue connection error'));
  let worker: Worker | null = null;
  let workerConnection: RedisClient | null = null;

  async function process(job: Job): Promise<void> {
    const definition = options.find(job.name);
    if (!definition) throw new UnrecoverableError(`no job named "${job.name}" in this release`);
    const payload = parseStoredPayload(definition, job.data, (message) => new UnrecoverableError(message));
    const log = options.log.child({ job: job.name, jobId: job.id });
    await definition.handle(payload, { app: options.app, id: job.id ?? '', attempt: job.attemptsMade + 1, log });
  }

  return {
    queue,
    prefix,
    async add(definition: JobDefinition, payload: unknown, add: AddOptions = {}): Promise<void> {
      await withTimeout(
        queue.add(definition.name, payload, {
          ...(add.jobId === undefined ? {} : { jobId: add.jobId }),
          attempts: definition.attempts,
          backoff: { type: 'exponential', delay: definition.backoffMs },
          removeOnComplete: KEEP_COMPLETED,
          removeOnFail: KEEP_FAILED,
        }),
        REDIS_TIMEOUT_MS,
        `Redis did not accept job "${definition.name}" within ${REDIS_TIMEOUT_MS} ms`,
      );
    },
    /** Creates or updates a repeating job; idempotent in Redis, so every process may call it: it runs once per period. */
    async schedule(id: string, definition: JobDefinition, everyMs: number, payload: unknown): Promise<void> {
      await withTimeout(queue.upsertJobScheduler(id, { every: everyMs }, {
        name: definition.name,
        data: payload,
        opts: { attempts: definition.attempts, backoff: { type: 'exponential', delay: definition.backoffMs }, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
      }), REDIS_TIMEOUT_MS, `Redis did not accept schedule "${id}" within ${REDIS_TIMEOUT_MS} ms`);
    },
    async unschedule(id: string): Promise<void> {
      await withTimeout(queue.removeJobScheduler(id), REDIS_TIMEOUT_MS, `Redis did not remove schedule "${id}" within ${REDIS_TIMEOUT_MS} ms`);
    },
    start(): void {
      if (!options.consume || worker) return;
      workerConnection = createRedis(options.redis, { name: 'gadizone-worker', offlineQueue: true, commandTimeoutMs: null });
      worker = new Worker(QUEUE_NAME, process, { connection: workerConnection, prefix, concurrency: options.concurrency });
      worker.on('error', (error) => options.log.debug({ err: error }, 'job worker connection error'));
      worker.on('failed', (job, error) => {
        options.log.error({ job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'job failed');
      });
    },
    /**
     * Lets running jobs finish (BullMQ's graceful close), then closes the connections. Bounded: with Redis
     * gone, BullMQ's close waits on connections that queue commands until Redis returns, so after
     * CLOSE_TIMEOUT_MS the connections are cut (a running job is then retried by the next worker).
     */
    async close(): Promise<void> {
      const closing = worker;
      worker = null;
      const cut = () => {
        producer.disconnect();
        workerConnection?.disconnect();
      };
      try {
        if (closing) await withTimeout(closing.close(), CLOSE_TIMEOUT_MS, 'job worker did not close in time');
        await withTimeout(queue.close(), CLOSE_TIMEOUT_MS, 'job queue did not close in time');
      } catch (error) {
        options.log.warn({ err: error }, 'jobs: closing without Redis; connections cut');
        cut();
      } finally {
        await closeRedis(producer);
        if (workerConnection) await closeRedis(workerConnection);
        workerConnection = null;
      }
    },
  };
}
export type BullmqBackend = ReturnType<typeof createBullmqBackend>;
