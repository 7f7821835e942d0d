/**
 * The transactional outbox. A write that has side effects (invalidate cache tags; later: queue jobs)
 * records them as outbox rows in its own transaction, so they exist exactly when the write committed.
 * A drainer runs them: right after the writer's commit (`drainNow`), and every second for anything left
 * behind by a crash or a failed handler. Rows are claimed with FOR UPDATE SKIP LOCKED, so with many
 * processes each row is handled by one of them; handlers must be idempotent (they may run again after a
 * crash between running and marking). A failed row is retried with exponential backoff (1 s doubling to
 * 5 min), so a dependency that is down for a while (Redis, for the `job` rows that queue BullMQ jobs) does
 * not use up its attempts in seconds; after MAX_ATTEMPTS (about an hour) it is set aside as failed
 * (`failed_at`, with its last error) and shows in the admin failed-jobs list, which can retry it.
 *
 * Two lanes, drained independently: the `quick` kinds (cache invalidations, milliseconds each) and the
 * rest (jobs, which without Redis run right here and may take minutes). A slow job therefore never holds
 * back an invalidation, and a writer that waits for its invalidation waits for nothing else.
 */
import { transaction, type Database, type Executor } from './db.js';

/** What a handler knows about the row it runs: its id (stable across re-drains, for de-duplication) and past attempts. */
export interface OutboxEntry {
  id: number;
  attempts: number;
}
export type OutboxHandler = (payload: unknown, entry: OutboxEntry) => Promise<void>;

/** Thrown by a handler for a row that can never succeed (invalid payload): it is set aside at once. */
export class PermanentOutboxError extends Error {
  override name = 'PermanentOutboxError';
}

/**
 * Thrown by a handler that will not run its row in this process (it is shutting down): the row is left for
 * the next drain or process, without using an attempt or logging an error, and this batch ends.
 */
export class DeferredOutboxError extends Error {
  override name = 'DeferredOutboxError';
}

const BATCH = 100;
const POLL_MS = 1_000;
/** A row whose handler failed this many times is set aside (processed and failed, with its last error). */
export const MAX_ATTEMPTS = 20;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 300_000;

/** Delay before attempt `attempts + 1`: 1 s, 2 s, 4 s, … capped at 5 min (20 attempts ≈ 1 h 4 min). */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}
const KEEP_PROCESSED_DAYS = 7;
const CLEANUP_EVERY_MS = 3_600_000;

export async function enqueue(executor: Executor, kind: string, payload: unknown): Promise<void> {
  await executor.query('INSERT INTO outbox (kind, payload) VALUES ($1, $2)', [kind, JSON.stringify(payload)]);
}

interface Row {
  id: number;
  kind: string;
  payload: unknown;
  attempts: number;
}

export type OutboxLane = 'quick' | 'rest';

export interface OutboxLog {
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export function createOutboxDrainer(pool: Database, handlers: Record<string, OutboxHandler>, log: OutboxLog, quickKinds: readonly string[] = []) {
  const lanes: Record<OutboxLane, { running: Promise<number> | null; again: boolean; claim: string }> = {
    quick: { running: null, again: false, claim: 'kind = ANY($1::text[])' },
    rest: { running: null, again: false, claim: 'kind <> ALL($1::text[])' },
  };
  let timer: NodeJS.Timeout | null = null;
  let cleanup: NodeJS.Timeout | null = null;
  /** Set by stop(): jobs are no longer started here (invalidations still drain, they keep other processes right). */
  let stopping = false;

  async function drainBatch(lane: OutboxLane): Promise<number> {
    if (stopping && lane === 'rest') return 0;
    return transaction(pool, async (client) => {
      const { rows } = await client.query<Row>(
        `SELECT id, kind, payload, attempts FROM outbox WHERE processed_at IS NULL AND next_attempt_at <= now() AND ${lanes[lane].claim} ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        [quickKinds],
      );
      for (const row of rows) {
        // Rows not reached stay unclaimed when the transaction ends: the next process runs them.
        if (stopping && lane === 'rest') return 0;
        const handler = handlers[row.kind];
        try {
          if (handler === undefined) throw new Error(`no handler for outbox kind "${row.kind}"`);
          await handler(row.payload, { id: row.id, attempts: row.attempts });
          await client.query('UPDATE outbox SET processed_at = now(), attempts = attempts + 1 WHERE id = $1', [row.id]);
        } catch (error) {
          if (error instanceof DeferredOutboxError) {
            log.info({ outboxId: row.id, kind: row.kind, reason: error.message }, 'outbox entry left for later');
            return 0;
          }
          const message = error instanceof Error ? error.message : String(error);
          const giveUp = row.attempts + 1 >= MAX_ATTEMPTS || error instanceof PermanentOutboxError;
          log.error({ outboxId: row.id, kind: row.kind, attempts: row.attempts + 1, err: error }, giveUp ? 'outbox entry failed for good' : 'outbox entry failed; will retry');
          await client.query(
            `UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3::float8 / 1000)${giveUp ? ', processed_at = now(), failed_at = now()' : ''} WHERE id = $1`,
            [row.id, message, retryDelayMs(row.attempts + 1)],
          );
        }
      }
      return rows.length;
    });
  }

  /** Drains one lane until empty; concurrent callers share one run (and a call during a run schedules another). */
  function drainLane(name: OutboxLane): Promise<number> {
    const lane = lanes[name];
    if (lane.running) {
      lane.again = true;
      return lane.running;
    }
    lane.running = (async () => {
      let total = 0;
      do {
        lane.again = false;
        for (let n = await drainBatch(name); n > 0; n = await drainBatch(name)) total += n;
      } while (lane.again);
      return total;
    })().finally(() => {
      lane.running = null;
    });
    return lane.running;
  }

  /** Drains `lane`, or both lanes (each on its own): how many rows were handled. */
  async function drainNow(lane?: OutboxLane): Promise<number> {
    if (lane !== undefined) return drainLane(lane);
    const [quick, rest] = await Promise.all([drainLane('quick'), drainLane('rest')]);
    return quick + rest;
  }

  return {
    drainNow,
    /** Adds the handler for one kind of row (a plugin registered after the outbox brings its own). */
    handle(kind: string, handler: OutboxHandler): void {
      handlers[kind] = handler;
    },
    start(): void {
      timer = setInterval(() => {
        drainNow().catch((error: unknown) => log.error({ err: error }, 'outbox drain failed'));
      }, POLL_MS);
      timer.unref();
      cleanup = setInterval(() => {
        pool
          .query(`DELETE FROM outbox WHERE processed_at < now() - interval '${KEEP_PROCESSED_DAYS} days' AND failed_at IS NULL`)
          .catch((error: unknown) => log.error({ err: error }, 'outbox cleanup failed'));
      }, CLEANUP_EVERY_MS);
      cleanup.unref();
    },
    async stop(): Promise<void> {
      stopping = true;
      if (timer) clearInterval(timer);
      if (cleanup) clearInterval(cleanup);
      await Promise.all(Object.values(lanes).map((lane) => lane.running?.catch(() => undefined)));
    },
  };
}
export type OutboxDrainer = ReturnType<typeof createOutboxDrainer>;
