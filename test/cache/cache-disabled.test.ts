/**
 * CACHE_ENABLED=false: every cached route loads on every request and nothing is stored, while answers keep
 * their Cache-Control, ETag and 304, and /api/monitoring/cache says the cache is off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  const base = loadConfig({ CACHE_ENABLED: 'false' });
  t = await buildTestApp({ config: { cache: { ...base.cache, warmupTimeoutMs: 0 } } });
});
afterAll(() => t.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

describe('CACHE_ENABLED=false', () => {
  it('is read from the environment, on by default', () => {
    expect(loadConfig({}).cache.enabled).toBe(true);
    expect(loadConfig({ CACHE_ENABLED: 'false' }).cache.enabled).toBe(false);
    expect(() => loadConfig({ CACHE_ENABLED: 'sometimes' })).toThrow(/CACHE_ENABLED/);
  });

  it('loads every request from the database, so a write shows without any invalidation', async () => {
    const url = '/api/variants/hyundai-creta-e';
    const first = await get(url);
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBe('BYPASS');
    await t.app.pg.query(`UPDATE variants SET price_inr = price_inr + 1000 WHERE slug = 'hyundai-creta-e'`);
    const second = await get(url);
    expect(second.headers['x-cache']).toBe('BYPASS');
    expect(second.json().data.priceInr).toBe(first.json().data.priceInr + 1000);
    expect(second.headers.etag).not.toBe(first.headers.etag);
  });

  it('keeps Cache-Control, the ETag and 304, uncompressed', async () => {
    const url = '/api/models?limit=50';
    const first = await get(url, { 'accept-encoding': 'br, gzip' });
    expect(first.headers['cache-control']).toMatch(/^public, max-age=\d+/);
    expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(first.headers['content-encoding']).toBeUndefined();
    const again = await get(url, { 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.headers.etag).toBe(first.headers.etag);
    const page = await get('/cars/hyundai-creta');
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-cache']).toBe('BYPASS');
    expect((await get('/api/models?zzz=1')).statusCode).toBe(400);
  });

  it('stores nothing, and says so on /api/monitoring/cache', async () => {
    for (let i = 0; i < 3; i += 1) await get('/api/brands');
    const report = (await get('/api/monitoring/cache')).json();
    expect(report.enabled).toBe(false);
    expect(report.memory).toEqual({ entries: 0, bytes: 0 });
    expect(report.compressionsPending).toBe(0);
    expect(report.routes['brands.list'].miss).toBeGreaterThanOrEqual(3);
    expect(report.total.memory + report.total.l1 + report.total.l2).toBe(0);
  });
});
