import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, SlugParams } from '../../lib/schemas.js';
import type { CachedRoute } from '../../platform/cache/response-cache.js';
import { LIST, tag } from '../cache-tags.js';
import { createVariantRepository } from '../variants/repository.js';
import { createModelRepository } from './repository.js';
import { ModelList, ModelListQuery, ModelOne, type ModelDetail } from './schemas.js';
import { createModelService } from './service.js';

const LIST_CACHE: CachedRoute<unknown> = { name: 'models.list', ttl: 'modelsS', tags: () => [LIST.models] };
const ONE_CACHE: CachedRoute<{ data: ModelDetail }> = {
  name: 'models.one',
  ttl: 'modelsS',
  tags: ({ data }) => [tag.model(data.slug), tag.modelVariants(data.slug), tag.brand(data.brand.slug)],
  errorTags: (request) => [tag.model((request.params as { slug: string }).slug)],
};

export const modelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const models = createModelService(createModelRepository(app.pgRead), createVariantRepository(app.pgRead));

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
    (request, reply) => app.cache.serve(request, reply, LIST_CACHE, () => models.list(request.query)),
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
    (request, reply) => app.cache.serve(request, reply, ONE_CACHE, async () => ({ data: await models.get(request.params.slug) })),
  );
};
