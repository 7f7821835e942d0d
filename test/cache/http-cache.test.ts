/**
 * The cached read path through one process: X-Cache, strong ETags and 304, precompressed bodies, key
 * normalisation, stampede protection, exact tag invalidation, cached 404s, and grace on a database outage.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { modelChanged, variantChanged } from '../../src/catalogue/cache-tags.js';
import { loadConfig } from '../../src/config.js';
import { buildTestApp, inject, type TestApp } from '../helpers.js';
import { adminQuery } from '../setup/template.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

describe('cached answers over HTTP', () => {
  let first: LightMyRequestResponse;
  const url = '/api/models?bodyType=sedan&sort=price';

  it('answers a first request from the database, the next from memory, with the same ETag', async () => {
    first = await get(url);
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(first.headers['cache-control']).toMatch(/^public, max-age=\d+, s-maxage=\d+, stale-while-revalidate=\d+/);
    // CORS's Origin is kept alongside the encoding.
    expect(first.headers.vary).toBe('Origin, accept-encoding');
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    const second = await get(url);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.body).toBe(first.body);
  });

  it('shares one entry between equivalent URLs (defaults and parameter order)', async () => {
    const same = await get('/api/models?sort=price&limit=20&page=1&bodyType=sedan');
    expect(same.headers['x-cache']).toBe('HIT');
    expect(same.body).toBe(first.body);
  });

  it('answers If-None-Match with 304 and no body, for any representation of the body', async () => {
    const etag = String(first.headers.etag);
    for (const ifNoneMatch of [etag, `W/${etag}`, etag.replace(/"$/, '-br"'), `"other", ${etag.replace(/"$/, '-gz"')}`, '*']) {
      const response = await get(url, { 'if-none-match': ifNoneMatch });
      expect(response.statusCode, ifNoneMatch).toBe(304);
      expect(response.body).toBe('');
      expect(response.headers.etag).toBe(etag);
      expect(response.headers['cache-control']).toBe(first.headers['cache-control']);
    }
    expect((await get(url, { 'if-none-match': '"somethingelse"' })).statusCode).toBe(200);
  });

  it('answers a miss with the identity body, compresses nothing for it, and serves the compressed forms made after its first hit', async () => {
    const missUrl = '/api/models?bodyType=suv&sort=price';
    await t.app.cache.compressionIdle();
    const miss = await get(missUrl, { 'accept-encoding': 'gzip, deflate, br' });
    expect(miss.headers['x-cache']).toBe('MISS');
    expect(miss.headers['content-encoding']).toBeUndefined();
    expect(miss.headers.vary).toBe('Origin, accept-encoding');
    // A key asked for once (a long tail, a flood) costs no compression at all.
    expect(t.app.cache.stats().compressionsPending).toBe(0);
    const firstHit = await get(missUrl, { 'accept-encoding': 'gzip, deflate, br' });
    expect({ cache: firstHit.headers['x-cache'], encoding: firstHit.headers['content-encoding'] }).toEqual({ cache: 'HIT', encoding: undefined });
    await t.app.cache.compressionIdle();
    const hit = await get(missUrl, { 'accept-encoding': 'gzip, deflate, br' });
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers['content-encoding']).toBe('br');
    expect(hit.headers.etag).toBe(String(miss.headers.etag).replace(/"$/, '-br"'));
    expect(brotliDecompressSync(hit.rawPayload).toString()).toBe(miss.body);
    expect((await get(missUrl, { 'if-none-match': String(miss.headers.etag) })).statusCode).toBe(304);
  });

  it('serves precompressed brotli and gzip that decompress to the same body, each with its own ETag', async () => {
    await t.app.cache.compressionIdle();
    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.etag).toBe(String(first.headers.etag).replace(/"$/, '-br"'));
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(first.body);
    const gz = await get(url, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(first.body);
    const refused = await get(url, { 'accept-encoding': 'br;q=0, gzip' });
    expect(refused.headers['content-encoding']).toBe('gzip');
    const identity = await get(url, { 'accept-encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body).toBe(first.body);
  });

  it('never caches errors publicly, and does not cache a 400 at all', async () => {
    const bad = await get('/api/models?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['cache-control']).toBe('no-store');
    expect(bad.json().error.code).toBe('INVALID_CURSOR');
    expect(bad.headers['x-cache']).toBeUndefined();
  });

  it('reports per-route and per-tier counts at /api/monitoring/cache', async () => {
    const report = await get('/api/monitoring/cache');
    expect(report.statusCode).toBe(200);
    expect(report.headers['cache-control']).toBe('no-store');
    const models = report.json().routes['models.list'];
    expect(models.miss).toBeGreaterThanOrEqual(1);
    expect(models.memory).toBeGreaterThanOrEqual(5);
    expect(models.notModified).toBeGreaterThanOrEqual(5);
    expect(models.hitRate).toBeGreaterThan(0.5);
    expect(report.json().memory.entries).toBeGreaterThan(0);
  });
});

describe('stampede protection', () => {
  it('turns 100 concurrent misses on one key into one load', async () => {
    const spy = vi.spyOn(t.app.catalogue.variants, 'list');
    try {
      const url = '/api/variants?fuel=diesel&transmission=automatic&sort=-price';
      const responses = await Promise.all(Array.from({ length: 100 }, () => get(url)));
      expect(new Set(responses.map((r) => r.statusCode))).toEqual(new Set([200]));
      expect(new Set(responses.map((r) => r.body)).size).toBe(1);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('tag invalidation', () => {
  it('drops exactly the answers a write affects', async () => {
    const creta = '/api/models/hyundai-creta';
    const seltos = '/api/models/kia-seltos';
    const variant = '/api/variants/hyundai-creta-e';
    for (const url of [creta, seltos, variant, '/api/models?brand=hyundai']) await get(url);
    for (const url of [creta, seltos, variant]) expect((await get(url)).headers['x-cache']).toBe('HIT');

    await t.app.pg.query(`UPDATE variants SET price_inr = price_inr + 1000 WHERE slug = 'hyundai-creta-e'`);
    await t.app.cache.invalidate(variantChanged('hyundai-creta-e', 'hyundai-creta', 'hyundai'));

    const after = await get(creta);
    expect(after.headers['x-cache']).toBe('MISS');
    expect(after.json().data.variants.find((v: { slug: string }) => v.slug === 'hyundai-creta-e').priceInr).toBe(
      (await get(variant)).json().data.priceInr,
    );
    expect((await get(variant)).headers['x-cache']).toBe('HIT');
    expect((await get('/api/models?brand=hyundai')).headers['x-cache']).toBe('MISS');
    expect((await get(seltos)).headers['x-cache']).toBe('HIT');
  });

  it('caches a 404 against its slug, and creating that slug invalidates it', async () => {
    const url = '/api/models/hyundai-kona-n';
    expect((await get(url)).headers['x-cache']).toBe('MISS');
    const again = await get(url);
    expect(again.statusCode).toBe(404);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.headers['cache-control']).toBe('no-store');
    expect(again.json().error.code).toBe('MODEL_NOT_FOUND');

    await t.app.pg.query(
      `INSERT INTO models (brand_id, slug, name, body_type, segment, launch_date, status, popularity, description, colours, features)
       SELECT id, 'hyundai-kona-n', 'Kona N', 'suv', 'C', '2026-01-01', 'upcoming', 10, 'Test model.', '[]', '{}' FROM brands WHERE slug = 'hyundai'`,
    );
    await t.app.cache.invalidate(modelChanged('hyundai-kona-n', 'hyundai'));
    const created = await get(url);
    expect(created.statusCode).toBe(200);
    expect(created.json().data.name).toBe('Kona N');
  });
});

describe('grace on a database outage', () => {
  it('serves an expired entry with X-Cache: STALE while the database is unreachable, fresh ones after', async () => {
    const base = loadConfig({});
    const short = await buildTestApp({ config: { cache: { ...base.cache, warmupTimeoutMs: 0, ttl: { ...base.cache.ttl, brandsS: 1 } } } });
    const adminUrl = inject('adminUrl');
    const name = short.database.name;
    try {
      const fresh = await short.app.inject({ method: 'GET', url: '/api/brands' });
      expect(fresh.headers['x-cache']).toBe('MISS');
      await new Promise((r) => setTimeout(r, 1_100));

      await adminQuery(adminUrl, `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await adminQuery(adminUrl, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);

      const stale = await short.app.inject({ method: 'GET', url: '/api/brands' });
      expect(stale.statusCode).toBe(200);
      expect(stale.headers['x-cache']).toBe('STALE');
      expect(stale.body).toBe(fresh.body);
      // Never cached before, so nothing to fall back on: a clear 5xx, not a hang.
      const uncached = await short.app.inject({ method: 'GET', url: '/api/brands/kia' });
      expect(uncached.statusCode).toBe(503);
      expect(uncached.json().error.code).toBe('DATABASE_UNAVAILABLE');
      expect(uncached.headers['retry-after']).toBe('5');
      expect(uncached.json().error.message).not.toMatch(/terminat|connection|accepting|gz_test/i);

      await adminQuery(adminUrl, `ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await new Promise((r) => setTimeout(r, 5_100));
      const recovered = await short.app.inject({ method: 'GET', url: '/api/brands' });
      expect(recovered.statusCode).toBe(200);
      expect(recovered.headers['x-cache']).toBe('MISS');
    } finally {
      await adminQuery(adminUrl, `ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await short.close();
    }
  });
});

describe('what other processes publish', () => {
  const url = '/api/models/hyundai-creta';
  const key = 'models.one/slug=hyundai-creta';
  const memoryHits = () => t.app.cache.stats().routes['models.one']?.memory ?? 0;
  /** True when the next request is answered from this process's final bytes. */
  const fromMemory = async () => {
    const before = memoryHits();
    expect((await get(url)).statusCode).toBe(200);
    return memoryHits() === before + 1;
  };

  it("keeps this process's entry when another process fills the key, and drops it when the key is deleted", async () => {
    await get(url);
    expect(await fromMemory()).toBe(true);
    // Another process filled the same key (its own miss): no data changed, so nothing is reloaded here.
    t.app.cache.onRemoteChange('set', [key]);
    expect(await fromMemory()).toBe(true);
    // Deleted elsewhere: dropped here too.
    t.app.cache.onRemoteChange('delete', [key]);
    expect(await fromMemory()).toBe(false);
    expect(await fromMemory()).toBe(true);
    // A tag invalidated elsewhere (its time recorded under bentocache's tag prefix): dropped as well.
    t.app.cache.onRemoteChange('set', [`___bc:t:${modelChanged('hyundai-creta', 'hyundai')[0]}`]);
    expect(await fromMemory()).toBe(false);
  });
});
