/**
 * Rate limits, end to end through the app: the tiers (public, auth, modify, bulk, leads, newsletter) with
 * small configured budgets, the RateLimit-* and Retry-After headers, keys (client IP under TRUST_PROXY,
 * user when signed in), the allowlist and the exempt routes. With TEST_REDIS_URL (CI) the counters live in
 * Redis, and two instances must share one budget exactly; a private redis-server that dies mid-test shows
 * the in-memory insurance taking over.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config, RateLimitConfig, RateLimitRule } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { warmUp } from '../../src/platform/cache/warm-up.js';
import { signedIn } from '../admin/helpers.js';
import { buildTestApp, createTestDatabase, uniqueRedisPrefix, type TestApp, type TestDatabase } from '../helpers.js';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server.js';

const redisUrl = process.env.TEST_REDIS_URL;
const PUBLIC_URL = '/api/brands';
const ROOMY: RateLimitRule = { points: 1_000, durationS: 60 };

/** Every tier on, roomy budgets, except those given. */
function limits(overrides: Partial<RateLimitConfig>): RateLimitConfig {
  const base = loadConfig({}).rateLimits;
  return { ...base, enabled: true, auth: ROOMY, public: ROOMY, modify: ROOMY, bulk: ROOMY, newsletter: ROOMY, newsletterIp: ROOMY, leads: ROOMY, leadsPhone: ROOMY, events: ROOMY, ...overrides };
}

/** Redis counters under a key prefix of this test's own when TEST_REDIS_URL is set; in-process counters otherwise. */
function store(): Partial<Config> {
  return redisUrl ? { redisUrl, redisPrefix: uniqueRedisPrefix() } : { redisPrefix: uniqueRedisPrefix() };
}

let database: TestDatabase;
const opened: TestApp[] = [];

async function appWith(config: Partial<Config>, db = database): Promise<TestApp> {
  const app = await buildTestApp({ database: db, config });
  opened.push(app);
  return app;
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const app of opened) await app.close();
  await database.drop();
});

const get = (t: TestApp, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1', url = PUBLIC_URL) =>
  t.app.inject({ method: 'GET', url, headers, remoteAddress });

describe('the app calling itself', () => {
  it('does not spend the public budget of 127.0.0.1 on the cache warm-up, and a forged marker counts', async () => {
    const t = await appWith({ ...store(), rateLimits: limits({ public: { points: 3, durationS: 60 } }) });
    const result = await warmUp(t.app, 10_000);
    expect(result.requested).toBeGreaterThan(3);
    expect(result.failed).toBe(0);
    // Three points left after the warm-up: two plain requests and a forged marker spend them.
    expect((await get(t)).statusCode).toBe(200);
    expect((await get(t, { 'x-gadizone-internal': 'guess' })).statusCode).toBe(200);
    expect((await get(t)).statusCode).toBe(200);
    expect((await get(t)).statusCode).toBe(429);
  });
});

describe('the public tier', () => {
  it('lets the budget through, then answers 429 with Retry-After and RateLimit-* headers', async () => {
    const t = await appWith({ ...store(), rateLimits: limits({ public: { points: 5, durationS: 60 } }) });
    for (let n = 1; n <= 5; n += 1) {
      const response = await get(t);
      expect(response.statusCode).toBe(200);
      // A shared cache would hand one client's counters to everyone: public answers carry none.
      expect(response.headers['cache-control']).toMatch(/^public, /);
      expect(response.headers['ratelimit-limit']).toBeUndefined();
      expect(response.headers['ratelimit-remaining']).toBeUndefined();
      expect(response.headers['retry-after']).toBeUndefined();
    }
    const refused = await get(t);
    expect(refused.statusCode).toBe(429);
    const retryAfter = refused.headers['retry-after'];
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit-limit']).toBe('5');
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['ratelimit-reset'])).toBeGreaterThan(0);
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(refused.json().error).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/try again in \d+ s/) });
    // Every public route shares the budget; a refused request is not served.
    expect((await get(t, {}, '127.0.0.1', '/api/models?limit=1')).statusCode).toBe(429);
  });

  it('keys by client IP: another address has its own budget', async () => {
    const t = await appWith({ ...store(), rateLimits: limits({ public: { points: 2, durationS: 60 } }) });
    for (let n = 0; n < 2; n += 1) expect((await get(t, {}, '198.51.100.1')).statusCode).toBe(200);
    expect((await get(t, {}, '198.51.100.1')).statusCode).toBe(429);
    expect((await get(t, {}, '198.51.100.2')).statusCode).toBe(200);
    expect((await get(t, {}, '2001:db8::2')).statusCode).toBe(200);
  });

  it('ignores X-Forwarded-For when no proxy is trusted, so spoofing it does not reset the budget', async () => {
    const t = await appWith({ ...store(), trustProxy: false, rateLimits: limits({ public: { points: 2, durationS: 60 } }) });
    for (let n = 0; n < 2; n += 1) expect((await get(t, { 'x-forwarded-for': `203.0.113.${n + 1}` })).statusCode).toBe(200);
    expect((await get(t, { 'x-forwarded-for': '203.0.113.99' })).statusCode).toBe(429);
    expect((await get(t)).statusCode).toBe(429);
  });

  it('takes the client from X-Forwarded-For only when the request comes from the trusted proxy', async () => {
    const t = await appWith({ ...store(), trustProxy: '127.0.0.1', rateLimits: limits({ public: { points: 2, durationS: 60 } }) });
    const viaProxy = (client: string) => get(t, { 'x-forwarded-for': client }, '127.0.0.1');
    expect((await viaProxy('203.0.113.10')).statusCode).toBe(200);
    expect((await viaProxy('203.0.113.10')).statusCode).toBe(200);
    expect((await viaProxy('203.0.113.10')).statusCode).toBe(429);
    // Another client behind the same proxy has its own budget, and so has the proxy itself.
    expect((await viaProxy('203.0.113.11')).statusCode).toBe(200);
    expect((await get(t, {}, '127.0.0.1')).statusCode).toBe(200);
    // From an address that is not the proxy, the header is the client's own claim and is ignored.
    const direct = (client: string) => get(t, { 'x-forwarded-for': client }, '198.51.100.77');
    expect((await direct('203.0.113.20')).statusCode).toBe(200);
    expect((await direct('203.0.113.21')).statusCode).toBe(200);
    expect((await direct('203.0.113.22')).statusCode).toBe(429);
  });

  it('never limits an allowlisted address or range', async () => {
    const t = await appWith({ ...store(), rateLimits: { ...limits({ public: { points: 1, durationS: 60 } }), allowlist: ['10.1.2.3', '192.0.2.0/24', '2001:db8:1::/48'] } });
    for (const address of ['10.1.2.3', '192.0.2.200', '2001:db8:1::5', '::ffff:10.1.2.3']) {
      for (let n = 0; n < 4; n += 1) {
        const response = await get(t, {}, address);
        expect(response.statusCode).toBe(200);
        expect(response.headers['ratelimit-limit']).toBeUndefined();
      }
    }
    expect((await get(t, {}, '10.1.2.4')).statusCode).toBe(200);
    expect((await get(t, {}, '10.1.2.4')).statusCode).toBe(429);
  });

  it('does not count monitoring or the docs', async () => {
    const t = await appWith({ ...store(), rateLimits: limits({ public: { points: 1, durationS: 60 } }) });
    expect((await get(t)).statusCode).toBe(200);
    expect((await get(t)).statusCode).toBe(429);
    for (const url of ['/api/monitoring/cache', '/api/docs/json', '/api/docs']) {
      for (let n = 0; n < 3; n += 1) {
        const response = await get(t, {}, '127.0.0.1', url);
        expect(response.statusCode, url).toBe(200);
        expect(response.headers['ratelimit-limit'], url).toBeUndefined();
      }
    }
  });
});

describe('the other tiers', () => {
  const lead = { name: 'Asha Verma', phone: '+91 98765 43210', city: 'Pune', model: 'hyundai-creta', intent: 'test-drive' };

  it('limits leads per client IP', async () => {
    const t = await appWith({ ...store(), rateLimits: limits({ leads: { points: 10, durationS: 3_600 } }) });
    const post = (remoteAddress: string) => t.app.inject({ method: 'POST', url: '/api/leads', payload: lead, remoteAddress });
    for (let n = 0; n < 10; n += 1) expect((await post('198.51.100.30')).statusCode).toBe(201);
    const refused = await post('198.51.100.30');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
    expect((await post('198.51.100.31')).statusCode).toBe(201);
  });

  it('limits newsletter sign-ups per email address, whatever its case', async () => {
    const t = await appWith({ ...store(), rateLimits: limits({ newsletter: { points: 1, durationS: 3_600 } }) });
    const subscribe = (email: string, remoteAddress = '127.0.0.1') => t.app.inject({ method: 'POST', url: '/api/newsletter', payload: { email }, remoteAddress });
    const email = `reader-${uniqueRedisPrefix()}@example.test`;
    expect((await subscribe(email)).statusCode).toBe(202);
    const again = await subscribe(email.toUpperCase(), '198.51.100.40');
    expect(again.statusCode).toBe(429);
    expect(again.json().error.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(3_000);
    expect((await subscribe(`other-${email}`)).statusCode).toBe(202);
    // The confirmation mail is a job: it runs after the answer (in-process, or on BullMQ with Redis).
    await expect.poll(() => t.mailer.sent.length, { timeout: 20_000 }).toBe(2);
  });

  it('limits login attempts per client IP (auth tier), right or wrong', async () => {
    const t = await appWith({ ...store(), rateLimits: limits({ auth: { points: 5, durationS: 900 } }) });
    const login = (remoteAddress: string) =>
      t.app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress, payload: { email: `nobody-${uniqueRedisPrefix()}@example.test`, password: 'not-the-password' } });
    for (let n = 0; n < 5; n += 1) expect((await login('198.51.100.50')).statusCode).toBe(401);
    const refused = await login('198.51.100.50');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.headers['ratelimit-limit']).toBe('5');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
    expect((await login('198.51.100.51')).statusCode).toBe(401);
  });

  it('limits admin writes per user: two users on one address each have their own budget', async () => {
    const t = await appWith({ ...store(), rateLimits: limits({ modify: { points: 3, durationS: 60 } }) });
    const [editor, admin] = [await signedIn(t.app, 'editor'), await signedIn(t.app, 'admin')];
    // A delete of a row that does not exist: passes authorisation (and the limit), changes nothing.
    const write = (headers: Record<string, string>) => t.app.inject({ method: 'DELETE', url: '/api/admin/brands/2147483647?version=1', headers, remoteAddress: '127.0.0.1' });
    for (let n = 0; n < 3; n += 1) {
      const response = await write(editor.headers);
      expect(response.statusCode).toBe(404);
      expect(response.headers['ratelimit-remaining']).toBe(String(2 - n));
    }
    const refused = await write(editor.headers);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('TOO_MANY_REQUESTS');
    expect((await write(admin.headers)).statusCode).toBe(404);
    // Reads are not writes.
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/brands?limit=1', headers: editor.headers })).statusCode).toBe(200);
  });

  it('limits bulk imports per user', async () => {
    const t = await appWith({ ...store(), rateLimits: limits({ bulk: { points: 2, durationS: 3_600 } }) });
    const [first, second] = [await signedIn(t.app, 'editor'), await signedIn(t.app, 'editor')];
    // An empty dry run: counted, then refused as holding no rows (422), writing nothing.
    const dryRun = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/admin/import?entity=brands&dryRun=true', headers, payload: [] });
    for (let n = 0; n < 2; n += 1) expect((await dryRun(first.headers)).json().error.code).toBe('IMPORT_INVALID');
    const refused = await dryRun(first.headers);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['ratelimit-limit']).toBe('2');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
    expect(refused.json().error.code).toBe('TOO_MANY_REQUESTS');
    expect((await dryRun(second.headers)).json().error.code).toBe('IMPORT_INVALID');
  });

  it('counts nothing when rate limits are off', async () => {
    const t = await appWith({ ...store(), rateLimits: { ...limits({ public: { points: 1, durationS: 60 } }), enabled: false } });
    for (let n = 0; n < 3; n += 1) {
      const response = await get(t);
      expect(response.statusCode).toBe(200);
      expect(response.headers['ratelimit-limit']).toBeUndefined();
    }
  });
});

describe('rate-limit settings', () => {
  it('are configurable per tier and refuse a malformed allowlist or proxy setting by name', () => {
    const config = loadConfig({ RATE_LIMIT_NEWSLETTER: '2/30m', RATE_LIMIT_BULK: '3/1h', RATE_LIMIT_MODIFY: '7/10s', TRUST_PROXY: '10.0.0.1, 10.1.0.0/16, loopback' });
    expect(config.rateLimits).toMatchObject({ enabled: true, newsletter: { points: 2, durationS: 1_800 }, bulk: { points: 3, durationS: 3_600 }, modify: { points: 7, durationS: 10 } });
    expect(config.trustProxy).toBe('10.0.0.1, 10.1.0.0/16, loopback');
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(() => loadConfig({ RATE_LIMIT_ALLOWLIST: '10.0.0.1, monitoring.internal' })).toThrow(/RATE_LIMIT_ALLOWLIST: "monitoring.internal" is not an IP address/);
    expect(() => loadConfig({ RATE_LIMIT_ALLOWLIST: '10.0.0.0/33' })).toThrow(/RATE_LIMIT_ALLOWLIST: "10.0.0.0\/33"/);
    expect(() => loadConfig({ TRUST_PROXY: '1' })).toThrow(/TRUST_PROXY: "1" is not/);
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY: "yes" is not/);
  });
});

describe.skipIf(!redisUrl)('counters in Redis', () => {
  it('shares one exact budget between two instances when the public tier is not batched (RATE_LIMIT_SYNC_MS=0)', async () => {
    const BUDGET = 25;
    const REQUESTS = 40;
    const config = { redisUrl: redisUrl!, redisPrefix: uniqueRedisPrefix(), rateLimits: { ...limits({ public: { points: BUDGET, durationS: 60 } }), syncMs: 0 } };
    const a = await appWith(config);
    const b = await appWith(config);
    const responses = await Promise.all(Array.from({ length: REQUESTS }, (_, n) => get(n % 2 === 0 ? a : b)));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(BUDGET);
    expect(statuses.filter((s) => s === 429)).toHaveLength(REQUESTS - BUDGET);
  });

  it('shares one budget between instances in batches: at most a tenth of it over per other instance', async () => {
    const BUDGET = 60;
    const REQUESTS = 120;
    const prefix = uniqueRedisPrefix();
    const config = { redisUrl: redisUrl!, redisPrefix: prefix, rateLimits: limits({ public: { points: BUDGET, durationS: 60 } }) };
    const a = await appWith(config);
    const b = await appWith(config);
    // Bursts of concurrent requests spread over both instances, as a client behind a balancer sends them.
    const statuses: number[] = [];
    for (let burst = 0; burst < REQUESTS / 8; burst += 1) {
      const responses = await Promise.all(Array.from({ length: 8 }, (_, n) => get((burst + n) % 3 === 0 ? a : b, {}, '198.51.100.80')));
      statuses.push(...responses.map((r) => r.statusCode));
    }
    const passed = statuses.filter((s) => s === 200).length;
    expect(passed).toBeGreaterThanOrEqual(BUDGET);
    expect(passed).toBeLessThanOrEqual(BUDGET + BUDGET / 10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(REQUESTS - passed);
    // Every admitted request reaches Redis within RATE_LIMIT_SYNC_MS; a third instance that has not seen the client
    // admits at most its batch (a tenth) before asking Redis, then refuses.
    const counters = new Redis(redisUrl!);
    try {
      await expect.poll(async () => Number(await counters.get(`${prefix}:rl:public:198.51.100.80`)), { timeout: 2_000 }).toBeGreaterThanOrEqual(passed);
    } finally {
      counters.disconnect();
    }
    const c = await appWith(config);
    const third: number[] = [];
    for (let n = 0; n < BUDGET / 10 + 2; n += 1) third.push((await get(c, {}, '198.51.100.80')).statusCode);
    expect(third.filter((s) => s === 200).length).toBeLessThanOrEqual(BUDGET / 10);
    expect(third.slice(-2)).toEqual([429, 429]);
  });

  it('shares the login budget too: attempts on one instance count on the other', async () => {
    const config = { redisUrl: redisUrl!, redisPrefix: uniqueRedisPrefix(), rateLimits: limits({ auth: { points: 3, durationS: 900 } }) };
    const a = await appWith(config);
    const b = await appWith(config);
    const login = (t: TestApp) => t.app.inject({ method: 'POST', url: '/api/admin/auth/login', remoteAddress: '198.51.100.60', payload: { email: `x-${uniqueRedisPrefix()}@example.test`, password: 'wrong-password' } });
    expect((await login(a)).statusCode).toBe(401);
    expect((await login(b)).statusCode).toBe(401);
    expect((await login(a)).statusCode).toBe(401);
    expect((await login(b)).statusCode).toBe(429);
  });
});

describe.skipIf(!redisUrl)('a Redis outage under the limiter', () => {
  let redis: PrivateRedis;
  let probe: Redis;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 50 });
    probe.on('error', () => undefined);
  });
  afterAll(async () => {
    probe.disconnect();
    await redis.stop();
  });

  it('answers on, enforced per process by the in-memory insurance, and uses Redis again once it returns', async () => {
    const POINTS = 4;
    const prefix = uniqueRedisPrefix();
    const t = await appWith({ redisUrl: redis.url, redisPrefix: prefix, rateLimits: limits({ public: { points: POINTS, durationS: 60 } }) });
    const counterKey = (ip: string) => `${prefix}:rl:public:${ip}`;
    await probe.connect();

    // Redis up: two of the four points used, counted in Redis.
    expect((await get(t, {}, '198.51.100.70')).statusCode).toBe(200);
    expect((await get(t, {}, '198.51.100.70')).statusCode).toBe(200);
    expect(await probe.get(counterKey('198.51.100.70'))).toBe('2');

    // Redis gone: the insurance limiter, which has seen none of those requests, grants a full budget of its own.
    await redis.stop();
    const during = [];
    for (let n = 0; n < POINTS + 2; n += 1) during.push(await get(t, {}, '198.51.100.70'));
    expect(during.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 429, 429]);
    expect(during[POINTS]!.headers['ratelimit-remaining']).toBe('0');
    expect(Number(during[POINTS]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(during[POINTS]!.json().error.code).toBe('TOO_MANY_REQUESTS');

    // Redis back (empty, no persistence): once the connection is up again the counters are in Redis.
    await redis.start();
    const deadline = Date.now() + 15_000;
    let address = 0;
    let counted = false;
    while (!counted && Date.now() < deadline) {
      address += 1;
      const response = await get(t, {}, `198.51.101.${address}`);
      expect(response.statusCode).toBe(200);
      counted = (await probe.get(counterKey(`198.51.101.${address}`)).catch(() => null)) === '1';
      if (!counted) await new Promise((r) => setTimeout(r, 100));
    }
    expect(counted).toBe(true);
    const after = [];
    for (let n = 0; n < POINTS + 1; n += 1) after.push((await get(t, {}, '198.51.100.70')).statusCode);
    expect(after).toEqual([200, 200, 200, 200, 429]);
    expect(await probe.get(counterKey('198.51.100.70'))).toBe(String(POINTS + 1));
  }, 40_000);
});
