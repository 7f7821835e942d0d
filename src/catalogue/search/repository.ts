/**
 * Ranked search over brands, models and variants with PostgreSQL full-text search (prefix matching on
 * every word) and pg_trgm word similarity for typos. Brands rank above models above variants; within a
 * kind, text rank, similarity and popularity decide.
 */
import { query, type Executor } from '../../platform/db.js';
import type { SearchHit } from './schemas.js';

export interface SearchTerms {
  /** to_tsquery text: every word as a prefix, AND-ed. Words are letters and digits only. */
  tsquery: string;
  /** The words joined by spaces, for trigram similarity. */
  text: string;
}

type Kind = 'brand' | 'model' | 'variant';

const HITS: Record<Kind, string> = {
  brand: `SELECT 'brand'::text AS type, b.slug, b.name AS title, b.country AS subtitle, NULL::int AS "priceInr",
      3 + similarity(b.name, q.raw) AS score
    FROM brands b, q
   WHERE b.deleted_at IS NULL AND (to_tsvector('simple', b.name) @@ q.tsq OR b.name % q.raw)`,
  model: `SELECT 'model'::text AS type, m.slug, m.search_name AS title, m.body_type || ' · ' || m.status AS subtitle,
      m.price_min_inr AS "priceInr", 2 + ts_rank(m.search_vector, q.tsq) + word_similarity(q.raw, m.search_name) + m.popularity / 200.0 AS score
    FROM models m, q
   WHERE m.deleted_at IS NULL AND (m.search_vector @@ q.tsq OR q.raw <% m.search_name)`,
  variant: `SELECT 'variant'::text AS type, v.slug, v.search_name AS title, v.fuel || ' · ' || v.transmission AS subtitle,
      v.price_inr AS "priceInr", 1 + ts_rank(v.search_vector, q.tsq) + word_similarity(q.raw, v.search_name) + v.popularity / 200.0 AS score
    FROM variants v, q
   WHERE v.deleted_at IS NULL AND (v.search_vector @@ q.tsq OR q.raw <% v.search_name)`,
};

function searchText(kinds: Kind[]): string {
  return `WITH q AS (SELECT to_tsquery('simple', $1) AS tsq, $2::text AS raw),
    hits AS (${kinds.map((k) => HITS[k]).join(' UNION ALL ')})
    SELECT type, slug, title, subtitle, "priceInr", round(score::numeric, 4)::float8 AS score, count(*) OVER ()::int AS total
      FROM hits ORDER BY score DESC, title, slug LIMIT $3 OFFSET $4`;
}

export function createSearchRepository(db: Executor) {
  return {
    async search(terms: SearchTerms, kinds: Kind[], limit: number, offset: number, executor: Executor = db) {
      const rows = await query<SearchHit & { total: number }>(executor, searchText(kinds), [terms.tsquery, terms.text, limit, offset]);
      return { hits: rows.map(({ total: _total, ...hit }) => hit), total: rows[0]?.total ?? 0 };
    },
  };
}
export type SearchRepository = ReturnType<typeof createSearchRepository>;
