import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CachedRoute } from '../../platform/cache/response-cache.js';
import { errorResponses, SlugParams } from '../../lib/schemas.js';
import { articleAnswerTags, articleListAnswerTags, missingArticleTags } from './cache-tags.js';
import { ArticleList, ArticleListQuery, ArticleOne, type ArticleSummary } from './schemas.js';

const LIST_CACHE: CachedRoute<{ data: Partial<ArticleSummary>[] }> = { name: 'articles.list', sets: ['fields'], ttl: 'articlesS', tags: ({ data }) => articleListAnswerTags(data) };
const ONE_CACHE: CachedRoute<{ data: { slug: string; models: { slug: string }[] } }> = {
  name: 'articles.one',
  ttl: 'articlesS',
  tags: ({ data }) => articleAnswerTags(data),
  errorTags: (request) => missingArticleTags((request.params as { slug: string }).slug),
};

export const articleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { articles } = app.content;

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
