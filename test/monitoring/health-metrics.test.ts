/** Health endpoints and Prometheus metrics against a real database (and a private Redis that we stop). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestId } from '../../src/platform/request-id.js';
import { buildTestApp, type TestApp } from '../helpers.js';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server.js';

/** The value of the sample `name` whose labels include `labels` (in any order); undefined if none. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return undefined;
}

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe('health', () => {
  it('live answers while the process runs', async () => {
    const response = await t.app.inject('/api/monitoring/live');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'up', pid: process.pid });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('ready and health report the database, schema and outbox with latencies', async () => {
    const ready = await t.app.inject('/api/monitoring/ready');
    expect(ready.statusCode).toBe(200);
    const health = (await t.app.inject('/api/monitoring/health')).json();
    expect(health.status).toBe('up');
    expect(Object.keys(health.components).sort()).toEqual(['database', 'migrations', 'outbox']);
    expect(health.components.database).toMatchObject({ status: 'up' });
    expect(health.components.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(health.components.migrations.detail).toBe('current');
  });

  it('ready turns 503 when shutdown begins', async () => {
    const other = await buildTestApp({ database: t.database });
    try {
      other.app.lifecycle.shuttingDown = true;
      const response = await other.app.inject('/api/monitoring/ready');
      expect(response.statusCode).toBe(503);
      expect(response.json().status).toBe('shutting-down');
    } finally {
      await other.close();
    }
  });

  it('ready turns 503 when a migration is missing, naming the fix', async () => {
    const other = await buildTestApp();
    try {
      await other.app.pg.query('DELETE FROM drizzle.__drizzle_migrations WHERE id = (SELECT max(id) FROM drizzle.__drizzle_migrations)');
      const response = await other.app.inject('/api/monitoring/ready');
      expect(response.statusCode).toBe(503);
      expect(response.json().components.migrations).toMatchObject({ status: 'down', detail: expect.stringContaining('gadizone migrate') });
    } finally {
      await other.close();
    }
  });

  it('ready turns 503 when the database is unreachable, and health says which component', async () => {
    const other = await buildTestApp({ database: t.database, config: { databaseUrl: t.database.url.replace(/:(\d+)\//, ':1/') } });
    try {
      const response = await other.app.inject('/api/monitoring/health');
      expect(response.statusCode).toBe(503);
      const body = response.json();
      expect(body.components.database.status).toBe('down');
      expect(JSON.stringify(body)).not.toMatch(/password|postgres:\/\//);
    } finally {
      await other.close();
    }
  });
});

describe('health with Redis', () => {
  let redis: PrivateRedis;
  let r: TestApp;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    r = await buildTestApp({ database: t.database, config: { redisUrl: redis.url } });
  });
  afterAll(async () => {
    await r.close();
    await redis.stop();
  });

  it('reports Redis, and ready turns 503 while it is down, 200 once back', async () => {
    // The health connection was opened with the app; give it a moment to connect.
    await expect.poll(async () => (await r.app.inject('/api/monitoring/ready')).json().components.redis.status, { timeout: 5_000, interval: 200 }).toBe('up');
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const down = await r.app.inject('/api/monitoring/ready');
    expect(down.statusCode).toBe(503);
    expect(down.json().components.redis.status).toBe('down');
    // The catalogue itself keeps answering from the database and memory.
    expect((await r.app.inject('/api/brands')).statusCode).toBe(200);
    await redis.start();
    await expect.poll(async () => (await r.app.inject('/api/monitoring/ready')).statusCode, { timeout: 10_000, interval: 250 }).toBe(200);
  });
});

describe('metrics', () => {
  it('exposes request latency by route and status, pool, cache, queue and process metrics', async () => {
    await t.app.inject('/api/brands');
    await t.app.inject('/api/brands');
    await t.app.inject('/api/models/no-such-model');
    await t.app.inject('/api/definitely/not/a/route');
    const response = await t.app.inject('/api/monitoring/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/brands', status: '200' })).toBe(2);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/models/:slug', status: '404' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', { route: 'unmatched', status: '404' })).toBe(1);
    expect(text).not.toContain('definitely');
    expect(sample(text, 'db_query_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(0);
    expect(sample(text, 'db_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(sample(text, 'cache_answers', { tier: 'miss' })).toBeGreaterThan(0);
    expect(sample(text, 'cache_answers', { tier: 'memory' })).toBeGreaterThan(0);
    expect(sample(text, 'cache_hit_ratio', {})).toBeGreaterThan(0);
    expect(sample(text, 'queue_depth', {})).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds', {})).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'nodejs_eventloop_utilization_ratio', {})).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes', {})).toBeGreaterThan(0);
    expect(text).toContain('rate_limit_rejections_total');
  });

  it('counts rate-limit rejections by route', async () => {
    const limited = await buildTestApp({
      database: t.database,
      config: { rateLimits: { ...t.app.config.rateLimits, enabled: true, public: { points: 1, durationS: 60 } } },
    });
    try {
      await limited.app.inject('/api/brands');
      expect((await limited.app.inject('/api/brands')).statusCode).toBe(429);
      const text = (await limited.app.inject('/api/monitoring/metrics')).body;
      expect(sample(text, 'rate_limit_rejections_total', { route: '/api/brands' })).toBe(1);
      // Monitoring is never limited.
      expect((await limited.app.inject('/api/monitoring/ready')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

});

describe('request ids', () => {
  it('keeps a well-formed X-Request-Id and replaces a missing or hostile one with a UUID', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(requestId({ headers: { 'x-request-id': 'lb-7f3a.42:1' } })).toBe('lb-7f3a.42:1');
    expect(requestId({ headers: {} })).toMatch(uuid);
    for (const hostile of ['x'.repeat(129), 'a\nforged log line', '<script>', '', 'a b']) {
      expect(requestId({ headers: { 'x-request-id': hostile } })).toMatch(uuid);
    }
    expect(requestId({ headers: {} })).not.toBe(requestId({ headers: {} }));
  });
});
