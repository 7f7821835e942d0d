import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CachedRoute } from '../../platform/cache/response-cache.js';
import { LIST, tag } from '../../catalogue/cache-tags.js';
import { errorResponses, SlugParams } from '../../lib/schemas.js';
import { createArticleRepository } from './repository.js';
import { ArticleList, ArticleListQuery, ArticleOne } from './schemas.js';
import { createArticleService } from './service.js';

const LIST_CACHE: CachedRoute<unknown> = { name: 'articles.list', ttl: 'articlesS', tags: () => [LIST.articles] };
const ONE_CACHE: CachedRoute<{ data: { slug: string; models: { slug: string }[] } }> = {
  name: 'articles.one',
  ttl: 'articlesS',
  // The article shows the names of the models it is about.
  tags: ({ data }) => [tag.article(data.slug), ...data.models.map((m) => tag.model(m.slug))],
  errorTags: (request) => [tag.article((request.params as { slug: string }).slug)],
};

export const articleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const articles = createArticleService(createArticleRepository(app.pgRead));

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
    (request, reply) => app.cache.serve(request, reply, LIST_CACHE, () => articles.list(request.query)),
  );

  app.get(
    '/api/articles/:slug',
    {
      schema: { tags: ['content'], summary: 'One article', params: SlugParams, response: { 200: ArticleOne, ...errorResponses(400, 404) } },
    },
    (request, reply) => app.cache.serve(request, reply, ONE_CACHE, async () => ({ data: await articles.get(request.params.slug) })),
  );
};
