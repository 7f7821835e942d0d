import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, SlugParams } from '../../lib/schemas.js';
import type { CachedRoute } from '../../platform/cache/response-cache.js';
import { listAnswerTags, missingVariantTags, variantAnswerTags } from '../cache-tags.js';
import { VariantList, VariantListQuery, VariantOne } from './schemas.js';

const LIST_CACHE: CachedRoute<unknown> = { name: 'variants.list', sets: ['brand', 'fields', 'facets'], ttl: 'variantsS', tags: () => listAnswerTags('variants') };
const ONE_CACHE: CachedRoute<{ data: { slug: string; model: { slug: string }; brand: { slug: string } } }> = {
  name: 'variants.one',
  ttl: 'variantsS',
  tags: ({ data }) => variantAnswerTags(data),
  errorTags: (request) => missingVariantTags((request.params as { slug: string }).slug),
};

export const variantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { variants } = app.catalogue;

  app.get(
    '/api/variants',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'List variants',
        description: 'The same filter and sort vocabulary as /api/models, applied to each variant.',
        querystring: VariantListQuery,
        response: { 200: VariantList, ...errorResponses(400) },
      },
    },
    (request, reply) => app.cache.serve(request, reply, LIST_CACHE, () => variants.list(request.query)),
  );

  app.get(
    '/api/variants/:slug',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'One variant with its full spec sheet',
        params: SlugParams,
        response: { 200: VariantOne, ...errorResponses(400, 404) },
      },
    },
    (request, reply) => app.cache.serve(request, reply, ONE_CACHE, async () => ({ data: await variants.get(request.params.slug) })),
  );
};
