/**
 * What a stranger can make the cache do: each client has a budget of loads (`misses`: cache misses that
 * reach the database or a render, pages and API together; hits are free), and answers a CDN may share
 * carry no per-client rate-limit counters (429s keep theirs, and are never stored).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitConfig, RateLimitRule } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { buildTestApp, createTestDatabase, uniqueRedisPrefix, type TestApp, type TestDatabase } from '../helpers.js';

const redisUrl = process.env.TEST_REDIS_URL;
const ROOMY: RateLimitRule = { points: 1_000, durationS: 60 };
const MISSES = 3;

function limits(overrides: Partial<RateLimitConfig>): RateLimitConfig {
  const base = loadConfig({}).rateLimits;
  const roomy = Object.fromEntries(Object.entries(base).map(([tier, rule]) => [tier, typeof rule === 'object' && 'points' in rule ? ROOMY : rule]));
  return { ...(roomy as unknown as RateLimitConfig), enabled: true, allowlist: [], ...overrides };
}

let database: TestDatabase;
const opened: TestApp[] = [];
async function appWith(rateLimits: RateLimitConfig): Promise<TestApp> {
  const t = await buildTestApp({ database, config: { rateLimits, redisPrefix: uniqueRedisPrefix(), ...(redisUrl ? { redisUrl } : {}) } });
  opened.push(t);
  return t;
}
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const t of opened) await t.close();
  await database.drop();
});

const get = (t: TestApp, url: string, remoteAddress: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, remoteAddress, headers });
const loads = (t: TestApp) => t.app.cache.stats().total.miss;

describe('the misses budget', () => {
  it('lets a client start MISSES loads, then answers 429 with Retry-After without loading; its hits stay free', async () => {
    const t = await appWith(limits({ misses: { points: MISSES, durationS: 60 } }));
    const ip = '198.51.100.10';
    const urls = Array.from({ length: MISSES }, (_, i) => `/api/models?priceMax=${2_000_000 + i}`);
    for (const url of urls) {
      const response = await get(t, url, ip);
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-cache']).toBe('MISS');
    }
    const before = loads(t);
    const refused = await get(t, '/api/models?priceMax=2999999', ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.json().error.message).toContain('misses');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(refused.headers['ratelimit-limit']).toBe(String(MISSES));
    expect(loads(t)).toBe(before);
    // Hits never count.
    for (let round = 0; round < 5; round += 1) {
      for (const url of urls) expect((await get(t, url, ip)).headers['x-cache']).toBe('HIT');
    }
    // Pages spend the same budget: an uncached page is refused too (the HTML 429 page), a cached one is served.
    const page = await get(t, '/cars?priceMax=2999999', ip);
    expect(page.statusCode).toBe(429);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    // Another client has its own budget, and the answers it loads are then hits for everyone.
    const other = '198.51.100.11';
    expect((await get(t, '/api/models?priceMax=2999999', other)).headers['x-cache']).toBe('MISS');
    expect((await get(t, '/cars?priceMax=2999999', other)).statusCode).toBe(200);
    expect((await get(t, '/api/models?priceMax=2999999', ip)).headers['x-cache']).toBe('HIT');
    expect((await get(t, '/cars?priceMax=2999999', ip)).statusCode).toBe(200);
  });

  it('charges a render with a flash message like any other load', async () => {
    const t = await appWith(limits({ misses: { points: MISSES, durationS: 60 } }));
    const ip = '198.51.100.20';
    const post = await t.app.inject({
      method: 'POST',
      url: '/newsletter',
      remoteAddress: ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: 'not-an-address', back: '/brands' }).toString(),
    });
    const cookie = String(post.headers['set-cookie']).split(';')[0]!;
    const statuses: number[] = [];
    for (let n = 0; n <= MISSES; n += 1) statuses.push((await get(t, '/brands', ip, { cookie })).statusCode);
    expect(statuses).toEqual([...Array.from({ length: MISSES }, () => 200), 429]);
  });
});

describe('shared-cacheable answers', () => {
  it('carry no per-client RateLimit-* headers (MISS, HIT, 304), while the public budget still counts and its 429 says so', async () => {
    const t = await appWith(limits({ public: { points: 4, durationS: 60 } }));
    const ip = '198.51.100.30';
    const miss = await get(t, '/api/brands', ip);
    const hit = await get(t, '/api/brands', ip);
    const notModified = await get(t, '/api/brands', ip, { 'if-none-match': String(miss.headers.etag) });
    expect([miss.headers['x-cache'], hit.headers['x-cache'], notModified.statusCode]).toEqual(['MISS', 'HIT', 304]);
    for (const response of [miss, hit, notModified]) {
      expect(response.headers['cache-control']).toMatch(/^public, /);
      for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']) expect(response.headers[name]).toBeUndefined();
    }
    const page = await get(t, '/brands', ip);
    expect(page.statusCode).toBe(200);
    expect(page.headers['ratelimit-remaining']).toBeUndefined();
    expect((await get(t, '/api/brands', ip)).statusCode).toBe(200);
    const refused = await get(t, '/api/brands', ip);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(refused.headers['ratelimit-limit']).toBe('4');
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
  });
});
