/**
 * The analytics roll-up, a plain function a scheduled job calls (`rollUpAnalytics(pool, now)`).
 *
 * Raw events are never scanned for the whole window. Each run re-counts only the recent hours into hourly
 * tables (per model; per compared set of models), from the last hour already counted (or the last two
 * hours, whichever is earlier, so events written late by a buffer that waited out a database outage are
 * counted too). The lists then come from those small tables:
 *   trending             weighted events per model over TRENDING_WINDOW_DAYS → trending_models
 *   popular comparisons  the most compared sets over COMPARISONS_WINDOW_DAYS → popular_comparisons rows
 *                        with source 'analytics' (curated rows are never touched; see popular-comparisons.ts)
 * One transaction; when a list changed, its cache tags are invalidated through the outbox, exactly as an
 * admin write does. Idempotent: a second run with the same `now` changes nothing and invalidates nothing.
 * Concurrent runs (several processes) do not wait: the one that does not get the lock returns `skipped`.
 */
import type pg from 'pg';
import { LIST } from '../catalogue/cache-tags.js';
import { transaction } from '../platform/db.js';
import { enqueue } from '../platform/outbox.js';
import { INVALIDATE } from '../platform/outbox-plugin.js';
import { COMPARISONS_WINDOW_DAYS, refreshPopularComparisons } from './popular-comparisons.js';
import type { EventType } from './schemas.js';

export const TRENDING_WINDOW_DAYS = 7;
/** What one event says about interest in a model: asking for a quote says more than a page view. */
export const EVENT_WEIGHTS: Readonly<Record<EventType, number>> = { page_view: 1, compare: 3, lead_form_open: 5 };
/** Hours re-counted on every run at least (late events, the hour in progress). */
const RECOUNT_HOURS = 2;
/** Hourly rows are kept for the longest window plus a day. */
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

export async function rollUpAnalytics(pool: pg.Pool, now: Date = new Date()): Promise<RollUpResult> {
  return transaction(pool, async (tx) => {
    const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [ROLL_UP_LOCK_KEY]);
    if (!rows[0]?.locked) return { skipped: true, trendingChanged: false, comparisonsChanged: false, tags: [] };
    // gadizone.writer marks the popular-comparison rows this transaction writes as its own (0005's trigger).
    await tx.query(`SELECT set_config('statement_timeout', $1, true), set_config('gadizone.writer', 'analytics', true)`, [String(ROLL_UP_STATEMENT_TIMEOUT_MS)]);
    await countRecentHours(tx, now);
    const trendingChanged = await refreshTrending(tx, now);
    const comparisonsChanged = await refreshPopularComparisons(tx, now);
    const tags = [...(trendingChanged ? [LIST.trending] : []), ...(comparisonsChanged ? [LIST.comparisons] : [])];
    if (tags.length > 0) await enqueue(tx, INVALIDATE, { tags });
    return { skipped: false, trendingChanged, comparisonsChanged, tags };
  });
}

/** Recounts analytics_model_hourly and analytics_compare_hourly from the raw events since the last counted hour. */
async function countRecentHours(tx: pg.PoolClient, now: Date): Promise<void> {
  const since = (table: string) =>
    `SELECT date_trunc('hour', least(coalesce(max(hour), $1::timestamptz - interval '${COMPARISONS_WINDOW_DAYS} days'),
                                      $1::timestamptz - interval '${RECOUNT_HOURS} hours'), 'UTC') AS since
       FROM ${table} WHERE hour <= $1`;
  const modelSince = (await tx.query<{ since: Date }>(since('analytics_model_hourly'), [now])).rows[0]?.since;
  await tx.query('DELETE FROM analytics_model_hourly WHERE hour >= $1 AND hour <= $2', [modelSince, now]);
  await tx.query(
    `INSERT INTO analytics_model_hourly (hour, model_id, page_views, compares, lead_form_opens)
     SELECT date_trunc('hour', e.created_at, 'UTC'), x.model_id, count(*) FILTER (WHERE e.type = 'page_view'),
            count(*) FILTER (WHERE e.type = 'compare'), count(*) FILTER (WHERE e.type = 'lead_form_open')
       FROM analytics_events e
      CROSS JOIN LATERAL unnest(CASE WHEN e.type = 'compare' THEN e.model_ids ELSE ARRAY[e.model_id] END) AS x(model_id)
      WHERE e.type IN ('page_view', 'compare', 'lead_form_open') AND e.created_at >= $1 AND e.created_at <= $2 AND x.model_id IS NOT NULL
      GROUP BY 1, 2`,
    [modelSince, now],
  );
  const compareSince = (await tx.query<{ since: Date }>(since('analytics_compare_hourly'), [now])).rows[0]?.since;
  await tx.query('DELETE FROM analytics_compare_hourly WHERE hour >= $1 AND hour <= $2', [compareSince, now]);
  await tx.query(
    `INSERT INTO analytics_compare_hourly (hour, model_ids, compares)
     SELECT date_trunc('hour', e.created_at, 'UTC'), e.model_ids, count(*)
       FROM analytics_events e
      WHERE e.type = 'compare' AND e.created_at >= $1 AND e.created_at <= $2 AND cardinality(e.model_ids) >= 2
      GROUP BY 1, 2`,
    [compareSince, now],
  );
  for (const table of ['analytics_model_hourly', 'analytics_compare_hourly']) {
    await tx.query(`DELETE FROM ${table} WHERE hour < $1::timestamptz - interval '${KEEP_HOURLY_DAYS} days'`, [now]);
  }
}

/** Rewrites trending_models; true when any row changed. */
async function refreshTrending(tx: pg.PoolClient, now: Date): Promise<boolean> {
  const { rows } = await tx.query<{ changed: number }>(
    `WITH counted AS (
       SELECT h.model_id, sum(h.page_views)::int AS page_views, sum(h.compares)::int AS compares, sum(h.lead_form_opens)::int AS lead_form_opens
         FROM analytics_model_hourly h JOIN models m ON m.id = h.model_id AND m.deleted_at IS NULL
        WHERE h.hour >= $1::timestamptz - interval '${TRENDING_WINDOW_DAYS} days' AND h.hour <= $1
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
