import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, SlugParams } from '../../lib/schemas.js';
import { createModelRepository } from '../models/repository.js';
import { createBrandRepository } from './repository.js';
import { BrandList, BrandListQuery, BrandOne } from './schemas.js';
import { createBrandService } from './service.js';

export const brandRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const brands = createBrandService(createBrandRepository(app.pg), createModelRepository(app.pg));

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
    (request) => brands.list(request.query),
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
    async (request) => ({ data: await brands.get(request.params.slug) }),
  );
};
