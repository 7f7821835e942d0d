/** The outbox as seen by the jobs API: what is waiting, what failed for good, and putting a failed row back. */
import type { Executor } from '../db.js';

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  /** BullMQ's failed jobs plus outbox rows given up (a job that could not even be queued). */
  failed: number;
  completed: number;
  /** Outbox rows not yet handled (jobs not yet queued or run, cache invalidations not yet applied). */
  outboxPending: number;
  outboxFailed: number;
}

export interface FailedJob {
  id: string;
  name: string;
  attempts: number;
  error: string;
  failedAt: string;
  source: 'bullmq' | 'outbox';
}

export async function countOutboxJobs(pool: Executor): Promise<{ pending: number; failed: number }> {
  const { rows } = await pool.query<{ pending: number; failed: number }>(
    `SELECT (SELECT count(*)::int FROM outbox WHERE processed_at IS NULL) AS pending,
            (SELECT count(*)::int FROM outbox WHERE failed_at IS NOT NULL) AS failed`,
  );
  return rows[0]!;
}

export async function listFailedOutbox(pool: Executor, limit: number): Promise<FailedJob[]> {
  const { rows } = await pool.query<{ id: string; kind: string; payload: { name?: unknown }; attempts: number; last_error: string | null; failed_at: Date }>(
    'SELECT id, kind, payload, attempts, last_error, failed_at FROM outbox WHERE failed_at IS NOT NULL ORDER BY failed_at DESC, id DESC LIMIT $1',
    [limit],
  );
  return rows.map((row) => ({
    id: `outbox-${row.id}`,
    name: row.kind === 'job' && typeof row.payload.name === 'string' ? row.payload.name : row.kind,
    attempts: row.attempts,
    error: row.last_error ?? '',
    failedAt: row.failed_at.toISOString(),
    source: 'outbox' as const,
  }));
}

/** Puts a failed row back in line with a fresh attempt budget; false when `id` is not a failed row. */
export async function retryOutbox(pool: Executor, id: number): Promise<boolean> {
  const { rowCount } = await pool.query(
    'UPDATE outbox SET processed_at = NULL, failed_at = NULL, attempts = 0, next_attempt_at = now() WHERE id = $1 AND failed_at IS NOT NULL',
    [id],
  );
  return rowCount === 1;
}
