import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../lib/schemas.js';
import { isRetry, readIdempotencyKey } from '../../platform/idempotency.js';
import { spendSubscribeBudget } from './limits.js';
import { ConfirmInput, ConfirmReceipt, SubscribeInput, SubscribeReceipt } from './schemas.js';

export const newsletterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { newsletter } = app.content;

  app.post(
    '/api/newsletter',
    {
      schema: {
        tags: ['visitors'],
        summary: 'Subscribe to the newsletter (double opt-in)',
        description: 'Answered 202 once stored; a confirmation link is mailed. Send an Idempotency-Key header to retry safely.',
        body: SubscribeInput,
        response: { 202: SubscribeReceipt, ...errorResponses(400, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      const key = readIdempotencyKey(request.headers['idempotency-key']);
      if (!(await isRetry(app.pg, 'newsletter', key))) await spendSubscribeBudget(app.rateLimit, request, reply, request.body.email);
      const result = await newsletter.subscribe(request.body, key);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(202).send(result.body as typeof SubscribeReceipt.static);
    },
  );

  const confirmSchema = {
    tags: ['visitors'],
    summary: 'Confirm a subscription with the mailed token',
    response: { 200: ConfirmReceipt, ...errorResponses(400, 404) },
  };
  app.get('/api/newsletter/confirm', { schema: { ...confirmSchema, querystring: ConfirmInput } }, async (request) => ({
    data: await newsletter.confirm(request.query.token),
  }));
  app.post('/api/newsletter/confirm', { schema: { ...confirmSchema, body: ConfirmInput } }, async (request) => ({
    data: await newsletter.confirm(request.body.token),
  }));
};
