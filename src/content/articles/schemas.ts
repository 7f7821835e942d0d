import { Type, type Static } from '@sinclair/typebox';
import { BrandRef, FieldsQuery, ListOf, One, PagingQuery, Slug, StringEnum } from '../../lib/schemas.js';

export const ARTICLE_CATEGORIES = ['news', 'review', 'guide', 'comparison'] as const;
export const ARTICLE_FIELDS = ['slug', 'title', 'summary', 'category', 'author', 'tags', 'publishedAt', 'models'] as const;

export const ArticleSummary = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  summary: Type.String(),
  category: Type.String(),
  author: Type.String(),
  tags: Type.Array(Type.String()),
  publishedAt: Type.String({ format: 'date-time' }),
  models: Type.Array(BrandRef, { description: 'models the article is about' }),
});
export type ArticleSummary = Static<typeof ArticleSummary>;

export const ArticleDetail = Type.Composite([
  ArticleSummary,
  Type.Object({ bodyMarkdown: Type.String({ description: 'as written (empty for articles written as HTML, and for a source the link rules now refuse)' }), bodyHtml: Type.String({ description: 'sanitised HTML, ready to render' }) }),
]);
export type ArticleDetail = Static<typeof ArticleDetail>;

export const ArticleListQuery = Type.Object(
  {
    category: Type.Optional(StringEnum(ARTICLE_CATEGORIES)),
    tag: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$' })),
    model: Type.Optional(Slug),
    sort: StringEnum(['newest'] as const, { default: 'newest' }),
    ...PagingQuery,
    fields: FieldsQuery(ARTICLE_FIELDS),
  },
  { additionalProperties: false },
);
export type ArticleListQuery = Static<typeof ArticleListQuery>;

export const ArticleList = ListOf(Type.Partial(ArticleSummary));
export const ArticleOne = One(ArticleDetail);
