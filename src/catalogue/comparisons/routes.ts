import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CachedRoute } from '../../platform/cache/response-cache.js';
import { LIST } from '../cache-tags.js';
import { errorResponses } from '../../lib/schemas.js';
import { createComparisonRepository } from './repository.js';
import { PopularComparisonList, PopularComparisonQuery } from './schemas.js';
import { createComparisonService } from './service.js';

const POPULAR_CACHE: CachedRoute<unknown> = { name: 'comparisons.popular', ttl: 'comparisonsS', tags: () => [LIST.comparisons] };

export const comparisonRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const comparisons = createComparisonService(createComparisonRepository(app.pgRead));

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
