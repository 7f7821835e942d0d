/**
 * Every job this release can run, and the schedules that config turns on. A `serve` process, a
 * `gadizone worker` and the in-process runner all register the same list.
 */
import type { Config } from '../config.js';
import { confirmationMailJob } from '../content/newsletter/jobs.js';
import type { JobDefinition } from '../platform/jobs/define-job.js';
import type { Schedule } from '../platform/jobs/schedules.js';
import { maintainPartitionsJob, rollUpAnalyticsJob } from './analytics.js';
import { backupJob } from './backup.js';
import { revalidatePagesJob, warmUpJob } from './cache.js';
import { mediaRenderJob } from './media.js';

export const ALL_JOBS: readonly JobDefinition[] = [confirmationMailJob, backupJob, warmUpJob, revalidatePagesJob, rollUpAnalyticsJob, maintainPartitionsJob, mediaRenderJob];

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export function schedulesFor(config: Config): Schedule[] {
  const { jobs } = config;
  const schedules: Schedule[] = [{ id: 'analytics-partitions', job: maintainPartitionsJob, everyMs: DAY_MS, payload: {} }];
  if (jobs.analyticsRollUpEveryMinutes > 0) schedules.push({ id: 'analytics-roll-up', job: rollUpAnalyticsJob, everyMs: jobs.analyticsRollUpEveryMinutes * MINUTE_MS, payload: {} });
  if (jobs.backupEveryHours > 0) schedules.push({ id: 'backup', job: backupJob, everyMs: jobs.backupEveryHours * 60 * MINUTE_MS, payload: {} });
  if (jobs.warmUpEveryMinutes > 0) schedules.push({ id: 'cache-warm-up', job: warmUpJob, everyMs: jobs.warmUpEveryMinutes * MINUTE_MS, payload: {} });
  return schedules;
}
