/**
 * What one search may cost: short words match whole words only (a one-letter prefix matched most of the
 * catalogue), pages end where the ranked results end, a statement that runs out of time is a 503 with
 * Retry-After (never a 500), and the pages' searches share the API's cache entries. The cost bound on a
 * 200,000-variant catalogue is checked in test/db/query-plans.test.ts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSearchTerms } from '../../src/catalogue/search/service.js';
import { loadConfig } from '../../src/config.js';
import { buildTestApp, type TestApp } from '../helpers.js';
import { resultCount } from '../../src/web/pages/cars.js';

/** Short enough that a statement waiting on a lock runs out quickly, long enough for every ordinary one. */
const STATEMENT_TIMEOUT_MS = 400;

let t: TestApp;
beforeAll(async () => {
  const base = loadConfig({ LOG_LEVEL: 'silent' });
  t = await buildTestApp({ config: { pool: { ...base.pool, statementTimeoutMs: STATEMENT_TIMEOUT_MS } } });
});
afterAll(() => t.close());

async function get(url: string) {
  const response = await t.app.inject({ method: 'GET', url });
  return { status: response.statusCode, headers: response.headers, body: response.body, json: () => response.json() };
}
const words = (title: string) => title.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

describe('search terms', () => {
  it('matches words of 3 or more characters as prefixes, shorter ones as whole words only', () => {
    expect(toSearchTerms('s')).toEqual({ tsquery: 's', text: 's', typos: false });
    expect(toSearchTerms('MG')).toEqual({ tsquery: 'mg', text: 'mg', typos: false });
    expect(toSearchTerms('cre')).toEqual({ tsquery: 'cre:*', text: 'cre', typos: true });
    expect(toSearchTerms('Creta s')).toEqual({ tsquery: 'creta:* & s', text: 'creta s', typos: true });
  });
});

describe('GET /api/search: short words', () => {
  it('finds a one-letter word only where it is a whole word, never as the start of another', async () => {
    const { status, json } = await get('/api/search?q=s&limit=100');
    expect(status).toBe(200);
    const { data } = json();
    expect(data.length).toBeGreaterThan(0); // the S-Class, S-Presso, trims called "S"
    for (const hit of data as { title: string; subtitle: string }[]) expect([...words(hit.title), ...words(hit.subtitle)]).toContain('s');
  });

  it('still finds a two-letter brand by its name', async () => {
    const { json } = await get('/api/search?q=mg&mode=autocomplete');
    expect(json().data[0]).toMatchObject({ type: 'brand', slug: 'mg' });
  });

  it('reports whether the total is exact', async () => {
    const { json } = await get('/api/search?q=hyundai');
    expect(json().pagination).toMatchObject({ totalIsLowerBound: false });
    expect(json().pagination.total).toBeGreaterThan(10);
  });

  it('refuses a page past the 1,000 results a search reaches, saying so', async () => {
    const deep = await get('/api/search?q=hyundai&page=51&limit=20');
    expect(deep.status).toBe(400);
    expect(deep.json().error.message).toMatch(/search results stop at 1000/);
    expect((await get('/api/search?q=hyundai&page=50&limit=20')).status).toBe(200);
    expect((await get('/search?q=hyundai&page=51')).status).toBe(400);
  });
});

describe('a search that runs out of time', () => {
  it('is a 503 with Retry-After, on the API and on the search page, and is not cached', async () => {
    const holder = new pg.Client({ connectionString: t.database.url });
    await holder.connect();
    try {
      // A table locked by another session: the search waits for it until the statement timeout cancels it (57014).
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE variants IN ACCESS EXCLUSIVE MODE');
      const api = await get('/api/search?q=nexon');
      expect(api.status).toBe(503);
      expect(api.headers['retry-after']).toBe('5');
      expect(api.json().error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/try again/) });
      const page = await get('/search?q=sonet');
      expect(page.status).toBe(503);
      expect(page.headers['retry-after']).toBe('5');
      // Any page whose own query times out says the same (the pages' error handler maps 57014 like the API's).
      await holder.query('LOCK TABLE models IN ACCESS EXCLUSIVE MODE');
      const model = await get('/cars/tata-punch');
      expect(model.status).toBe(503);
      expect(model.headers['retry-after']).toBe('5');
      // A list is answered from the read model, in memory: no statement to wait on.
      expect((await get('/cars?priceMax=1234567')).status).toBe(200);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    const after = await get('/api/search?q=nexon');
    expect(after.status).toBe(200);
    expect(after.headers['x-cache']).toBe('MISS');
  });
});

describe('pages search through the API cache', () => {
  it('/search says "1,000+ results" when the search stopped counting', () => {
    const pagination = { page: 1, limit: 20, total: 1000, pages: 50, hasNext: true, hasPrev: false, nextCursor: null };
    expect(resultCount({ ...pagination, totalIsLowerBound: true })).toBe('1,000+ results');
    expect(resultCount({ ...pagination, totalIsLowerBound: false })).toBe('1000 results');
    expect(resultCount({ ...pagination, total: 1 })).toBe('1 result');
  });

  it('/search fills the same entry as /api/search with the same words', async () => {
    expect((await get('/search?q=creta')).status).toBe(200);
    const api = await get('/api/search?q=creta&limit=20');
    expect(api.headers['x-cache']).toBe('HIT');
  });

  it('/compare?add= resolves through the cached variant search', async () => {
    const added = await get('/compare?add=seltos');
    expect(added.status).toBe(303);
    const api = await get('/api/search?q=seltos&type=variant&limit=1');
    expect(api.headers['x-cache']).toBe('HIT');
    expect(added.headers.location).toBe(`/compare?variants=${api.json().data[0].slug}`);
  });
});
