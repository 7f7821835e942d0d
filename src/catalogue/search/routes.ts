import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CachedRoute } from '../../platform/cache/response-cache.js';
import { listAnswerTags } from '../cache-tags.js';
import { errorResponses } from '../../lib/schemas.js';
import { SearchQuery, SearchResults } from './schemas.js';

const SEARCH_CACHE: CachedRoute<unknown> = { name: 'search', ttl: 'variantsS', tags: () => listAnswerTags('search') };

export const searchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { search } = app.catalogue;

  app.get(
    '/api/search',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Search brands, models and variants',
        description: 'Ranked full-text search with typo tolerance; mode=autocomplete for as-you-type suggestions.',
        querystring: SearchQuery,
        response: { 200: SearchResults, ...errorResponses(400) },
      },
    },
    (request, reply) => app.cache.serve(request, reply, SEARCH_CACHE, () => search.search(request.query)),
  );
};
