/**
 * What only the pages need from the database: model ids (for pictures) and the keyset reads behind the
 * sitemap, which must stay cheap at 200,000 variants. (The /cars facet counts are the model list's own
 * `facets`: catalogue/facets.ts.)
 */
import { query, type Executor } from '../platform/db.js';

/** A sitemap row: the slug, the last change, and the id the next chunk starts after. */
export interface SitemapRow {
  id: number;
  slug: string;
  updatedAt: Date;
}

export type SitemapTable = 'brands' | 'models' | 'variants' | 'articles';

const LIVE: Record<SitemapTable, string> = {
  brands: 'deleted_at IS NULL',
  models: 'deleted_at IS NULL',
  variants: 'deleted_at IS NULL',
  articles: `deleted_at IS NULL AND status = 'published' AND published_at <= now()`,
};

export function createWebRepository(db: Executor) {
  return {
    /** The id of a live model (the media repository looks pictures up by id). */
    async modelId(slug: string, executor: Executor = db): Promise<number | null> {
      const rows = await query<{ id: number }>(executor, 'SELECT id FROM models WHERE slug = $1 AND deleted_at IS NULL', [slug]);
      return rows[0]?.id ?? null;
    },

    /** Up to `limit` live rows with id > `afterId`, in id order: a keyset read, as cheap for the last chunk as the first. */
    async sitemapRows(table: SitemapTable, afterId: number, limit: number, executor: Executor = db): Promise<SitemapRow[]> {
      return query<SitemapRow>(
        executor,
        `SELECT id, slug, updated_at AS "updatedAt" FROM ${table} WHERE ${LIVE[table]} AND id > $1 ORDER BY id LIMIT $2`,
        [afterId, limit],
      );
    },

    /**
     * Where each chunk of `chunkSize` rows starts: 0, then the id of every chunkSize-th live row. One pass
     * over the primary key index, run only for the (cached) sitemap index.
     */
    async sitemapChunkStarts(table: SitemapTable, chunkSize: number, executor: Executor = db): Promise<number[]> {
      const rows = await query<{ id: number }>(
        executor,
        `SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total FROM ${table} WHERE ${LIVE[table]}) r
          WHERE n % $1 = 0 AND n < total ORDER BY id`,
        [chunkSize],
      );
      return [0, ...rows.map((r) => r.id)];
    },
  };
}
export type WebRepository = ReturnType<typeof createWebRepository>;
