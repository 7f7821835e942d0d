import { query, type Executor } from '../platform/db.js';
import type { EventType } from './schemas.js';

/** One event as buffered: slugs as the client sent them, the time the server received it. */
export interface EventRecord {
  type: EventType;
  path: string | null;
  model: string | null;
  variant: string | null;
  /** compare: the variant slugs, comma-separated. */
  variants: string | null;
  /** The server's visitor key (visitor-key.ts): what the roll-up counts. */
  visitor: string;
  /** The client's own session id, kept for analysis; never counted (a client can make up any number). */
  sessionId: string | null;
  receivedAt: Date;
}

/**
 * analytics_events.session_id holds `<visitor>` or `<visitor>.<sessionId>` (a session id never holds a
 * dot), so the roll-up can count visitors without a column of their own: `split_part(session_id, '.', 1)`.
 * Rows written before visitor keys hold the client's session id alone (or null), and count as one visitor
 * per session id (or per event).
 */
export const storedSession = (event: Pick<EventRecord, 'visitor' | 'sessionId'>) => (event.sessionId === null ? event.visitor : `${event.visitor}.${event.sessionId}`);
/** The visitor of a stored event, in SQL, for a table aliased `e`. */
export const VISITOR_SQL = `coalesce(split_part(e.session_id, '.', 1), 'event:' || e.id)`;

/**
 * A whole batch in one statement of constant text (so it is prepared once per connection): one array per
 * column, unnested into rows. Slugs become ids in the same statement, each by a probe of its unique slug
 * index (scalar subqueries: a join would let the planner hash the whole variants table for every batch).
 * A slug that names nothing is stored as null rather than failing the batch; soft-deleted rows still
 * resolve (the roll-up counts live models only). A compare event keeps its variant ids and the distinct
 * model ids, both ascending, so the roll-up can group equal sets; other events skip that lookup.
 * Measured on 500 page views: 12 ms (a join version: 24 ms on 1,700 variants, growing with the catalogue).
 */
const INSERT_EVENTS = `INSERT INTO analytics_events (type, path, model_id, variant_id, variant_ids, model_ids, session_id, created_at)
SELECT e.type, e.path,
       coalesce((SELECT m.id FROM models m WHERE m.slug = e.model), (SELECT v.model_id FROM variants v WHERE v.slug = e.variant)),
       (SELECT v.id FROM variants v WHERE v.slug = e.variant),
       c.variant_ids, c.model_ids, e.session_id, e.created_at
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
         AS e(type, path, model, variant, variants, session_id, created_at)
  LEFT JOIN LATERAL (
    SELECT array_agg(cv.id ORDER BY cv.id) AS variant_ids, array_agg(DISTINCT cv.model_id ORDER BY cv.model_id) AS model_ids
      FROM variants cv
     WHERE e.variants IS NOT NULL AND cv.slug = ANY (string_to_array(e.variants, ','))
  ) c ON true`;

export interface TrendingRow {
  slug: string;
  name: string;
  brandSlug: string;
  brandName: string;
  bodyType: string;
  priceMinInr: number | null;
  priceMaxInr: number | null;
  score: number;
  visitors: number;
}

export function createAnalyticsRepository(db: Executor) {
  return {
    async insertEvents(events: readonly EventRecord[], executor: Executor = db): Promise<void> {
      const columns: [string[], (string | null)[], (string | null)[], (string | null)[], (string | null)[], (string | null)[], string[]] = [
        [], [], [], [], [], [], [],
      ];
      for (const e of events) {
        columns[0].push(e.type);
        columns[1].push(e.path);
        columns[2].push(e.model);
        columns[3].push(e.variant);
        columns[4].push(e.variants);
        columns[5].push(storedSession(e));
        columns[6].push(e.receivedAt.toISOString());
      }
      await query(executor, INSERT_EVENTS, columns);
    },

    async listTrending(limit: number, executor: Executor = db): Promise<TrendingRow[]> {
      return query<TrendingRow>(
        executor,
        `SELECT m.slug, m.name, b.slug AS "brandSlug", b.name AS "brandName", m.body_type AS "bodyType",
                m.price_min_inr AS "priceMinInr", m.price_max_inr AS "priceMaxInr", t.score,
                t.page_views + t.compares + t.lead_form_opens AS visitors
           FROM trending_models t
           JOIN models m ON m.id = t.model_id AND m.deleted_at IS NULL
           JOIN brands b ON b.id = m.brand_id
          ORDER BY t.score DESC, t.model_id
          LIMIT $1`,
        [limit],
      );
    },
  };
}
export type AnalyticsRepository = ReturnType<typeof createAnalyticsRepository>;
