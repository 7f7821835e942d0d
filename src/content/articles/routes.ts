import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, SlugParams } from '../../lib/schemas.js';
import { createArticleRepository } from './repository.js';
import { ArticleList, ArticleListQuery, ArticleOne } from './schemas.js';
import { createArticleService } from './service.js';

export const articleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const articles = createArticleService(createArticleRepository(app.pg));

  app.get(
    '/api/articles',
    {
      schema: {
        tags: ['content'],
        summary: 'Published articles, newest first',
        querystring: ArticleListQuery,
        response: { 200: ArticleList, ...errorResponses(400) },
      },
    },
    (request) => articles.list(request.query),
  );

  app.get(
    '/api/articles/:slug',
    {
      schema: { tags: ['content'], summary: 'One article', params: SlugParams, response: { 200: ArticleOne, ...errorResponses(400, 404) } },
    },
    async (request) => ({ data: await articles.get(request.params.slug) }),
  );
};
