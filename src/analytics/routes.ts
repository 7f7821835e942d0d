import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../lib/schemas.js';
import type { CachedRoute } from '../platform/cache/response-cache.js';
import { clientKey } from '../platform/rate-limit/client-key.js';
import { trendingAnswerTags } from './cache-tags.js';
import { EventsBody, EventsReceipt, MAX_BATCH, type EventInput, TrendingList, TrendingQuery } from './schemas.js';
import { toEventRecords } from './service.js';
import { createVisitorKeys } from './visitor-key.js';

const TRENDING_CACHE: CachedRoute<unknown> = { name: 'trending.models', ttl: 'modelsS', tags: () => trendingAnswerTags() };

export const analyticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { trending } = app.analytics;
  const visitorOf = createVisitorKeys(app.config.jwtSecret);

  app.post(
    '/api/events',
    {
      schema: {
        tags: ['visitors'],
        summary: 'Record page views, compares and lead-form opens',
        description:
          `One event or an array of up to ${MAX_BATCH}. Answered 202 at once: events are buffered and written in batches ` +
          'within about a second. Best effort: when the server cannot keep up, events are refused (counted in `dropped`) ' +
          'rather than slowing anyone down; do not resend them. Unknown model or variant slugs are recorded without them. ' +
          'Each event of a batch spends a point of the client\'s events budget (429 when it is spent).',
        body: EventsBody,
        response: { 202: EventsReceipt, ...errorResponses(400, 413, 415, 429) },
      },
      // A single event is a batch of one (see EventsBody).
      preValidation: async (request) => {
        const body: unknown = request.body;
        if (body !== null && typeof body === 'object' && !Array.isArray(body)) request.body = [body as EventInput];
      },
    },
    async (request, reply) => {
      const receivedAt = new Date();
      const events = toEventRecords(request.body, receivedAt, visitorOf(request.ip, receivedAt));
      await app.rateLimit.consume(request, reply, 'events', clientKey(request.ip), events.length);
      const accepted = app.analytics.ingest(events);
      return reply.code(202).send({ data: { accepted, dropped: events.length - accepted } });
    },
  );

  app.get(
    '/api/trending/models',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Trending models, by distinct visitors this week',
        description:
          'Ranked by distinct visitors over the last 7 days: a visitor (one client address) counts once per model and UTC day, ' +
          'weighted by the most telling thing they did (asked for a quote 5, compared 3, viewed 1), so one client sending ' +
          'many events moves a model by one visitor at most. Recomputed from visitor events every few minutes.',
        querystring: TrendingQuery,
        response: { 200: TrendingList, ...errorResponses(400) },
      },
    },
    (request, reply) => app.cache.serve(request, reply, TRENDING_CACHE, () => trending.list(request.query)),
  );
};
