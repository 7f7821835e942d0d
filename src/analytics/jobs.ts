/** Analytics jobs: the hourly roll-up into trending/popular tables and the monthly event partitions. */
import { Type } from '@sinclair/typebox';
import { maintainEventPartitions } from './partitions.js';
import { rollUpAnalytics } from './roll-up.js';
import { defineJob } from '../platform/jobs/define-job.js';

export const rollUpAnalyticsJob = defineJob({
  name: 'analytics.roll-up',
  payload: Type.Object({}),
  attempts: 3,
  async handle(_payload, { app }) {
    const result = await rollUpAnalytics(app.pg, new Date());
    // Its invalidation is an outbox row in the quick lane: drained now rather than by the next poll.
    if (result.tags.length > 0) await app.outbox.drainNow('quick').catch((error: unknown) => app.log.error({ err: error }, 'outbox drain after a roll-up failed'));
  },
});

export const maintainPartitionsJob = defineJob({
  name: 'analytics.maintain-partitions',
  payload: Type.Object({ retentionDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3_650 })) }),
  attempts: 3,
  async handle({ retentionDays }, { app, log }) {
    const changes = await maintainEventPartitions(app.pg, new Date(), retentionDays);
    if (changes.created.length + changes.dropped.length > 0) log.info(changes, 'analytics event partitions maintained');
  },
});
