/**
 * GET /api/admin/jobs (counts per state, recent failed jobs with their error and attempts) and
 * POST /api/admin/jobs/:id/retry. From BullMQ with Redis (plus outbox rows that could not be queued), from
 * the outbox without. Admins only. The visual dashboard is /admin/queues (board.ts), with Redis.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../errors.js';
import { errorResponses } from '../../lib/schemas.js';

const Count = Type.Integer({ minimum: 0 });
const Overview = Type.Object({
  data: Type.Object({
    backend: Type.Union([Type.Literal('bullmq'), Type.Literal('in-process')]),
    counts: Type.Object({ waiting: Count, active: Count, delayed: Count, failed: Count, completed: Count, outboxPending: Count, outboxFailed: Count }),
    failed: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        attempts: Count,
        error: Type.String(),
        failedAt: Type.String({ format: 'date-time' }),
        source: Type.Union([Type.Literal('bullmq'), Type.Literal('outbox')]),
      }),
    ),
  }),
});
const JobsQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) }, { additionalProperties: false });
const JobParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9:_-]{1,200}$' }) });
const Retried = Type.Object({ data: Type.Object({ id: Type.String(), status: Type.Literal('retrying') }) });

export const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/jobs',
    { onRequest: app.authorize('jobs:manage'), schema: { tags: ['admin'], summary: 'Background jobs: counts and the failed list', querystring: JobsQuery, response: { 200: Overview, ...errorResponses(400, 401, 403) } } },
    async (request) => ({ data: await app.jobs.overview(request.query.limit) }),
  );
  app.post(
    '/api/admin/jobs/:id/retry',
    { onRequest: app.authorize('jobs:manage'), schema: { tags: ['admin'], summary: 'Retry a failed job', params: JobParams, response: { 200: Retried, ...errorResponses(400, 401, 403, 404) } } },
    async (request) => {
      if (!(await app.jobs.retry(request.params.id))) throw new AppError('JOB_NOT_FOUND', 'no failed job with this id');
      return { data: { id: request.params.id, status: 'retrying' as const } };
    },
  );
};
