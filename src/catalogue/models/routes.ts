import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, SlugParams } from '../../lib/schemas.js';
import { createVariantRepository } from '../variants/repository.js';
import { createModelRepository } from './repository.js';
import { ModelList, ModelListQuery, ModelOne } from './schemas.js';
import { createModelService } from './service.js';

export const modelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const models = createModelService(createModelRepository(app.pg), createVariantRepository(app.pg));

  app.get(
    '/api/models',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'List models',
        description: 'Filter by brand, body type, fuel, transmission, seats, starting price and status; sort; page by page number or cursor.',
        querystring: ModelListQuery,
        response: { 200: ModelList, ...errorResponses(400) },
      },
    },
    (request) => models.list(request.query),
  );

  app.get(
    '/api/models/:slug',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'One model with its variants and key specs',
        params: SlugParams,
        response: { 200: ModelOne, ...errorResponses(400, 404) },
      },
    },
    async (request) => ({ data: await models.get(request.params.slug) }),
  );
};
