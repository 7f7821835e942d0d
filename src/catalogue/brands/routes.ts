import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, SlugParams } from '../../lib/schemas.js';
import type { CachedRoute } from '../../platform/cache/response-cache.js';
import { brandAnswerTags, listAnswerTags, missingBrandTags } from '../cache-tags.js';
import { BrandList, BrandListQuery, BrandOne } from './schemas.js';

const LIST_CACHE: CachedRoute<unknown> = { name: 'brands.list', sets: ['fields'], ttl: 'brandsS', tags: () => listAnswerTags('brands') };
const ONE_CACHE: CachedRoute<{ data: { slug: string } }> = {
  name: 'brands.one',
  ttl: 'brandsS',
  tags: ({ data }) => brandAnswerTags(data),
  errorTags: (request) => missingBrandTags((request.params as { slug: string }).slug),
};

export const brandRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { brands } = app.catalogue;

  app.get(
    '/api/brands',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'List brands',
        querystring: BrandListQuery,
        response: { 200: BrandList, ...errorResponses(400) },
      },
    },
    (request, reply) => app.cache.serve(request, reply, LIST_CACHE, () => brands.list(request.query)),
  );

  app.get(
    '/api/brands/:slug',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'One brand with its models',
        params: SlugParams,
        response: { 200: BrandOne, ...errorResponses(400, 404) },
      },
    },
    (request, reply) => app.cache.serve(request, reply, ONE_CACHE, async () => ({ data: await brands.get(request.params.slug) })),
  );
};
