/**
 * Trending counts visitors, not events: one client (one IPv4 address, or one IPv6 /64) is one visitor per
 * model and UTC day however many events and session ids it sends, while many distinct visitors still move
 * a model to the top; popular comparisons resist one client the same way; the visitor key is the same on
 * every instance of a deployment; the home page and the API say what the ranking counts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollUpAnalytics } from '../../src/analytics/roll-up.js';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

interface Trending {
  slug: string;
  rank: number;
  score: number;
  visitors: number;
}

async function sql<Row>(text: string, values: unknown[] = [], app = t.app): Promise<Row[]> {
  return (await app.pg.query(text, values)).rows as Row[];
}

async function send(events: object[], remoteAddress: string, app = t.app): Promise<void> {
  const response = await app.inject({ method: 'POST', url: '/api/events', payload: events, remoteAddress });
  expect(response.statusCode).toBe(202);
}

/** Rolls up now and reads the trending list as the API serves it. */
async function trending(app = t.app): Promise<Trending[]> {
  await app.analytics.flush();
  await rollUpAnalytics(app.pg, new Date());
  await app.outbox.drainNow();
  return (await app.inject('/api/trending/models?limit=50')).json().data as Trending[];
}

/** Live models with a variant that no curated comparison mentions, least popular first: nobody's favourites. */
async function nicheModels(count: number, app = t.app) {
  return sql<{ slug: string; name: string; variant: string }>(
    `SELECT m.slug, m.name, (SELECT v.slug FROM variants v WHERE v.model_id = m.id AND v.deleted_at IS NULL ORDER BY v.id LIMIT 1) AS variant
       FROM models m
      WHERE m.deleted_at IS NULL AND m.variant_count > 0
        AND NOT EXISTS (SELECT 1 FROM popular_comparison_models cm WHERE cm.model_id = m.id)
      ORDER BY m.popularity, m.id LIMIT $1`,
    [count],
    app,
  );
}

const session = () => `s${randomBytes(6).toString('hex')}`;

describe('trending by distinct visitors', () => {
  it('moves a model by one visitor for 1,000 lead-form opens from one client with a new session id each, and to the top for many visitors', async () => {
    const [niche, rival] = await nicheModels(2);
    // Six visitors look at the rival once each.
    for (let n = 1; n <= 6; n += 1) await send([{ type: 'page_view', model: rival!.slug, sessionId: session() }], `192.0.2.${n}`);
    // One client, 1,000 lead-form opens for the niche model (the most heavily weighted event), a fresh session id on each.
    for (let batch = 0; batch < 20; batch += 1) {
      await send(Array.from({ length: 50 }, () => ({ type: 'lead_form_open', model: niche!.slug, sessionId: session() })), '203.0.113.66');
    }
    const rigged = await trending();
    const nicheRow = rigged.find((row) => row.slug === niche!.slug);
    const rivalRow = rigged.find((row) => row.slug === rival!.slug);
    expect(nicheRow).toMatchObject({ visitors: 1, score: 5 });
    expect(rivalRow).toMatchObject({ visitors: 6, score: 6 });
    expect(rivalRow!.rank).toBeLessThan(nicheRow!.rank);

    // Ten other visitors asking about it is real interest: the niche model goes to the top.
    for (let n = 1; n <= 10; n += 1) await send([{ type: 'lead_form_open', variant: niche!.variant }], `198.51.100.${100 + n}`);
    const earned = await trending();
    expect(earned[0]).toMatchObject({ slug: niche!.slug, rank: 1, visitors: 11, score: 55 });

    // The home page says what the ranking counts.
    const home = await t.app.inject('/');
    expect(home.body).toContain('By distinct visitors this week, weighted by interest');
    const section = home.body.slice(home.body.indexOf('id="trending"'), home.body.indexOf('id="comparisons"'));
    expect(section.indexOf(niche!.name)).toBeGreaterThan(-1);
    expect(section.indexOf(niche!.name)).toBeLessThan(section.indexOf(rival!.name));
  });

  it('counts an IPv6 client rotating addresses inside its /64 as one visitor', async () => {
    const [, , model] = await nicheModels(3);
    for (let n = 1; n <= 40; n += 1) await send([{ type: 'page_view', model: model!.slug }], `2001:db8:66:1::${n.toString(16)}`);
    const row = (await trending()).find((r) => r.slug === model!.slug);
    expect(row).toMatchObject({ visitors: 1, score: 1 });
  });

  it('does not let one client make a set of models a popular comparison', async () => {
    const [, , , x, y] = await nicheModels(5);
    for (let batch = 0; batch < 4; batch += 1) {
      await send(Array.from({ length: 50 }, () => ({ type: 'compare', variants: [x!.variant, y!.variant], sessionId: session() })), '203.0.113.77');
    }
    await trending();
    const computed = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM popular_comparisons pc
        WHERE pc.source = 'analytics'
          AND (SELECT array_agg(cm.model_id ORDER BY cm.model_id) FROM popular_comparison_models cm WHERE cm.comparison_id = pc.id)
              = (SELECT array_agg(id ORDER BY id) FROM models WHERE slug = ANY($1::text[]))`,
      [[x!.slug, y!.slug]],
    );
    expect(computed[0]!.n).toBe(0);
  });

  it('gives a client the same visitor key on every instance, and another client another', async () => {
    const other = await buildTestApp({ database: t.database });
    try {
      const tag = session();
      await send([{ type: 'page_view', sessionId: tag }], '203.0.113.90');
      await send([{ type: 'page_view', sessionId: tag }], '203.0.113.90', other.app);
      await send([{ type: 'page_view', sessionId: tag }], '203.0.113.91', other.app);
      await t.app.analytics.flush();
      await other.app.analytics.flush();
      const keys = await sql<{ visitor: string }>(
        `SELECT split_part(session_id, '.', 1) AS visitor FROM analytics_events WHERE split_part(session_id, '.', 2) = $1 ORDER BY id`,
        [tag],
      );
      expect(keys).toHaveLength(3);
      expect(keys[0]!.visitor).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(keys[1]!.visitor).toBe(keys[0]!.visitor);
      expect(keys[2]!.visitor).not.toBe(keys[0]!.visitor);
    } finally {
      await other.close();
    }
  });
});

describe('the roll-up over stored events', () => {
  it('counts a visitor once per model and day (strongest interest), again on another day, and replaces rows of the former hourly counts', async () => {
    const own = await buildTestApp();
    try {
      const [model] = await nicheModels(1, own.app);
      const id = (await sql<{ id: number }>('SELECT id FROM models WHERE slug = $1', [model!.slug], own.app))[0]!.id;
      const day = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - 3));
      const at = (hours: number) => new Date(day.getTime() + hours * 3_600_000);
      const events: [string, string | null, Date][] = [
        // Visitor A on day D: a lead-form open, views and another open later that day: one visitor, weight 5.
        ['lead_form_open', 'visitorA.s1', at(9)],
        ['page_view', 'visitorA.s2', at(15)],
        ['lead_form_open', 'visitorA', at(15)],
        // Visitor A the day before: another visitor-day, a view.
        ['page_view', 'visitorA.s1', at(-12)],
        // Visitor C compares it (a compare event names its models in model_ids): one comparing visitor.
        ['compare', 'visitorC.s1', at(14)],
        ['compare', 'visitorC.s1', at(14.5)],
        // Visitor B with two session ids: one visitor.
        ['page_view', 'visitorB.s1', at(11)],
        ['page_view', 'visitorB.s9', at(11.5)],
        // Rows from before visitor keys: the client's session id alone, or none (each event then counts).
        ['page_view', 'old-session', at(12)],
        ['page_view', 'old-session', at(12.5)],
        ['page_view', null, at(10)],
        ['page_view', null, at(10)],
      ];
      for (const [type, sessionId, createdAt] of events) {
        const compare = type === 'compare';
        await own.app.pg.query('INSERT INTO analytics_events (type, model_id, model_ids, session_id, created_at) VALUES ($1, $2, $3, $4, $5)', [
          type,
          compare ? null : id,
          compare ? [id] : null,
          sessionId,
          createdAt,
        ]);
      }
      // What the former roll-up left: a row per hour counting events.
      await own.app.pg.query('INSERT INTO analytics_model_hourly (hour, model_id, page_views, compares, lead_form_opens) VALUES ($1, $2, 1000, 0, 1000)', [at(13), id]);

      const now = at(20);
      await rollUpAnalytics(own.app.pg, now);
      const rows = await sql<{ hour: Date; pageViews: number; compares: number; leadFormOpens: number }>(
        'SELECT hour, page_views AS "pageViews", compares, lead_form_opens AS "leadFormOpens" FROM analytics_model_hourly WHERE model_id = $1 ORDER BY hour',
        [id],
        own.app,
      );
      expect(rows).toEqual([
        { hour: at(-24), pageViews: 1, compares: 0, leadFormOpens: 0 },
        { hour: day, pageViews: 1 + 1 + 2, compares: 1, leadFormOpens: 1 },
      ]);
      const [score] = await sql<{ score: number; visitors: number }>(
        'SELECT score, page_views + compares + lead_form_opens AS visitors FROM trending_models WHERE model_id = $1',
        [id],
        own.app,
      );
      expect(score).toEqual({ score: 1 + 4 + 3 + 5, visitors: 7 });
      // Idempotent.
      expect(await rollUpAnalytics(own.app.pg, now)).toMatchObject({ trendingChanged: false, tags: [] });
    } finally {
      await own.close();
    }
  });
});

describe('what the API says it counts', () => {
  it('describes the ranking in the OpenAPI document', async () => {
    const doc = (await t.app.inject('/api/docs/json')).json();
    const operation = doc.paths['/api/trending/models'].get;
    expect(operation.summary).toBe('Trending models, by distinct visitors this week');
    expect(operation.description).toMatch(/one client sending many events moves a model by one visitor at most/);
  });
});
