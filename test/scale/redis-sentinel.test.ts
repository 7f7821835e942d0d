/**
 * Redis behind Sentinel, failing over while two app instances serve: a master, a replica and a sentinel on
 * private loopback ports (redis-server, no TEST_REDIS_URL needed). Under a light stream of cached reads and
 * rate-limited writes that queue a job, `SENTINEL FAILOVER` promotes the replica; the apps must answer
 * throughout (no 5xx) and afterwards use the new master for everything: every connection reconnects to it,
 * the shared tier and the bus work there (an invalidation from one instance reaches the other), one limiter
 * budget is shared there, and jobs are queued and run there (none of the sign-ups' mails is lost).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variantChanged } from '../../src/catalogue/cache-tags.js';
import { loadConfig, type Config } from '../../src/config.js';
import { buildTestApp, createTestDatabase, uniqueRedisPrefix, type TestApp, type TestDatabase } from '../helpers.js';
import { redisCommand, startSentinelTopology, waitFor, type SentinelTopology } from '../setup/redis-topologies.js';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
const ROOMY = { points: 100_000, durationS: 60 };
const LEAD_BUDGET = 4;
/** Pause between two requests of the background stream (it alternates instances). */
const STREAM_GAP_MS = 15;
/** After the failover the connections must be on the new master within this long. */
const RECONNECT_BOUND_MS = 10_000;
const READS = ['/api/brands', '/api/models?bodyType=suv', '/api/models/kia-sonet', '/api/search?q=nexon', '/api/variants?fuel=electric'];
/** Our own connections, by CLIENT SETNAME (BullMQ renames the queue's, so jobs are checked by running one). */
const CONNECTION_NAMES = ['gadizone-cache', 'gadizone-bus-pub', 'gadizone-bus-sub', 'gadizone-user-bus-pub', 'gadizone-user-bus-sub', 'gadizone-rate-limit'];

/** Connection names on the server at `port`, counted. */
async function clientNames(port: number): Promise<Map<string, number>> {
  const list = String(await redisCommand(port, 'CLIENT', 'LIST'));
  const names = new Map<string, number>();
  for (const match of list.matchAll(/ name=(\S*)/g)) names.set(match[1]!, (names.get(match[1]!) ?? 0) + 1);
  return names;
}

async function priceOf(t: TestApp, slug: string): Promise<number> {
  const response = await t.app.inject({ method: 'GET', url: `/api/variants/${slug}` });
  expect(response.statusCode).toBe(200);
  return response.json().data.priceInr;
}

interface Stream {
  statuses: number[];
  signedUp: string[];
  stop(): Promise<void>;
}

/** Cached reads and newsletter sign-ups (rate-limited writes that queue a mail job), alternating instances. */
function startStream(apps: TestApp[]): Stream {
  const stream: Stream = { statuses: [], signedUp: [], stop: async () => undefined };
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n += 1) {
      const t = apps[n % apps.length]!;
      if (n % 4 === 3) {
        const email = `ha-${n}-${uniqueRedisPrefix()}@example.test`;
        const response = await t.app.inject({ method: 'POST', url: '/api/newsletter', payload: { email } });
        stream.statuses.push(response.statusCode);
        if (response.statusCode === 202) stream.signedUp.push(email);
      } else {
        stream.statuses.push((await t.app.inject({ method: 'GET', url: READS[n % READS.length]! })).statusCode);
      }
      await new Promise((r) => setTimeout(r, STREAM_GAP_MS));
    }
  })();
  stream.stop = async () => {
    running = false;
    await loop;
  };
  return stream;
}

describe.skipIf(!hasRedisServer)('Redis Sentinel failover under load', () => {
  let topology: SentinelTopology;
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    [topology, database] = await Promise.all([startSentinelTopology(1), createTestDatabase()]);
    // Through loadConfig, as an operator would set it.
    const { redisSentinel } = loadConfig({ REDIS_SENTINELS: topology.sentinels.map((s) => `${s.host}:${s.port}`).join(','), REDIS_SENTINEL_NAME: topology.masterName });
    const base = loadConfig({}).rateLimits;
    const config: Partial<Config> = {
      redisUrl: null,
      redisSentinel,
      redisPrefix: uniqueRedisPrefix(),
      overloadMaxEventLoopDelayMs: 0,
      rateLimits: { ...base, enabled: true, public: ROOMY, newsletter: ROOMY, newsletterIp: ROOMY, leadsPhone: ROOMY, events: ROOMY, leads: { points: LEAD_BUDGET, durationS: 3_600 } },
    };
    a = await buildTestApp({ database, config });
    b = await buildTestApp({ database, config });
  }, 40_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await topology?.stop();
    await database?.drop();
  });

  it('keeps answering through SENTINEL FAILOVER, then caches, invalidates, limits and queues on the new master', async () => {
    const first = await topology.masterPort();
    const names = await clientNames(first);
    for (const name of CONNECTION_NAMES) expect(names.get(name), name).toBe(2);

    const stream = startStream([a, b]);
    let failover: { from: number; to: number };
    let failoverMs = 0;
    let movedMs = 0;
    try {
      await new Promise((r) => setTimeout(r, 500));
      const started = performance.now();
      failover = await topology.failover();
      failoverMs = performance.now() - started;
      // Every connection of both instances moves to the promoted server by itself.
      await waitFor(
        'the connections on the new master',
        async () => {
          const moved = await clientNames(failover.to);
          return CONNECTION_NAMES.every((name) => moved.get(name) === 2) ? true : undefined;
        },
        RECONNECT_BOUND_MS,
      );
      movedMs = performance.now() - started;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await stream.stop();
    }
    const { from, to } = failover;
    expect(from).toBe(first);
    expect(to).not.toBe(from);
    console.info(`sentinel failover ${from} → ${to}: sentinels agreed after ${failoverMs.toFixed(0)} ms, connections moved after ${movedMs.toFixed(0)} ms; ${stream.statuses.length} requests during it`);
    expect(stream.statuses.length).toBeGreaterThan(20);
    expect(stream.statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(stream.statuses)).toEqual(new Set([200, 202]));

    // The bus: a write through A reaches B's memory tier (it was warm), via the new master.
    const slug = 'tata-nexon-smart-plus';
    const before = await priceOf(b, slug);
    await a.app.pg.query('UPDATE variants SET price_inr = price_inr + 777 WHERE slug = $1', [slug]);
    await a.app.cache.invalidate(variantChanged(slug, 'tata-nexon', 'tata'));
    await expect.poll(() => priceOf(b, slug), { timeout: 2_000, interval: 5 }).toBe(before + 777);

    // The shared tier: what A loads, B serves from Redis, and the entry is on the new master.
    const url = '/api/models?fuel=cng&sort=price';
    expect((await a.app.inject({ method: 'GET', url })).headers['x-cache']).toBe('MISS');
    expect((await b.app.inject({ method: 'GET', url })).headers['x-cache']).toBe('HIT');
    const [, cacheKeys] = (await redisCommand(to, 'SCAN', 0, 'MATCH', `${a.app.config.redisPrefix}:cache*`, 'COUNT', 10_000)) as [string, string[]];
    expect(cacheKeys.length).toBeGreaterThan(0);

    // The limiter: one budget for both instances, counted on the new master.
    const lead = { name: 'Asha Verma', phone: '+91 98765 43210', city: 'Pune', model: 'hyundai-creta', intent: 'test-drive' };
    const leads = [];
    for (let n = 0; n < LEAD_BUDGET * 2; n += 1) {
      leads.push((await (n % 2 === 0 ? a : b).app.inject({ method: 'POST', url: '/api/leads', payload: lead, remoteAddress: '198.51.100.77' })).statusCode);
    }
    expect(leads.filter((s) => s === 201)).toHaveLength(LEAD_BUDGET);
    expect(leads.filter((s) => s === 429)).toHaveLength(LEAD_BUDGET);
    const [, limiterKeys] = (await redisCommand(to, 'SCAN', 0, 'MATCH', `${a.app.config.redisPrefix}:rl:leads:*`, 'COUNT', 10_000)) as [string, string[]];
    expect(limiterKeys.length).toBe(1);

    // The queue: a sign-up after the failover is mailed, and so is every one accepted during it.
    const after = `after-${uniqueRedisPrefix()}@example.test`;
    expect((await b.app.inject({ method: 'POST', url: '/api/newsletter', payload: { email: after } })).statusCode).toBe(202);
    const mailed = () => new Set([...a.mailer.sent, ...b.mailer.sent].map((m) => m.to));
    await expect.poll(() => [after, ...stream.signedUp].filter((email) => !mailed().has(email)), { timeout: 20_000, interval: 100 }).toEqual([]);
    expect(Number(await redisCommand(to, 'EXISTS', `${a.app.config.redisPrefix}:bull:jobs:meta`))).toBe(1);
  }, 55_000);
});
