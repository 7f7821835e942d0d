import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../lib/schemas.js';
import { createVariantRepository } from '../variants/repository.js';
import { CompareQuery, ComparisonOne, type Comparison } from './schemas.js';
import type { CachedRoute } from '../../platform/cache/response-cache.js';
import { tag } from '../cache-tags.js';
import { createCompareService } from './service.js';

/** A comparison shows each variant with its model and brand; an unknown slug is cached against that slug. */
const COMPARE_CACHE: CachedRoute<{ data: Comparison }> = {
  name: 'compare',
  ttl: 'variantsS',
  tags: ({ data }) => data.variants.flatMap((v) => [tag.variant(v.slug), tag.model(v.model.slug), tag.brand(v.brand.slug)]),
  errorTags: (request) => (request.query as { variants: string }).variants.split(',').map(tag.variant),
};

export const compareRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const compare = createCompareService(createVariantRepository(app.pgRead));

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
