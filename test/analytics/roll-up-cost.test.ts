/**
 * What the roll-up costs on a busy day, on demand only (it fills millions of rows): BENCH_ROLLUP_EVENTS=2000000
 * npx vitest run --project embedded test/analytics/roll-up-cost.test.ts. The events of one UTC day (5 % of them
 * lead-form opens, spread over the models, BENCH_ROLLUP_VISITORS distinct visitor keys) are written, then the
 * roll-up runs at 23:48 UTC as its schedule would: the day's recount is the steady state's worst case.
 */
import { describe, expect, it } from 'vitest';
import { rollUpAnalytics } from '../../src/analytics/roll-up.js';
import { buildTestApp } from '../helpers.js';

const EVENTS = Number(process.env.BENCH_ROLLUP_EVENTS ?? 0);
const VISITORS = Number(process.env.BENCH_ROLLUP_VISITORS ?? EVENTS / 10);
/** The roll-up's own statement timeout: a run must end well inside it. */
const ROLL_UP_BOUND_MS = 120_000;
const RUNS = 3;

describe.skipIf(EVENTS === 0)('roll-up cost', () => {
  it(`recounts a day of ${EVENTS} events`, async () => {
    const t = await buildTestApp();
    try {
      const pg = t.app.pg;
      const day = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
      const now = new Date(day.getTime() + 23.8 * 3_600_000);
      const ids = (await pg.query<{ ids: number[] }>('SELECT array_agg(id) AS ids FROM models WHERE deleted_at IS NULL')).rows[0]!.ids;
      const client = await pg.connect();
      try {
        await client.query(`SET statement_timeout = 0`);
        // Visitor keys as the app stores them: 22 characters, then the client's session id.
        await client.query(
          `INSERT INTO analytics_events (type, model_id, session_id, created_at)
           SELECT CASE WHEN g % 20 = 0 THEN 'lead_form_open' ELSE 'page_view' END,
                  ($1::int[])[1 + (g * 7919) % cardinality($1::int[])],
                  'v' || lpad(((g * 104729) % $3)::text, 21, 'x') || '.s' || (g % 1000),
                  $4::timestamptz + (g::float8 / $2) * interval '23.7 hours'
             FROM generate_series(1::bigint, $2::bigint) g`,
          [ids, EVENTS, VISITORS, day],
        );
        await client.query('VACUUM ANALYZE analytics_events');
      } finally {
        client.release();
      }
      await rollUpAnalytics(pg, new Date(now.getTime() - 600_000));
      const runsMs: number[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        const started = performance.now();
        await rollUpAnalytics(pg, now);
        runsMs.push(Math.round(performance.now() - started));
      }
      console.log(`roll-up at 23:48 UTC over ${EVENTS} events of the day (${VISITORS} visitors): ${runsMs.join(', ')} ms`);
      expect(Math.max(...runsMs)).toBeLessThan(ROLL_UP_BOUND_MS);
    } finally {
      await t.close();
    }
  }, 1_800_000);
});
