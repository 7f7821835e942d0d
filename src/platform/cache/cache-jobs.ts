/**
 * Cache jobs. Warm-up requests the hot set through the app (warm-up.ts) in the process that runs the job:
 * with Redis that fills the shared tier (L2) for every process; page revalidation re-requests given paths
 * after a change, so the first visitor after an invalidation does not pay for the database round trip.
 */
import { Type } from '@sinclair/typebox';
import { warmUp } from './warm-up.js';
import { defineJob } from '../jobs/define-job.js';

const WARM_UP_BUDGET_MS = 60_000;
const MAX_PATHS = 200;

export const warmUpJob = defineJob({
  name: 'cache.warm-up',
  payload: Type.Object({}),
  attempts: 2,
  async handle(_payload, { app, log }) {
    log.info(await warmUp(app, WARM_UP_BUDGET_MS), 'cache warmed by a job');
  },
});

export const revalidatePagesJob = defineJob({
  name: 'cache.revalidate-pages',
  payload: Type.Object({ paths: Type.Array(Type.String({ pattern: '^/api/[^\\s]*$', maxLength: 500 }), { maxItems: MAX_PATHS }) }),
  async handle({ paths }, { app }) {
    for (const url of paths) {
      const response = await app.inject({ method: 'GET', url });
      if (response.statusCode >= 500) throw new Error(`revalidating ${url}: HTTP ${response.statusCode}`);
    }
  },
});
