import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../lib/schemas.js';
import { isRetry, readIdempotencyKey } from '../../platform/idempotency.js';
import { spendLeadBudget } from './limits.js';
import { LeadInput, LeadReceipt } from './schemas.js';

export const leadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { leads } = app.content;

  app.post(
    '/api/leads',
    {
      schema: {
        tags: ['visitors'],
        summary: 'Ask for a test drive or a price quote',
        description: 'Answered 201 only once the lead is committed. Send an Idempotency-Key header to retry safely.',
        body: LeadInput,
        response: { 201: LeadReceipt, ...errorResponses(400, 404, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const key = readIdempotencyKey(request.headers['idempotency-key']);
      if (!(await isRetry(app.pg, 'leads', key))) await spendLeadBudget(app.rateLimit, request, reply, request.body.phone);
      const result = await leads.create(request.body, key);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(result.body as LeadReceipt);
    },
  );
};
