/**
 * Scheduled jobs, once per cluster however many processes start. With Redis: BullMQ job schedulers
 * (`upsertJobScheduler` is idempotent, so every process may upsert the same id and Redis produces one job
 * per period). Without Redis: every process ticks, and a period is claimed in PostgreSQL by a conditional
 * upsert of `job_schedules` (`period_start` only moves forward, so exactly one process wins each period);
 * the claim and the job's outbox row are written in one transaction, so a claimed period's job is never
 * lost. A conditional upsert rather than pg_try_advisory_lock: a lock only stops two runs at the same time,
 * not a second process running the same period right after the first released it.
 */
import type { FastifyBaseLogger } from 'fastify';
import { transaction, type Database } from '../db.js';
import { enqueueJob, type JobDefinition } from './define-job.js';

export interface Schedule {
  /** Stable id (the BullMQ scheduler id, the job_schedules key). */
  id: string;
  job: JobDefinition;
  everyMs: number;
  payload: Record<string, unknown>;
}

/** How often an embedded process looks for a due period: often enough for the shortest schedule. */
const MAX_TICK_MS = 30_000;

/**
 * Claims the current period of `schedule` and records its job; false when another process already has.
 * The first sighting of a schedule only records the period (the job first runs one period later), so that
 * starting a process does not run every scheduled job at once.
 */
export async function claimPeriod(pool: Database, schedule: Schedule): Promise<boolean> {
  return transaction(pool, async (tx) => {
    const { rows } = await tx.query<{ inserted: boolean }>(
      `INSERT INTO job_schedules (id, period_start)
       VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) * 1000 / $2::float8) * $2::float8 / 1000))
       ON CONFLICT (id) DO UPDATE SET period_start = EXCLUDED.period_start, claimed_at = now()
         WHERE job_schedules.period_start < EXCLUDED.period_start
       RETURNING (xmax = 0) AS inserted`,
      [schedule.id, schedule.everyMs],
    );
    if (rows.length === 0 || rows[0]!.inserted) return false;
    await enqueueJob(tx, schedule.job, schedule.payload);
    return true;
  });
}

export function createEmbeddedScheduler(pool: Database, log: FastifyBaseLogger, afterClaim: () => Promise<unknown>) {
  const timers = new Map<string, NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  const tick = (schedule: Schedule) => {
    if (stopped) return;
    const run = (async () => {
      try {
        if (await claimPeriod(pool, schedule)) await afterClaim();
      } catch (error) {
        log.error({ err: error, schedule: schedule.id }, 'scheduled job not claimed; trying again at the next tick');
      }
    })().finally(() => inFlight.delete(run));
    inFlight.add(run);
  };
  return {
    add(schedule: Schedule): void {
      clearInterval(timers.get(schedule.id));
      const timer = setInterval(() => tick(schedule), Math.min(MAX_TICK_MS, Math.max(100, Math.floor(schedule.everyMs / 4))));
      timer.unref();
      // No tick at once: a starting process has better uses for its connections, and the first period only records the schedule.
      timers.set(schedule.id, timer);
    },
    remove(id: string): void {
      clearInterval(timers.get(id));
      timers.delete(id);
    },
    async stop(): Promise<void> {
      stopped = true;
      for (const timer of timers.values()) clearInterval(timer);
      timers.clear();
      await Promise.all(inFlight);
    },
  };
}
