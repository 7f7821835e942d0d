import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../lib/schemas.js';
import { createVariantRepository } from '../variants/repository.js';
import { CompareQuery, ComparisonOne } from './schemas.js';
import { createCompareService } from './service.js';

export const compareRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const compare = createCompareService(createVariantRepository(app.pg));

  app.get(
    '/api/compare',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Compare 2 to 4 variants side by side',
        querystring: CompareQuery,
        response: { 200: ComparisonOne, ...errorResponses(400, 404) },
      },
    },
    async (request) => ({ data: await compare.compare(request.query.variants, request.query.onlyDifferences) }),
  );
};
