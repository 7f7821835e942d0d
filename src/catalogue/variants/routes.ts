import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, SlugParams } from '../../lib/schemas.js';
import { createVariantRepository } from './repository.js';
import { VariantList, VariantListQuery, VariantOne } from './schemas.js';
import { createVariantService } from './service.js';

export const variantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const variants = createVariantService(createVariantRepository(app.pg));

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
    (request) => variants.list(request.query),
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
    async (request) => ({ data: await variants.get(request.params.slug) }),
  );
};
