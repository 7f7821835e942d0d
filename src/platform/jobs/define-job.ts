/**
 * A job: a name, a TypeBox payload schema and an idempotent handler (STYLE rule 10). The payload is
 * validated when the job is enqueued (a bad call fails in the writer's transaction, not later in a worker)
 * and again when it runs (a payload queued by an older release may no longer fit). Handlers may run more
 * than once (a retry, a crash between running and acknowledging): running one twice must do no harm.
 */
import type { Static, TObject } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Executor } from '../db.js';
import { enqueue } from '../outbox.js';

/** Outbox kind of a row that carries a job (`{ name, payload }`). */
export const JOB_OUTBOX_KIND = 'job';

export interface JobContext {
  /** The app the job runs in (a `serve` process, a `gadizone worker`, or a test app). */
  app: FastifyInstance;
  /** Stable across retries: the BullMQ job id (`job-<outbox row>` for enqueued jobs), or `outbox-<row>` in-process. */
  id: string;
  /** 1 on the first run. */
  attempt: number;
  log: FastifyBaseLogger;
}

export interface JobOptions<P extends TObject> {
  name: string;
  payload: P;
  /** Runs at most this many times, the first included. Default 5. */
  attempts?: number;
  /** Delay before the first retry with BullMQ; doubles each time. Default 2 000 ms. */
  backoffMs?: number;
  handle(payload: Static<P>, context: JobContext): Promise<void>;
}

export interface JobDefinition<P extends TObject = TObject> {
  readonly name: string;
  readonly attempts: number;
  readonly backoffMs: number;
  /** The payload, checked against the schema; throws InvalidJobPayloadError. */
  parse(payload: unknown): Static<P>;
  handle(payload: Static<P>, context: JobContext): Promise<void>;
}

export class InvalidJobPayloadError extends Error {
  override name = 'InvalidJobPayloadError';
}

/**
 * A payload read back from the outbox or Redis, checked against the job's schema. An invalid one is turned
 * into the caller's permanent failure by `refuse` (the outbox's or BullMQ's): retrying it cannot help.
 */
export function parseStoredPayload<P extends TObject>(job: JobDefinition<P>, payload: unknown, refuse: (message: string) => Error): Static<P> {
  try {
    return job.parse(payload);
  } catch (error) {
    throw error instanceof InvalidJobPayloadError ? refuse(error.message) : error;
  }
}

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_BACKOFF_MS = 2_000;

export function defineJob<P extends TObject>(options: JobOptions<P>): JobDefinition<P> {
  const check = TypeCompiler.Compile(options.payload);
  return {
    name: options.name,
    attempts: options.attempts ?? DEFAULT_ATTEMPTS,
    backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
    parse(payload) {
      if (check.Check(payload)) return payload;
      const first = check.Errors(payload).First();
      throw new InvalidJobPayloadError(`job "${options.name}": invalid payload${first ? ` at ${first.path || '/'}: ${first.message}` : ''}`);
    },
    handle: (payload, context) => options.handle(payload, context),
  };
}

/**
 * Records a job in the caller's transaction (an outbox row): it exists exactly when the write commits, and
 * runs after the commit, in-process or through BullMQ, even if Redis is down at that moment.
 */
export async function enqueueJob<P extends TObject>(executor: Executor, job: JobDefinition<P>, payload: Static<P>): Promise<void> {
  await enqueue(executor, JOB_OUTBOX_KIND, { name: job.name, payload: job.parse(payload) });
}
