/**
 * Every job this release can run, and the schedules that config turns on. A `serve` process, a
 * `gadizone worker` and the in-process runner all register the same list. Each job is defined beside its
 * feature (analytics/jobs.ts, media/jobs.ts, content/newsletter/jobs.ts, platform/backup/backup-job.ts,
 * platform/cache/cache-jobs.ts); this file only lists them, as app.ts lists the plugins.
 */
import { maintainPartitionsJob, rollUpAnalyticsJob } from './analytics/jobs.js';
import type { Config } from './config.js';
import { confirmationMailJob } from './content/newsletter/jobs.js';
import { mediaRenderJob } from './media/jobs.js';
import { backupJob } from './platform/backup/backup-job.js';
import { revalidatePagesJob, warmUpJob } from './platform/cache/cache-jobs.js';
import type { JobDefinition } from './platform/jobs/define-job.js';
import type { Schedule } from './platform/jobs/schedules.js';

/** Every job definition, registered by each process that may run jobs. */
export const ALL_JOBS: readonly JobDefinition[] = [confirmationMailJob, backupJob, warmUpJob, revalidatePagesJob, rollUpAnalyticsJob, maintainPartitionsJob, mediaRenderJob];

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The recurring jobs this config turns on (each runs once per cluster per period: platform/jobs/schedules.ts). */
export function schedulesFor(config: Config): Schedule[] {
  const { jobs } = config;
  const schedules: Schedule[] = [{ id: 'analytics-partitions', job: maintainPartitionsJob, everyMs: DAY_MS, payload: {} }];
  if (jobs.analyticsRollUpEveryMinutes > 0) schedules.push({ id: 'analytics-roll-up', job: rollUpAnalyticsJob, everyMs: jobs.analyticsRollUpEveryMinutes * MINUTE_MS, payload: {} });
  if (jobs.backupEveryHours > 0) schedules.push({ id: 'backup', job: backupJob, everyMs: jobs.backupEveryHours * 60 * MINUTE_MS, payload: {} });
  if (jobs.warmUpEveryMinutes > 0) schedules.push({ id: 'cache-warm-up', job: warmUpJob, everyMs: jobs.warmUpEveryMinutes * MINUTE_MS, payload: {} });
  return schedules;
}
