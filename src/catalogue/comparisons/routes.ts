import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CachedRoute } from '../../platform/cache/response-cache.js';
import { listAnswerTags } from '../cache-tags.js';
import { errorResponses } from '../../lib/schemas.js';
import { PopularComparisonList, PopularComparisonQuery } from './schemas.js';

const POPULAR_CACHE: CachedRoute<unknown> = { name: 'comparisons.popular', ttl: 'comparisonsS', tags: () => listAnswerTags('comparisons') };

export const comparisonRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { comparisons } = app.catalogue;

  app.get(
    '/api/comparisons/popular',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Popular comparisons, editors’ order',
        querystring: PopularComparisonQuery,
        response: { 200: PopularComparisonList, ...errorResponses(400) },
      },
    },
    (request, reply) => app.cache.serve(request, reply, POPULAR_CACHE, () => comparisons.listPopular(request.query)),
  );
};
