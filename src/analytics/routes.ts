import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LIST } from '../catalogue/cache-tags.js';
import { errorResponses } from '../lib/schemas.js';
import type { CachedRoute } from '../platform/cache/response-cache.js';
import { createAnalyticsRepository } from './repository.js';
import { EventsBody, EventsReceipt, MAX_BATCH, type EventInput, TrendingList, TrendingQuery } from './schemas.js';
import { createTrendingService, toEventRecords } from './service.js';

/** Tagged with the models list too: a renamed or deleted model must not linger in it until the roll-up. */
const TRENDING_CACHE: CachedRoute<unknown> = { name: 'trending.models', ttl: 'modelsS', tags: () => [LIST.trending, LIST.models] };

export const analyticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const trending = createTrendingService(createAnalyticsRepository(app.pgRead));

  app.post(
    '/api/events',
    {
      schema: {
        tags: ['visitors'],
        summary: 'Record page views, compares and lead-form opens',
        description:
          `One event or an array of up to ${MAX_BATCH}. Answered 202 at once: events are buffered and written in batches ` +
          'within about a second. Best effort: when the server cannot keep up, events are refused (counted in `dropped`) ' +
          'rather than slowing anyone down; do not resend them. Unknown model or variant slugs are recorded without them.',
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
      const events = toEventRecords(request.body, new Date());
      const accepted = app.analytics.ingest(events);
      return reply.code(202).send({ data: { accepted, dropped: events.length - accepted } });
    },
  );

  app.get(
    '/api/trending/models',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Trending models: most viewed, compared and enquired about over the last 7 days',
        description: 'Recomputed from visitor events every few minutes.',
        querystring: TrendingQuery,
        response: { 200: TrendingList, ...errorResponses(400) },
      },
    },
    (request, reply) => app.cache.serve(request, reply, TRENDING_CACHE, () => trending.list(request.query)),
  );
};
