import type { SortSpec } from '../../lib/pagination.js';
import type { Params } from '../../lib/sql.js';
import { query, type Executor } from '../../platform/db.js';
import { runList, type ListTable } from '../../catalogue/list-query.js';
import type { ArticleListQuery, ArticleSummary } from './schemas.js';

export type ArticleRow = Omit<ArticleSummary, 'publishedAt'> & { id: number; publishedAt: Date; publishedUs: number };

const SUMMARY_COLUMNS = `t.id, t.slug, t.title, t.summary, t.category, t.author, t.tags, t.published_at AS "publishedAt",
  (extract(epoch FROM t.published_at) * 1000000)::bigint AS "publishedUs",
  coalesce((SELECT json_agg(json_build_object('slug', m.slug, 'name', m.name) ORDER BY m.name)
              FROM article_models am JOIN models m ON m.id = am.model_id WHERE am.article_id = t.id AND m.deleted_at IS NULL), '[]') AS models`;

// Microseconds since the epoch: an exact, integer keyset key for a timestamptz.
const NEWEST: SortSpec = {
  column: '(extract(epoch FROM t.published_at) * 1000000)::bigint',
  direction: 'desc',
  kind: 'bigint',
  key: (row) => row.publishedUs as number,
};

function conditions(f: ArticleListQuery, params: Params): string[] {
  const where = [`t.status = 'published'`, 't.published_at <= now()'];
  if (f.category !== undefined) where.push(`t.category = ${params.add(f.category)}`);
  if (f.tag !== undefined) where.push(`t.tags @> ARRAY[${params.add(f.tag)}::text]`);
  if (f.model !== undefined) {
    where.push(`t.id IN (SELECT am.article_id FROM article_models am JOIN models m ON m.id = am.model_id WHERE m.slug = ${params.add(f.model)})`);
  }
  return where;
}

const ARTICLE_TABLE: ListTable<ArticleListQuery> = { from: 'articles t', countFrom: 'articles t', columns: SUMMARY_COLUMNS, conditions, sorts: { newest: NEWEST } };

export function createArticleRepository(db: Executor) {
  return {
    list(request: ArticleListQuery, executor: Executor = db) {
      return runList<ArticleRow, ArticleListQuery>(executor, ARTICLE_TABLE, request);
    },

    async findBySlug(slug: string, executor: Executor = db): Promise<(ArticleRow & { bodyMarkdown: string; bodyHtml: string }) | null> {
      const rows = await query<ArticleRow & { bodyMarkdown: string; bodyHtml: string }>(
        executor,
        `SELECT ${SUMMARY_COLUMNS}, t.body_markdown AS "bodyMarkdown", t.body_html AS "bodyHtml" FROM articles t
          WHERE t.slug = $1 AND t.deleted_at IS NULL AND t.status = 'published' AND t.published_at <= now()`,
        [slug],
      );
      return rows[0] ?? null;
    },
  };
}
export type ArticleRepository = ReturnType<typeof createArticleRepository>;
