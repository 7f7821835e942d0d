/**
 * Analytics events against a real database: ingest (202, validation, batching into few INSERTs, flush on
 * close, survival of a database outage), monthly partitions and retention, and the roll-up (trending
 * models, popular comparisons, cache invalidation through the outbox).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintainEventPartitions, partitionName } from '../../src/analytics/partitions.js';
import { rollUpAnalytics } from '../../src/analytics/roll-up.js';
import { buildTestApp, inject, type TestApp } from '../helpers.js';
import { adminQuery } from '../setup/template.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const session = () => `s${randomBytes(6).toString('hex')}`;

async function post(payload: unknown, app = t.app, remoteAddress = '127.0.0.1') {
  const response = await app.inject({ method: 'POST', url: '/api/events', payload: payload as object, remoteAddress });
  return { status: response.statusCode, body: response.json() };
}

async function sql<Row>(text: string, values: unknown[] = []): Promise<Row[]> {
  return (await t.app.pg.query(text, values)).rows as Row[];
}

/** session_id holds `<visitor key>.<the client's session id>` (rows inserted here by hand: the session id alone). */
const OF_SESSION = `(session_id = $1 OR split_part(session_id, '.', 2) = $1)`;
const countSession = async (sessionId: string) =>
  (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM analytics_events WHERE ${OF_SESSION}`, [sessionId]))[0]!.n;

describe('POST /api/events', () => {
  it('answers 202 for one event and for a batch', async () => {
    const sessionId = session();
    const one = await post({ type: 'page_view', path: '/cars/hyundai-creta?utm=x#top', model: 'hyundai-creta', sessionId });
    expect(one).toEqual({ status: 202, body: { data: { accepted: 1, dropped: 0 } } });
    const batch = await post([
      { type: 'page_view', path: '/', sessionId },
      { type: 'lead_form_open', model: 'kia-seltos', sessionId },
      { type: 'compare', variants: ['no-such-variant-a', 'no-such-variant-b'], sessionId },
    ]);
    expect(batch).toEqual({ status: 202, body: { data: { accepted: 3, dropped: 0 } } });

    await t.app.analytics.flush();
    const rows = await sql<{ type: string; path: string | null; modelId: number | null; session: string }>(
      `SELECT type, path, model_id AS "modelId", session_id AS session FROM analytics_events WHERE ${OF_SESSION} ORDER BY id`,
      [sessionId],
    );
    expect(rows.map((r) => r.type)).toEqual(['page_view', 'page_view', 'lead_form_open', 'compare']);
    // The server's visitor key, then the client's session id.
    expect(rows[0]!.session).toMatch(new RegExp(`^[A-Za-z0-9_-]{22}\\.${sessionId}$`));
    expect(rows[0]!.path).toBe('/cars/hyundai-creta');
    expect(rows[0]!.modelId).toEqual(expect.any(Number));
    expect(rows[3]!.modelId).toBeNull();
  });

  it('refuses an unknown type, a batch over 50, a malformed slug and a compare without variants', async () => {
    const unknownType = await post({ type: 'click' });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.error.message).toMatch(/type must be one of page_view, compare, lead_form_open/);

    const tooMany = await post(Array.from({ length: 51 }, () => ({ type: 'page_view' })));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/more than 50 items/);

    const badSlug = await post([{ type: 'page_view' }, { type: 'page_view', model: 'Hyundai Creta' }]);
    expect(badSlug.status).toBe(400);
    expect(badSlug.body.error.details).toEqual([expect.objectContaining({ field: '1.model' })]);

    const compare = await post({ type: 'compare', variants: ['only-one'] });
    expect(compare.status).toBe(400);
    expect((await post({ type: 'compare' })).body.error.message).toMatch(/variants is required for compare events/);
    expect((await post({ type: 'page_view', referrer: 'x' })).body.error.code).toBe('UNKNOWN_PARAMETER');
  });

  it('writes 2,000 events from 40 concurrent requests in a handful of INSERTs', async () => {
    const sessionId = session();
    await t.app.analytics.flush();
    const before = t.app.analytics.stats().writes;
    const batch = Array.from({ length: 50 }, (_, i) => ({ type: 'page_view', path: `/p/${i}`, sessionId }));
    const answers = await Promise.all(Array.from({ length: 40 }, () => post(batch)));
    expect(answers.every((a) => a.status === 202 && a.body.data.accepted === 50)).toBe(true);
    await t.app.analytics.flush();

    expect(await countSession(sessionId)).toBe(2_000);
    const writes = t.app.analytics.stats().writes - before;
    expect(writes).toBeGreaterThanOrEqual(4);
    expect(writes).toBeLessThanOrEqual(6);
    // The database's own view: every INSERT is a transaction, and its rows share its xmin.
    const [inserts] = await sql<{ statements: number }>(
      `SELECT count(DISTINCT xmin::text)::int AS statements FROM analytics_events WHERE ${OF_SESSION}`,
      [sessionId],
    );
    expect(inserts!.statements).toBeLessThanOrEqual(writes);

    const metrics = (await t.app.inject('/api/monitoring/metrics')).body;
    expect(metrics).toMatch(/events_received_total\{[^}]*type="page_view"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/events_flush_duration_seconds_count\{[^}]*outcome="ok"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/events_buffered\{[^}]*\} 0/);
  });

  it('writes pending events when the app closes', async () => {
    const other = await buildTestApp({ database: t.database });
    const sessionId = session();
    await post(Array.from({ length: 30 }, () => ({ type: 'page_view', sessionId })), other.app);
    expect(other.app.analytics.stats().buffered).toBe(30);
    await other.close();
    expect(await countSession(sessionId)).toBe(30);
  });

  it('keeps events while the database is down and writes them once it is back', async () => {
    const adminUrl = inject('adminUrl');
    const name = t.database.name;
    const sessionId = session();
    try {
      await adminQuery(adminUrl, `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await adminQuery(adminUrl, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
      const answer = await post(Array.from({ length: 20 }, () => ({ type: 'lead_form_open', sessionId })));
      expect(answer.status).toBe(202);
      const failedBefore = t.app.analytics.stats().failedWrites;
      await t.app.analytics.flush();
      expect(t.app.analytics.stats().failedWrites).toBeGreaterThan(failedBefore);
      expect(t.app.analytics.stats().buffered).toBe(20);
    } finally {
      await adminQuery(adminUrl, `ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    }
    // The interval writes them once the breaker lets connections through again (at most ~5 s).
    const deadline = Date.now() + 15_000;
    while (t.app.analytics.stats().buffered > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(t.app.analytics.stats().buffered).toBe(0);
    expect(await countSession(sessionId)).toBe(20);
  });
});

describe('partitions', () => {
  const monthsFrom = (at: Date, months: number) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 15, 12));

  it('stores events in the partition of their UTC month', async () => {
    const sessionId = session();
    await post({ type: 'page_view', sessionId });
    await t.app.analytics.flush();
    const rows = await sql<{ partition: string; createdAt: Date }>(
      `SELECT tableoid::regclass::text AS partition, created_at AS "createdAt" FROM analytics_events WHERE ${OF_SESSION}`,
      [sessionId],
    );
    expect(rows[0]!.partition).toBe(partitionName(rows[0]!.createdAt));
  });

  it('drops a month once all of it is past retention, keeps the current one, and moves early events out of DEFAULT', async () => {
    const now = new Date();
    const old = monthsFrom(now, -5);
    expect((await maintainEventPartitions(t.app.pg, old)).created).toContain(partitionName(old));
    await sql(`INSERT INTO analytics_events (type, session_id, created_at) VALUES ('page_view', 'old-month', $1)`, [old]);
    expect((await sql<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM analytics_events WHERE session_id = 'old-month'`))[0]!.p).toBe(partitionName(old));

    const changes = await maintainEventPartitions(t.app.pg, now, 90);
    expect(changes.dropped).toContain(partitionName(old));
    expect(changes.dropped).not.toContain(partitionName(now));
    const partitions = (await sql<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'analytics_events'::regclass`,
    )).map((r) => r.name);
    expect(partitions).toEqual(expect.arrayContaining([partitionName(now), partitionName(monthsFrom(now, 1)), partitionName(monthsFrom(now, 2)), 'analytics_events_default']));
    expect(partitions).not.toContain(partitionName(old));
    expect(await countSession('old-month')).toBe(0);
    // Idempotent.
    expect(await maintainEventPartitions(t.app.pg, now, 90)).toEqual({ created: [], dropped: [], purgedDefault: false });

    // An event for a month without a partition waits in DEFAULT until its month is created.
    const later = monthsFrom(now, 4);
    await sql(`INSERT INTO analytics_events (type, session_id, created_at) VALUES ('page_view', 'later-month', $1)`, [later]);
    const where = `SELECT tableoid::regclass::text AS p FROM analytics_events WHERE session_id = 'later-month'`;
    expect((await sql<{ p: string }>(where))[0]!.p).toBe('analytics_events_default');
    await maintainEventPartitions(t.app.pg, monthsFrom(now, 3), 400);
    expect((await sql<{ p: string }>(where))[0]!.p).toBe(partitionName(later));
  });
});

describe('roll-up', () => {
  /** Two live models with variants that no curated comparison mentions, least popular first. */
  async function quietModels() {
    return sql<{ slug: string; variant: string }>(
      `SELECT m.slug, (SELECT v.slug FROM variants v WHERE v.model_id = m.id AND v.deleted_at IS NULL ORDER BY v.id LIMIT 1) AS variant
         FROM models m
        WHERE m.deleted_at IS NULL AND m.variant_count > 0
          AND NOT EXISTS (SELECT 1 FROM popular_comparison_models cm WHERE cm.model_id = m.id)
        ORDER BY m.popularity, m.id LIMIT 2`,
    );
  }

  it('makes the model with the most (interested) visitors trending, and invalidates the cached list', async () => {
    const [a, b] = await quietModels();
    const first = await t.app.inject('/api/trending/models');
    expect(first.statusCode).toBe(200);
    expect((await t.app.inject('/api/trending/models')).headers['x-cache']).toBe('HIT');

    // 20 visitors view a, 4 of whom also open its lead form; 10 visitors view b.
    for (let n = 0; n < 20; n += 1) {
      await post([{ type: 'page_view', model: a!.slug }, ...(n < 4 ? [{ type: 'lead_form_open', variant: a!.variant }] : [])], t.app, `198.51.100.${n + 1}`);
    }
    for (let n = 0; n < 10; n += 1) await post({ type: 'page_view', variant: b!.variant }, t.app, `198.51.101.${n + 1}`);
    await t.app.analytics.flush();
    const result = await rollUpAnalytics(t.app.pg, new Date());
    expect(result).toMatchObject({ skipped: false, trendingChanged: true });
    expect(result.tags).toContain('list:trending');
    await t.app.outbox.drainNow();

    const after = await t.app.inject('/api/trending/models');
    expect(after.headers['x-cache']).toBe('MISS');
    const data = after.json().data as { slug: string; rank: number; score: number; visitors: number }[];
    expect(data[0]).toMatchObject({ slug: a!.slug, rank: 1, score: 16 * 1 + 4 * 5, visitors: 20 });
    expect(data[1]).toMatchObject({ slug: b!.slug, rank: 2, score: 10, visitors: 10 });

    // Idempotent: nothing changed, nothing invalidated.
    expect(await rollUpAnalytics(t.app.pg, new Date())).toMatchObject({ trendingChanged: false, comparisonsChanged: false, tags: [] });
  });

  it('adds the most compared set to popular comparisons, after the curated ones, without touching those', async () => {
    const [a, b] = await quietModels();
    const curatedBefore = await sql<{ id: number; slug: string; title: string; position: number; version: number }>(
      `SELECT id, slug, title, position, version FROM popular_comparisons WHERE source = 'editor' ORDER BY id`,
    );
    const cached = await t.app.inject('/api/comparisons/popular?limit=100');
    expect(cached.json().data).toHaveLength(curatedBefore.length);
    const creta = (await sql<{ slug: string }>(`SELECT slug FROM variants WHERE model_id = (SELECT id FROM models WHERE slug = 'hyundai-creta') LIMIT 1`))[0]!;
    const seltos = (await sql<{ slug: string }>(`SELECT slug FROM variants WHERE model_id = (SELECT id FROM models WHERE slug = 'kia-seltos') LIMIT 1`))[0]!;

    // Six visitors compare a and b; nine compare an already curated set (creta vs seltos): counted, but never a second row.
    for (let n = 0; n < 6; n += 1) await post({ type: 'compare', variants: [a!.variant, b!.variant] }, t.app, `198.51.102.${n + 1}`);
    for (let n = 0; n < 9; n += 1) await post({ type: 'compare', variants: [seltos.slug, creta.slug] }, t.app, `198.51.103.${n + 1}`);
    await t.app.analytics.flush();
    const result = await rollUpAnalytics(t.app.pg, new Date());
    expect(result).toMatchObject({ comparisonsChanged: true });
    await t.app.outbox.drainNow();

    const listed = await t.app.inject('/api/comparisons/popular?limit=100');
    expect(listed.headers['x-cache']).toBe('MISS');
    const data = listed.json().data as { slug: string; models: { slug: string }[] }[];
    expect(data).toHaveLength(curatedBefore.length + 1);
    expect(data.at(-1)!.models.map((m) => m.slug).sort()).toEqual([a!.slug, b!.slug].sort());
    expect(await sql(`SELECT id, slug, title, position, version FROM popular_comparisons WHERE source = 'editor' ORDER BY id`)).toEqual(curatedBefore);
    const [computed] = await sql<{ id: number; score: number }>(`SELECT id, score FROM popular_comparisons WHERE source = 'analytics'`);
    expect(computed!.score).toBe(6);

    // An editor's change takes the row over: the roll-up leaves it alone from then on.
    await sql(`UPDATE popular_comparisons SET title = 'Edited by hand', version = version + 1 WHERE id = $1`, [computed!.id]);
    await rollUpAnalytics(t.app.pg, new Date());
    expect(await sql(`SELECT source, title FROM popular_comparisons WHERE id = $1`, [computed!.id])).toEqual([{ source: 'editor', title: 'Edited by hand' }]);
    expect(await sql(`SELECT id FROM popular_comparisons WHERE source = 'analytics'`)).toEqual([]);
  });
});
