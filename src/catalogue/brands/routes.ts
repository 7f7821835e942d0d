import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, SlugParams } from '../../lib/schemas.js';
import type { CachedRoute } from '../../platform/cache/response-cache.js';
import { LIST, tag } from '../cache-tags.js';
import { createModelRepository } from '../models/repository.js';
import { createBrandRepository } from './repository.js';
import { BrandList, BrandListQuery, BrandOne } from './schemas.js';
import { createBrandService } from './service.js';

const LIST_CACHE: CachedRoute<unknown> = { name: 'brands.list', ttl: 'brandsS', tags: () => [LIST.brands] };
const ONE_CACHE: CachedRoute<{ data: { slug: string } }> = {
  name: 'brands.one',
  ttl: 'brandsS',
  tags: ({ data }) => [tag.brand(data.slug), tag.brandModels(data.slug)],
  errorTags: (request) => [tag.brand((request.params as { slug: string }).slug)],
};

export const brandRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const brands = createBrandService(createBrandRepository(app.pgRead), createModelRepository(app.pgRead));

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
