/**
 * Redis dies under load and comes back. A real `gadizone serve` keeps its response cache (L2), rate-limit
 * counters and queue in a private redis-server, which is killed while ~24 clients read the catalogue and
 * send leads. Nothing may fail: no 5xx, no reset; the limits keep applying (the in-memory insurance
 * enforces a budget on its own while Redis is gone) and the counters are in Redis again once it returns.
 * Every lead acknowledged with 201 must be in the database.
 */
import { Agent } from 'node:http';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, inject, uniqueRedisPrefix, type TestDatabase } from '../helpers.js';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server.js';
import { report, send, serverErrors, startLoad, startServer, unanswered, until, type Answer, type Call, type Server } from './load.js';

const CONCURRENCY = 24;
/** The public budget per client: the flood probe spends it; the load, one request per client, never does. */
const FLOOD_BUDGET = 20;
/** Answers each phase (Redis up, down, back) must see before moving on. */
const PER_PHASE = 150;
const PATHS = ['/api/brands', '/api/models?bodyType=suv', '/api/models/hyundai-creta', '/api/variants?fuel=diesel&sort=price'];
const LEAD_EVERY = 8;

type Phase = 'up' | 'down' | 'back';

describe.runIf(inject('engine') === 'embedded')('Redis stopped during load', () => {
  let database: TestDatabase;
  let redis: PrivateRedis;
  let server: Server;
  let probe: Redis;
  const prefix = uniqueRedisPrefix();

  beforeAll(async () => {
    [database, redis] = await Promise.all([createTestDatabase(), startPrivateRedis()]);
    probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
    probe.on('error', () => undefined);
    server = await startServer(database.url, {
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_ALLOWLIST: '',
      RATE_LIMIT_PUBLIC: `${FLOOD_BUDGET}/1m`,
      RATE_LIMIT_LEADS: '1000/1h',
      TRUST_PROXY: '127.0.0.1',
    });
  }, 120_000);

  afterAll(async () => {
    probe?.disconnect();
    await server?.stop();
    await redis?.stop();
    await database?.drop();
  }, 30_000);

  it('answers every request, keeps enforcing limits in memory, and uses Redis again once it returns', async () => {
    let phase: Phase = 'up';
    const answeredIn: Record<Phase, number> = { up: 0, down: 0, back: 0 };
    const acknowledged: number[] = [];
    // One client address per request, so the load itself never meets its budget.
    const client = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const next = (n: number): Call =>
      n % LEAD_EVERY === 0
        ? { method: 'POST', path: '/api/leads', headers: { 'x-forwarded-for': client(n) }, body: { name: 'Chaos Redis', phone: `9${String(n).padStart(9, '0')}`, city: 'Pune', model: 'hyundai-creta', intent: 'test-drive' } }
        : { path: PATHS[n % PATHS.length]!, headers: { 'x-forwarded-for': client(n) } };
    const observe = (_call: Call, answer: Answer) => {
      if ('error' in answer) return;
      answeredIn[phase] += 1;
      if (answer.status === 201) acknowledged.push((JSON.parse(answer.body) as { data: { id: number } }).data.id);
    };
    const agent = new Agent({ keepAlive: false });
    const flood = async (address: string) => {
      const statuses: number[] = [];
      for (let i = 0; i <= FLOOD_BUDGET; i += 1) {
        const answer = await send(agent, server.port, { path: '/api/brands', headers: { 'x-forwarded-for': address } });
        statuses.push('status' in answer ? answer.status : 0);
      }
      return statuses;
    };
    const budgetThenRefused = [...Array<number>(FLOOD_BUDGET).fill(200), 429];

    const load = startLoad(server.port, CONCURRENCY, next, observe);
    try {
      await until(() => answeredIn.up >= PER_PHASE, 20_000, () => `only ${answeredIn.up} answers with Redis up`);
      await probe.connect();
      expect(await flood('198.51.100.1')).toEqual(budgetThenRefused);
      expect(Number(await probe.get(`${prefix}:rl:public:198.51.100.1`)), 'counted in Redis').toBeGreaterThanOrEqual(FLOOD_BUDGET);

      await redis.stop();
      phase = 'down';
      await until(() => answeredIn.down >= PER_PHASE, 20_000, () => `only ${answeredIn.down} answers with Redis down`);
      // The insurance limiter has never seen this client: a full budget of its own, then 429.
      expect(await flood('198.51.100.2')).toEqual(budgetThenRefused);

      await redis.start();
      phase = 'back';
      let address = 0;
      await until(
        async () => {
          address += 1;
          await send(agent, server.port, { path: '/api/brands', headers: { 'x-forwarded-for': `198.51.101.${address}` } });
          // The public tier reports its counts every RATE_LIMIT_SYNC_MS (100 ms by default).
          await new Promise((r) => setTimeout(r, 300));
          return (await probe.get(`${prefix}:rl:public:198.51.101.${address}`)) === '1';
        },
        20_000,
        () => 'the counters never went back to Redis',
      );
      await until(() => answeredIn.back >= PER_PHASE, 20_000, () => `only ${answeredIn.back} answers after Redis returned`);
    } finally {
      await load.stop();
    }

    const { stats } = load;
    const failed = unanswered(stats) + serverErrors(stats) + (stats.statuses[429] ?? 0);
    const client2 = new pg.Client({ connectionString: database.url });
    await client2.connect();
    const { rows } = await client2.query<{ n: number }>('SELECT count(*)::int AS n FROM leads WHERE id = ANY($1)', [acknowledged]);
    await client2.end();
    const lost = acknowledged.length - rows[0]!.n;
    report('Redis stopped during load', { sent: stats.sent, failed, lost }, `answers with Redis up/down/back ${answeredIn.up}/${answeredIn.down}/${answeredIn.back}, leads acknowledged ${acknowledged.length}, statuses ${JSON.stringify(stats.statuses)}`);

    expect(stats.errors, 'requests without an answer').toEqual({});
    expect(stats.statuses, server.output(1_500)).toEqual({ 200: expect.any(Number), 201: expect.any(Number) });
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(lost).toBe(0);
    expect(failed).toBe(0);
  }, 90_000);
});
