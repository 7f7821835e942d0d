import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, SlugParams } from '../../lib/schemas.js';
import type { CachedRoute } from '../../platform/cache/response-cache.js';
import { listAnswerTags, missingModelTags, modelAnswerTags } from '../cache-tags.js';
import { ModelList, ModelListQuery, ModelOne, type ModelDetail } from './schemas.js';

const LIST_CACHE: CachedRoute<unknown> = { name: 'models.list', sets: ['brand', 'fields', 'facets'], ttl: 'modelsS', tags: () => listAnswerTags('models') };
const ONE_CACHE: CachedRoute<{ data: ModelDetail }> = {
  name: 'models.one',
  ttl: 'modelsS',
  tags: ({ data }) => modelAnswerTags(data),
  errorTags: (request) => missingModelTags((request.params as { slug: string }).slug),
};

export const modelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { models } = app.catalogue;

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
