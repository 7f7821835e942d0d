/**
 * Redis Cluster smoke test: three masters on private loopback ports (redis-server --cluster-enabled, joined by
 * redis-cli --cluster create; no TEST_REDIS_URL needed) and two app instances configured with
 * REDIS_CLUSTER_NODES. The shared tier, the invalidation bus, one limiter budget, a BullMQ job (on its
 * hash-tagged prefix, so its scripts stay in one slot) and the readiness check all work on it.
 */
import { spawnSync } from 'node:child_process';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variantChanged } from '../../src/catalogue/cache-tags.js';
import { loadConfig, type Config } from '../../src/config.js';
import { buildTestApp, createTestDatabase, uniqueRedisPrefix, type TestApp, type TestDatabase } from '../helpers.js';
import { startRedisCluster, type ClusterTopology } from '../setup/redis-topologies.js';

const hasRedisCluster = spawnSync('redis-server', ['--version']).status === 0 && spawnSync('redis-cli', ['--version']).status === 0;
const ROOMY = { points: 100_000, durationS: 60 };
const LEAD_BUDGET = 3;

async function priceOf(t: TestApp, slug: string): Promise<number> {
  const response = await t.app.inject({ method: 'GET', url: `/api/variants/${slug}` });
  expect(response.statusCode).toBe(200);
  return response.json().data.priceInr;
}

describe.skipIf(!hasRedisCluster)('on a Redis Cluster', () => {
  let cluster: ClusterTopology;
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  const prefix = uniqueRedisPrefix();

  beforeAll(async () => {
    [cluster, database] = await Promise.all([startRedisCluster(3), createTestDatabase()]);
    const { redisCluster } = loadConfig({ REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',') });
    const base = loadConfig({}).rateLimits;
    const config: Partial<Config> = {
      redisUrl: null,
      redisCluster,
      redisPrefix: prefix,
      overloadMaxEventLoopDelayMs: 0,
      rateLimits: { ...base, enabled: true, public: ROOMY, newsletter: ROOMY, leads: { points: LEAD_BUDGET, durationS: 3_600 } },
    };
    a = await buildTestApp({ database, config });
    b = await buildTestApp({ database, config });
  }, 40_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cluster?.stop();
    await database?.drop();
  });

  it('is ready, shares the cache tier and invalidations between instances', async () => {
    expect((await a.app.inject({ method: 'GET', url: '/api/monitoring/ready' })).statusCode).toBe(200);
    const url = '/api/models?bodyType=suv&sort=price';
    expect((await a.app.inject({ method: 'GET', url })).headers['x-cache']).toBe('MISS');
    expect((await b.app.inject({ method: 'GET', url })).headers['x-cache']).toBe('HIT');
    expect(b.app.cache.stats().routes['models.list']?.l2).toBe(1);

    const slug = 'kia-sonet-htk';
    const before = await priceOf(b, slug);
    await a.app.pg.query('UPDATE variants SET price_inr = price_inr + 321 WHERE slug = $1', [slug]);
    await a.app.cache.invalidate(variantChanged(slug, 'kia-sonet', 'kia'));
    await expect.poll(() => priceOf(b, slug), { timeout: 2_000, interval: 5 }).toBe(before + 321);
  });

  it('shares one limiter budget and runs a queued job', async () => {
    const lead = { name: 'Asha Verma', phone: '+91 98765 43210', city: 'Pune', model: 'hyundai-creta', intent: 'test-drive' };
    const statuses: number[] = [];
    for (let n = 0; n < LEAD_BUDGET * 2; n += 1) {
      statuses.push((await (n % 2 === 0 ? a : b).app.inject({ method: 'POST', url: '/api/leads', payload: lead, remoteAddress: '198.51.100.88' })).statusCode);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(LEAD_BUDGET);
    expect(statuses.filter((s) => s === 429)).toHaveLength(LEAD_BUDGET);

    const email = `cluster-${prefix}@example.test`;
    expect((await a.app.inject({ method: 'POST', url: '/api/newsletter', payload: { email } })).statusCode).toBe(202);
    await expect.poll(() => [...a.mailer.sent, ...b.mailer.sent].some((m) => m.to === email), { timeout: 15_000, interval: 100 }).toBe(true);
    expect(a.app.jobs.bullmq?.prefix).toBe(`{${prefix}:bull}`);
    const probe = new Cluster(cluster.nodes.map((n) => ({ ...n })));
    try {
      expect(await probe.exists(`{${prefix}:bull}:jobs:meta`)).toBe(1);
    } finally {
      probe.disconnect();
    }
  });
});
