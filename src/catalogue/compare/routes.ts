import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../lib/schemas.js';
import { CompareQuery, ComparisonOne, type Comparison } from './schemas.js';
import type { CachedRoute } from '../../platform/cache/response-cache.js';
import { comparisonAnswerTags, missingVariantTags } from '../cache-tags.js';

/** A comparison shows each variant with its model and brand; an unknown slug is cached against that slug. */
const COMPARE_CACHE: CachedRoute<{ data: Comparison }> = {
  name: 'compare',
  ttl: 'variantsS',
  tags: ({ data }) => comparisonAnswerTags(data.variants),
  errorTags: (request) => (request.query as { variants: string }).variants.split(',').flatMap(missingVariantTags),
};

export const compareRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { compare } = app.catalogue;

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
    (request, reply) =>
      app.cache.serve(request, reply, COMPARE_CACHE, async () => ({ data: await compare.compare(request.query.variants, request.query.onlyDifferences) })),
  );
};
