/**
 * Ranked search over brands, models and variants with PostgreSQL full-text search and pg_trgm word
 * similarity for typos. Brands rank above models above variants; within a kind, text rank, similarity and
 * popularity decide.
 *
 * What one search may cost is bounded whatever the words: each kind contributes at most
 * SEARCH_MAX_RESULTS + 1 candidates (the LIMIT sits inside each branch, before any rank is computed), so a
 * word that matches 100,000 variants ranks, counts and sorts at most a few thousand rows. When a kind
 * has more matches than that, the ones ranked are the first found, not the best of all: the total is
 * then a lower bound and the caller says so. Typo matching (trigram similarity, which reads and compares
 * every row sharing a few letters with the words) runs on brand and model names only; variants match by
 * their words.
 */
import { query, type Executor } from '../../platform/db.js';
import { SEARCH_MAX_RESULTS, type SearchHit } from './schemas.js';
/** One more than can be reached, so a kind with more matches than that is seen to have them. */
const CANDIDATES_PER_KIND = SEARCH_MAX_RESULTS + 1;

export interface SearchTerms {
  /** to_tsquery text: the words AND-ed, those of PREFIX_MIN_CHARS or more as prefixes. Letters and digits only. */
  tsquery: string;
  /** The words joined by spaces, for trigram similarity. */
  text: string;
  /** Whether to match names by trigram similarity too: only when a word is long enough to carry trigrams. */
  typos: boolean;
}

type Kind = 'brand' | 'model' | 'variant';

interface Branch {
  /** The row and its score, FROM the kind's table (aliased) and `q`. */
  select: string;
  /** The word match, which an index answers. */
  words: string;
  /** The typo match (trigram GIN index), or null where typos are not looked for. */
  typo: string | null;
}

const BRANCHES: Record<Kind, Branch> = {
  brand: {
    select: `SELECT 'brand'::text AS type, b.slug, b.name AS title, b.country AS subtitle, NULL::int AS "priceInr",
      3 + similarity(b.name, q.raw) AS score
    FROM brands b, q WHERE b.deleted_at IS NULL`,
    words: `to_tsvector('simple', b.name) @@ q.tsq`,
    typo: 'b.name % q.raw',
  },
  model: {
    select: `SELECT 'model'::text AS type, m.slug, m.search_name AS title, m.body_type || ' · ' || m.status AS subtitle,
      m.price_min_inr AS "priceInr", 2 + ts_rank(m.search_vector, q.tsq) + word_similarity(q.raw, m.search_name) + m.popularity / 200.0 AS score
    FROM models m, q WHERE m.deleted_at IS NULL`,
    words: 'm.search_vector @@ q.tsq',
    typo: 'q.raw <% m.search_name',
  },
  variant: {
    select: `SELECT 'variant'::text AS type, v.slug, v.search_name AS title, v.fuel || ' · ' || v.transmission AS subtitle,
      v.price_inr AS "priceInr", 1 + ts_rank(v.search_vector, q.tsq) + word_similarity(q.raw, v.search_name) + v.popularity / 200.0 AS score
    FROM variants v, q WHERE v.deleted_at IS NULL`,
    words: 'v.search_vector @@ q.tsq',
    typo: null,
  },
};

function branch(kind: Kind, typos: boolean): string {
  const { select, words, typo } = BRANCHES[kind];
  const match = typos && typo !== null ? `(${words} OR ${typo})` : words;
  return `(${select} AND ${match} LIMIT ${CANDIDATES_PER_KIND})`;
}

/** One row per hit of the page, or a single row of NULLs when the page is empty: the total comes either way. */
function searchText(kinds: Kind[], typos: boolean): string {
  return `WITH q AS (SELECT to_tsquery('simple', $1) AS tsq, $2::text AS raw),
    hits AS (${kinds.map((kind) => branch(kind, typos)).join(' UNION ALL ')}),
    page AS (SELECT *, row_number() OVER (ORDER BY score DESC, title, slug) AS position FROM hits ORDER BY score DESC, title, slug LIMIT $3 OFFSET $4)
    SELECT p.type, p.slug, p.title, p.subtitle, p."priceInr", round(p.score::numeric, 4)::float8 AS score, counted.total
      FROM (SELECT count(*)::int AS total FROM hits) counted LEFT JOIN page p ON true
     ORDER BY p.position`;
}

export interface SearchPage {
  hits: SearchHit[];
  /** Matches found, at most SEARCH_MAX_RESULTS. */
  total: number;
  /** More matched than SEARCH_MAX_RESULTS: `total` is a lower bound. */
  totalIsLowerBound: boolean;
}

export function createSearchRepository(db: Executor) {
  return {
    /** The hits from `offset` on, ranked; `offset + limit` should stay within SEARCH_MAX_RESULTS. */
    async search(terms: SearchTerms, kinds: Kind[], limit: number, offset: number, executor: Executor = db): Promise<SearchPage> {
      const rows = await query<SearchHit & { total: number }>(executor, searchText(kinds, terms.typos), [terms.tsquery, terms.text, limit, offset]);
      const found = rows[0]?.total ?? 0;
      const hits = rows.filter((row) => row.slug !== null).map(({ total: _total, ...hit }) => hit);
      return { hits, total: Math.min(found, SEARCH_MAX_RESULTS), totalIsLowerBound: found > SEARCH_MAX_RESULTS };
    },
  };
}
export type SearchRepository = ReturnType<typeof createSearchRepository>;
