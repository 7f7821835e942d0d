import { Type } from '@sinclair/typebox';
import { articleChanged } from '../../../content/articles/cache-tags.js';
import { markdownToHtml, safeHtml, safeMarkdown } from '../../../content/html.js';
import { ARTICLE_CATEGORIES } from '../../../content/articles/schemas.js';
import { AppError } from '../../../errors.js';
import { StringEnum } from '../../../lib/schemas.js';
import { defineResource } from '../resource.js';
import { textColumns, valueColumns } from '../input.js';
import { Meta, META_COLUMNS, Slug, Text } from './common.js';
import type { Executor } from '../../../platform/db.js';

const Fields = {
  slug: Slug,
  title: Text(200),
  summary: Text(300),
  category: StringEnum(ARTICLE_CATEGORIES),
  author: Text(100),
  tags: Type.Array(Type.String({ pattern: '^[a-z0-9-]{1,40}$' }), { maxItems: 20 }),
  status: StringEnum(['draft', 'published'] as const),
  publishedAt: Type.String({ format: 'date-time' }),
  bodyHtml: Type.String({ maxLength: 200_000, description: 'HTML; cleaned to an allowlist (no scripts, styles, handlers, iframes)' }),
  bodyMarkdown: Type.String({
    maxLength: 200_000,
    description: 'markdown; rendered and cleaned into bodyHtml. Published as written, so raw HTML the allowlist would change, and links other than https, http, mailto or relative ones, are refused',
  }),
  models: Type.Array(Slug, { maxItems: 20, uniqueItems: true, description: 'slugs of the models the article is about' }),
};

const View = Type.Object({ ...Meta, ...Fields });
type ArticleView = { id: number; version: number; deletedAt: string | null; slug: string };

async function setModels(tx: Executor, id: number, slugs: string[]): Promise<void> {
  const { rows } = await tx.query<{ slug: string }>('SELECT slug FROM models WHERE slug = ANY($1::text[]) AND deleted_at IS NULL', [slugs]);
  const unknown = slugs.filter((slug) => !rows.some((r) => r.slug === slug));
  if (unknown.length > 0) throw new AppError('VALIDATION_FAILED', `models: no model with slug ${unknown.map((s) => `"${s}"`).join(', ')}`);
  await tx.query('DELETE FROM article_models WHERE article_id = $1', [id]);
  await tx.query('INSERT INTO article_models (article_id, model_id) SELECT $1, id FROM models WHERE slug = ANY($2::text[])', [id, slugs]);
}

export const articlesResource = defineResource<ArticleView>({
  path: 'articles',
  entity: 'article',
  table: 'articles',
  read: 'content:read',
  write: 'content:write',
  View,
  Create: Type.Object(
    {
      ...Fields,
      tags: Type.Optional(Fields.tags),
      status: Type.Optional(Fields.status),
      publishedAt: Type.Optional(Fields.publishedAt),
      bodyHtml: Type.Optional(Fields.bodyHtml),
      bodyMarkdown: Type.Optional(Fields.bodyMarkdown),
      models: Type.Optional(Fields.models),
    },
    { additionalProperties: false },
  ),
  Update: Type.Partial(Type.Object(Fields), { additionalProperties: false }),
  select: `SELECT ${META_COLUMNS}, t.slug, t.title, t.summary, t.category, t.author, t.tags, t.status, t.published_at AS "publishedAt",
    t.body_html AS "bodyHtml", t.body_markdown AS "bodyMarkdown",
    coalesce((SELECT json_agg(m.slug ORDER BY m.slug) FROM article_models am JOIN models m ON m.id = am.model_id WHERE am.article_id = t.id), '[]') AS models
    FROM articles t`,
  search: ['t.title', 't.slug'],
  async toColumns(input, _tx, current) {
    if (current === null && input.bodyHtml === undefined && input.bodyMarkdown === undefined) {
      throw new AppError('VALIDATION_FAILED', 'give the article a body: bodyHtml or bodyMarkdown', [{ in: 'body', field: 'bodyHtml', message: 'required without bodyMarkdown' }]);
    }
    const columns: Record<string, unknown> = {
      ...textColumns(input, { title: 'title', summary: 'summary', author: 'author' }),
      ...valueColumns(input, { slug: 'slug', category: 'category', tags: 'tags', status: 'status', publishedAt: 'published_at' }),
    };
    if (typeof input.bodyMarkdown === 'string') {
      const markdown = safeMarkdown('bodyMarkdown', input.bodyMarkdown);
      Object.assign(columns, { body_markdown: markdown, body_html: markdownToHtml(markdown) });
    }
    if (typeof input.bodyHtml === 'string') Object.assign(columns, { body_html: safeHtml('bodyHtml', input.bodyHtml), ...(input.bodyMarkdown === undefined ? { body_markdown: '' } : {}) });
    if (current === null && input.publishedAt === undefined) columns.published_at = new Date();
    return columns;
  },
  async afterWrite(tx, id, input) {
    if (Array.isArray(input.models)) await setModels(tx, id, input.models as string[]);
  },
  tags: (view) => articleChanged(view.slug),
});
