/**
 * Monthly partitions of analytics_events. The work is the SQL function analytics_events_maintain
 * (drizzle/0005_analytics_partitions.sql), so psql, a cron job and this code all do exactly the same thing.
 */
import type { Executor } from '../platform/db.js';

/** Raw events are kept this long (a month partition goes once all of it is older). */
export const DEFAULT_RETENTION_DAYS = 90;
/** Partitions exist ahead of time for this many months after the current one. */
export const MONTHS_AHEAD = 2;

export interface PartitionChanges {
  created: string[];
  dropped: string[];
  /** Rows deleted from the DEFAULT partition (events outside every month partition) for being too old. */
  purgedDefault: boolean;
}

/**
 * Ensures the partitions for the month of `now` and the next MONTHS_AHEAD months, and drops month
 * partitions that end before `now - retentionDays`. Idempotent; concurrent callers take turns.
 */
export async function maintainEventPartitions(pool: Executor, now: Date, retentionDays = DEFAULT_RETENTION_DAYS): Promise<PartitionChanges> {
  const { rows } = await pool.query<{ action: string; partition_name: string }>('SELECT action, partition_name FROM analytics_events_maintain($1, $2, $3)', [
    now,
    retentionDays,
    MONTHS_AHEAD,
  ]);
  return {
    created: rows.filter((r) => r.action === 'created').map((r) => r.partition_name),
    dropped: rows.filter((r) => r.action === 'dropped').map((r) => r.partition_name),
    purgedDefault: rows.some((r) => r.action === 'purged'),
  };
}

/** The partition name for the UTC month of `at`: analytics_events_yYYYYmMM. */
export function partitionName(at: Date): string {
  return `analytics_events_y${at.getUTCFullYear()}m${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
}
