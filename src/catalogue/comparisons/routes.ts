import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../lib/schemas.js';
import { createComparisonRepository } from './repository.js';
import { PopularComparisonList, PopularComparisonQuery } from './schemas.js';
import { createComparisonService } from './service.js';

export const comparisonRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const comparisons = createComparisonService(createComparisonRepository(app.pg));

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
    (request) => comparisons.listPopular(request.query),
  );
};
