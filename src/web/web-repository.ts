/**
 * What only the pages need from the database: facet counts for the /cars filters (with the same WHERE
 * conditions as the model list, so the counts always match the results) and the keyset reads behind the
 * sitemap, which must stay cheap at 200,000 variants.
 */
import type { CatalogueFilters } from '../catalogue/filters.js';
import { modelConditions } from '../catalogue/models/repository.js';
import { Params } from '../lib/sql.js';
import { query, type Executor } from '../platform/db.js';

export type FacetName = 'brand' | 'bodyType' | 'fuel' | 'transmission';
export type Facets = Record<FacetName, { value: string; label: string; count: number }[]>;

/** How each facet reads its values from a model row (`t`); array columns are unnested. */
const FACET_VALUES: Record<FacetName, { from: string; value: string; label: string }> = {
  brand: { from: 'models t JOIN brands b ON b.id = t.brand_id', value: 'b.slug', label: 'min(b.name)' },
  bodyType: { from: 'models t', value: 't.body_type', label: 't.body_type' },
  fuel: { from: 'models t CROSS JOIN LATERAL unnest(t.fuels) AS x(v)', value: 'x.v', label: 'x.v' },
  transmission: { from: 'models t CROSS JOIN LATERAL unnest(t.transmissions) AS x(v)', value: 'x.v', label: 'x.v' },
};

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
    /** Counts per value of each facet, under every other active filter (a facet never narrows itself). */
    async facets(filters: CatalogueFilters, executor: Executor = db): Promise<Facets> {
      const names = Object.keys(FACET_VALUES) as FacetName[];
      const counts = await Promise.all(
        names.map((name) => {
          const params = new Params();
          const where = ['t.deleted_at IS NULL', ...modelConditions({ ...filters, [name]: undefined }, params)];
          const f = FACET_VALUES[name];
          return query<{ value: string; label: string; count: number }>(
            executor,
            `SELECT ${f.value} AS value, ${f.label} AS label, count(*)::int AS count FROM ${f.from}
              WHERE ${where.join(' AND ')} GROUP BY ${f.value} ORDER BY count DESC, 1 LIMIT 60`,
            params.values,
          );
        }),
      );
      return Object.fromEntries(names.map((name, i) => [name, counts[i] ?? []])) as Facets;
    },

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
