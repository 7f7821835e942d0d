/**
 * The analytics roll-up, a plain function a scheduled job calls (`rollUpAnalytics(pool, now)`).
 *
 * What is counted is visitors, not events: one client sending a thousand events is one visitor (the
 * visitor key of visitor-key.ts: its address, per UTC day; the client's own session id is not trusted).
 * Raw events are never scanned for the whole window. Each run re-counts only the recent days into the
 * `*_hourly` tables, which hold one row per UTC day (at midnight in their `hour` column) per model and per
 * compared set of models: the day in progress, and the day before while it is less than RECOUNT_HOURS old,
 * so events written late by a buffer that waited out a database outage are counted too. The lists then
 * come from those small tables:
 *   trending             distinct visitors per model and day over TRENDING_WINDOW_DAYS, each weighted by
 *                        the most telling thing they did → trending_models
 *   popular comparisons  the sets compared by the most distinct visitors per day over COMPARISONS_WINDOW_DAYS
 *                        → popular_comparisons rows with source 'analytics' (curated rows are never
 *                        touched; see popular-comparisons.ts)
 * One transaction; when a list changed, its cache tags are invalidated through the outbox, exactly as an
 * admin write does. Idempotent: a second run with the same `now` changes nothing and invalidates nothing.
 * Concurrent runs (several processes) do not wait: the one that does not get the lock returns `skipped`.
 */
import { comparisonsChanged as comparisonsTags } from '../catalogue/cache-tags.js';
import { transaction, type Database, type Executor } from '../platform/db.js';
import { enqueue } from '../platform/outbox.js';
import { INVALIDATE } from '../platform/outbox-plugin.js';
import { COMPARISONS_WINDOW_DAYS, refreshPopularComparisons } from './popular-comparisons.js';
import { trendingChanged as trendingTags } from './cache-tags.js';
import { VISITOR_SQL } from './repository.js';
import type { EventType } from './schemas.js';

/** This UTC day and the 6 before it. */
export const TRENDING_WINDOW_DAYS = 7;
/** What a visitor's strongest event says about interest in a model: asking for a quote says more than a page view. */
export const EVENT_WEIGHTS: Readonly<Record<EventType, number>> = { page_view: 1, compare: 3, lead_form_open: 5 };
/** Every run recounts the days these last hours fall on (late events written after midnight, the day in progress). */
const RECOUNT_HOURS = 2;
/** Day rows are kept for the longest window plus a day. */
const KEEP_HOURLY_DAYS = COMPARISONS_WINDOW_DAYS + 1;
const ROLL_UP_LOCK_KEY = 7_361_902_115;
/** A job may take longer than a request; bounded all the same. */
const ROLL_UP_STATEMENT_TIMEOUT_MS = 120_000;

export interface RollUpResult {
  /** Another process was rolling up at the same moment. */
  skipped: boolean;
  trendingChanged: boolean;
  comparisonsChanged: boolean;
  /** Cache tags queued for invalidation. */
  tags: string[];
}

export async function rollUpAnalytics(pool: Database, now: Date = new Date()): Promise<RollUpResult> {
  return transaction(pool, async (tx) => {
    const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [ROLL_UP_LOCK_KEY]);
    if (!rows[0]?.locked) return { skipped: true, trendingChanged: false, comparisonsChanged: false, tags: [] };
    // gadizone.writer marks the popular-comparison rows this transaction writes as its own (0005's trigger).
    await tx.query(`SELECT set_config('statement_timeout', $1, true), set_config('gadizone.writer', 'analytics', true)`, [String(ROLL_UP_STATEMENT_TIMEOUT_MS)]);
    await countRecentDays(tx, now);
    const trendingChanged = await refreshTrending(tx, now);
    const comparisonsChanged = await refreshPopularComparisons(tx, now);
    const tags = [...(trendingChanged ? trendingTags() : []), ...(comparisonsChanged ? comparisonsTags() : [])];
    if (tags.length > 0) await enqueue(tx, INVALIDATE, { tags });
    return { skipped: false, trendingChanged, comparisonsChanged, tags };
  });
}

/**
 * One row per model and UTC day (in the `hour` column, at midnight): the day's distinct visitors of the model,
 * each counted once, in the column of the most telling thing they did (lead-form open > compare > page view),
 * so a visitor adds at most one weight to the score however many events they send. Compare events (several
 * models each) are unnested apart: an unnest per page view cost a third of the statement's time.
 */
const COUNT_MODEL_VISITORS = `INSERT INTO analytics_model_hourly (hour, model_id, page_views, compares, lead_form_opens)
SELECT day, model_id, count(*) FILTER (WHERE strongest = 1), count(*) FILTER (WHERE strongest = 2), count(*) FILTER (WHERE strongest = 3)
  FROM (SELECT date_trunc('day', ev.created_at, 'UTC') AS day, ev.model_id, ev.visitor,
               max(CASE ev.type WHEN 'lead_form_open' THEN 3 WHEN 'compare' THEN 2 ELSE 1 END) AS strongest
          FROM (SELECT e.created_at, e.model_id, e.type, ${VISITOR_SQL} AS visitor
                  FROM analytics_events e
                 WHERE e.type IN ('page_view', 'lead_form_open') AND e.created_at >= $1 AND e.created_at <= $2 AND e.model_id IS NOT NULL
                UNION ALL
                SELECT e.created_at, x.model_id, e.type, ${VISITOR_SQL}
                  FROM analytics_events e CROSS JOIN LATERAL unnest(e.model_ids) AS x(model_id)
                 WHERE e.type = 'compare' AND e.created_at >= $1 AND e.created_at <= $2) AS ev
         GROUP BY 1, 2, 3) AS visits
 GROUP BY day, model_id`;

/** One row per compared set of models and UTC day: the distinct visitors who compared that set that day. */
const COUNT_COMPARE_VISITORS = `INSERT INTO analytics_compare_hourly (hour, model_ids, compares)
SELECT date_trunc('day', e.created_at, 'UTC'), e.model_ids, count(DISTINCT ${VISITOR_SQL})
  FROM analytics_events e
 WHERE e.type = 'compare' AND e.created_at >= $1 AND e.created_at <= $2 AND cardinality(e.model_ids) >= 2
 GROUP BY 1, 2`;

/**
 * Recounts the day rows of analytics_model_hourly and analytics_compare_hourly from the raw events, from the
 * start of the UTC day of the last counted day (or of RECOUNT_HOURS ago, whichever is earlier). A day is
 * always recounted whole: a visitor seen at 09:00 and again at 15:00 must still be one visitor. Rows left
 * in the tables' former hourly form (a deployment upgraded from per-event counts) are dropped and the whole
 * window recounted once.
 */
async function countRecentDays(tx: Executor, now: Date): Promise<void> {
  for (const table of ['analytics_model_hourly', 'analytics_compare_hourly'] as const) {
    const converted = await tx.query(`DELETE FROM ${table} WHERE hour <> date_trunc('day', hour, 'UTC')`);
    const since =
      (converted.rowCount ?? 0) > 0
        ? `date_trunc('day', $1::timestamptz - interval '${KEEP_HOURLY_DAYS} days', 'UTC')`
        : `date_trunc('day', least(coalesce((SELECT max(hour) FROM ${table} WHERE hour <= $1), $1::timestamptz - interval '${COMPARISONS_WINDOW_DAYS} days'),
                                  $1::timestamptz - interval '${RECOUNT_HOURS} hours'), 'UTC')`;
    const sinceAt = (await tx.query<{ since: Date }>(`SELECT ${since} AS since`, [now])).rows[0]?.since;
    await tx.query(`DELETE FROM ${table} WHERE hour >= $1 AND hour <= $2`, [sinceAt, now]);
    await tx.query(table === 'analytics_model_hourly' ? COUNT_MODEL_VISITORS : COUNT_COMPARE_VISITORS, [sinceAt, now]);
    await tx.query(`DELETE FROM ${table} WHERE hour < $1::timestamptz - interval '${KEEP_HOURLY_DAYS} days'`, [now]);
  }
}

/** Rewrites trending_models; true when any row changed. */
async function refreshTrending(tx: Executor, now: Date): Promise<boolean> {
  const { rows } = await tx.query<{ changed: number }>(
    `WITH counted AS (
       SELECT h.model_id, sum(h.page_views)::int AS page_views, sum(h.compares)::int AS compares, sum(h.lead_form_opens)::int AS lead_form_opens
         FROM analytics_model_hourly h JOIN models m ON m.id = h.model_id AND m.deleted_at IS NULL
        WHERE h.hour >= date_trunc('day', $1::timestamptz - interval '${TRENDING_WINDOW_DAYS - 1} days', 'UTC') AND h.hour <= $1
        GROUP BY h.model_id
     ), scored AS (
       SELECT *, page_views * $2 + compares * $3 + lead_form_opens * $4 AS score FROM counted
     ), removed AS (
       DELETE FROM trending_models t WHERE NOT EXISTS (SELECT 1 FROM scored s WHERE s.model_id = t.model_id) RETURNING 1
     ), written AS (
       INSERT INTO trending_models (model_id, score, page_views, compares, lead_form_opens, computed_at)
       SELECT model_id, score, page_views, compares, lead_form_opens, $1 FROM scored
       ON CONFLICT (model_id) DO UPDATE
          SET score = EXCLUDED.score, page_views = EXCLUDED.page_views, compares = EXCLUDED.compares,
              lead_form_opens = EXCLUDED.lead_form_opens, computed_at = EXCLUDED.computed_at
        WHERE (trending_models.score, trending_models.page_views, trending_models.compares, trending_models.lead_form_opens)
              IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.page_views, EXCLUDED.compares, EXCLUDED.lead_form_opens)
       RETURNING 1
     )
     SELECT ((SELECT count(*) FROM removed) + (SELECT count(*) FROM written))::int AS changed`,
    [now, EVENT_WEIGHTS.page_view, EVENT_WEIGHTS.compare, EVENT_WEIGHTS.lead_form_open],
  );
  return (rows[0]?.changed ?? 0) > 0;
}
