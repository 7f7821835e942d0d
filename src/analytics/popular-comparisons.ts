/**
 * Popular comparisons from compare events: the sets of models compared by the most distinct visitors (one
 * per client address and UTC day, see roll-up.ts, so one client cannot push a set) become popular_comparisons
 * rows with source 'analytics', listed after the editors' rows (position ANALYTICS_POSITION_BASE + rank).
 * Curated rows (source 'editor') are never written: a set an editor already lists, or listed and deleted,
 * is left out. Analytics rows that fall out of the top are deleted; the rest get their new score and rank.
 */
import type { Executor } from '../platform/db.js';

/** This UTC day and the 29 before it. */
export const COMPARISONS_WINDOW_DAYS = 30;
/** Analytics rows kept at most. */
const TOP_COMPARISONS = 12;
/** A set compared by fewer visitors (visitor-days) than this in the window is noise, not popularity. */
const MIN_COMPARES = 3;
/** Editors' positions are small numbers; computed rows follow them in rank order. */
const ANALYTICS_POSITION_BASE = 1_000;

interface Candidate {
  modelIds: number[];
  compares: number;
  slug: string;
  title: string;
}

interface AnalyticsRow {
  id: number;
  modelIds: number[];
  score: number;
  position: number;
  title: string;
}

const setKey = (ids: number[]) => ids.join(',');

/** Runs inside the roll-up's transaction (gadizone.writer = 'analytics'); true when any row changed. */
export async function refreshPopularComparisons(tx: Executor, now: Date): Promise<boolean> {
  const candidates = await topSets(tx, now);
  const { rows: existing } = await tx.query<AnalyticsRow>(
    `SELECT pc.id, pc.score, pc.position, pc.title,
            (SELECT array_agg(cm.model_id ORDER BY cm.model_id) FROM popular_comparison_models cm WHERE cm.comparison_id = pc.id) AS "modelIds"
       FROM popular_comparisons pc WHERE pc.source = 'analytics'`,
  );
  const wanted = new Map(candidates.map((c, i) => [setKey(c.modelIds), { ...c, position: ANALYTICS_POSITION_BASE + i + 1 }]));
  let changed = false;

  const stale = existing.filter((row) => !wanted.has(setKey(row.modelIds ?? [])));
  if (stale.length > 0) {
    await tx.query('DELETE FROM popular_comparisons WHERE id = ANY($1::int[])', [stale.map((row) => row.id)]);
    changed = true;
  }
  const existingByKey = new Map(existing.map((row) => [setKey(row.modelIds ?? []), row]));
  for (const [key, want] of wanted) {
    const row = existingByKey.get(key);
    if (row) {
      if (row.score === want.compares && row.position === want.position && row.title === want.title) continue;
      await tx.query('UPDATE popular_comparisons SET score = $2, position = $3, title = $4, version = version + 1, updated_at = now() WHERE id = $1', [
        row.id,
        want.compares,
        want.position,
        want.title,
      ]);
      changed = true;
    } else if (await insertComparison(tx, want)) {
      changed = true;
    }
  }
  return changed;
}

/** The most compared sets of live models in the window that no editor row already covers. */
async function topSets(tx: Executor, now: Date): Promise<Candidate[]> {
  const { rows } = await tx.query<Candidate>(
    `WITH counted AS (
       SELECT model_ids, sum(compares)::int AS compares
         FROM analytics_compare_hourly
        WHERE hour >= date_trunc('day', $1::timestamptz - interval '${COMPARISONS_WINDOW_DAYS - 1} days', 'UTC') AND hour <= $1
        GROUP BY model_ids HAVING sum(compares) >= $2
     ), curated AS (
       SELECT array_agg(cm.model_id ORDER BY cm.model_id) AS model_ids
         FROM popular_comparisons pc JOIN popular_comparison_models cm ON cm.comparison_id = pc.id
        WHERE pc.source = 'editor' GROUP BY pc.id
     )
     SELECT c.model_ids AS "modelIds", c.compares,
            string_agg(m.slug, '-vs-' ORDER BY u.n) AS slug, string_agg(m.search_name, ' vs ' ORDER BY u.n) AS title
       FROM counted c
       CROSS JOIN LATERAL unnest(c.model_ids) WITH ORDINALITY AS u(id, n)
       LEFT JOIN models m ON m.id = u.id AND m.deleted_at IS NULL
      WHERE NOT EXISTS (SELECT 1 FROM curated k WHERE k.model_ids = c.model_ids)
      GROUP BY c.model_ids, c.compares
     HAVING count(m.id) = cardinality(c.model_ids)
      ORDER BY c.compares DESC, c.model_ids
      LIMIT $3`,
    [now, MIN_COMPARES, TOP_COMPARISONS],
  );
  return rows;
}

/** Inserts one computed comparison; false when its slug is taken (by a row for another set). */
async function insertComparison(tx: Executor, want: Candidate & { position: number }): Promise<boolean> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO popular_comparisons (slug, title, position, source, score) VALUES ($1, $2, $3, 'analytics', $4)
     ON CONFLICT (slug) DO NOTHING RETURNING id`,
    [want.slug, want.title, want.position, want.compares],
  );
  const id = rows[0]?.id;
  if (id === undefined) return false;
  await tx.query(
    `INSERT INTO popular_comparison_models (comparison_id, model_id, position)
     SELECT $1, u.id, u.n FROM unnest($2::int[]) WITH ORDINALITY AS u(id, n)`,
    [id, want.modelIds],
  );
  return true;
}
