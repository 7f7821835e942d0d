/**
 * Cache keys name exactly one answer: built from the validated parameters only, path and query in separate
 * namespaces, every name and value percent-encoded (so `q=tata%26type%3Dvariant` cannot pose as
 * `q=tata&type=variant`), and a parameter the route does not declare can never make a new entry: 400 under
 * /api, ignored elsewhere. The last test walks every registered GET route. keyOf itself is unit-tested beside
 * it (src/platform/cache/cache-key.test.ts).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
/** Loads this process started (misses) and refills of its memory tier from the tiers below. */
const fills = () => {
  const { total } = t.app.cache.stats();
  return total.miss + total.l1 + total.l2 + total.stale;
};

describe('keys cannot be confused', () => {
  it('keeps an encoded `&` and `=` inside a value: a search for "tata&type=variant" does not poison `q=tata&type=variant`', async () => {
    const poison = await get('/api/search?q=tata%26type%3Dvariant');
    expect(poison.statusCode).toBe(200);
    const real = await get('/api/search?q=tata&type=variant');
    expect(real.statusCode).toBe(200);
    expect(real.headers['x-cache']).toBe('MISS');
    const hits = real.json().data as { type: string }[];
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((hit) => hit.type === 'variant')).toBe(true);
    expect(real.body).not.toBe(poison.body);
  });

  it('keeps path parameters apart from query parameters: /media/art/<a>.svg?file=<b>.svg is a’s picture', async () => {
    const { rows } = await t.app.pg.query<{ slug: string }>(
      `SELECT DISTINCT ON (m.body_type) m.slug FROM models m WHERE m.deleted_at IS NULL ORDER BY m.body_type, m.slug LIMIT 2`,
    );
    const [a, b] = rows.map((row) => row.slug) as [string, string];
    const bFirst = await get(`/media/art/${b}.svg?file=${a}.svg`);
    expect(bFirst.statusCode).toBe(200);
    const aAsked = await get(`/media/art/${a}.svg?file=${b}.svg`);
    expect(aAsked.statusCode).toBe(200);
    expect(aAsked.body).not.toBe(bFirst.body);
    const aPlain = await get(`/media/art/${a}.svg`);
    expect(aPlain.headers['x-cache']).toBe('HIT');
    expect(aPlain.body).toBe(aAsked.body);
  });
});

describe('equivalent spellings of a set', () => {
  it('share one entry: brand and fields lists in any order, with repeats, load once and answer alike', async () => {
    const first = await get('/api/models?brand=tata,hyundai&fields=slug,name,brand&limit=5');
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBe('MISS');
    const before = fills();
    for (const url of [
      '/api/models?brand=hyundai,tata&fields=name,slug,brand&limit=5',
      '/api/models?brand=tata,tata,hyundai&fields=brand,slug,name,slug&limit=5',
    ]) {
      const again = await get(url);
      expect(again.headers['x-cache'], url).toBe('HIT');
      expect(again.body, url).toBe(first.body);
    }
    expect(fills()).toBe(before);
    // The answer keeps the summary's own field order, whatever order the fields were asked in.
    expect(Object.keys(first.json().data[0])).toEqual(['slug', 'name', 'brand']);
    const brands = new Set((first.json().data as { brand: { slug: string } }[]).map((model) => model.brand.slug));
    expect([...brands].every((slug) => slug === 'tata' || slug === 'hyundai')).toBe(true);
  });

  it('share one entry on the /cars page too', async () => {
    const first = await get('/cars?brand=tata,hyundai');
    expect(first.statusCode).toBe(200);
    const before = fills();
    const again = await get('/cars?brand=hyundai,tata,hyundai');
    expect(again.statusCode).toBe(200);
    expect(fills()).toBe(before);
  });
});

describe('undeclared query parameters', () => {
  it.each(['/api/models/hyundai-creta', '/api/brands/hyundai', '/api/variants/hyundai-creta-e'])(
    '%s?anything=1 is a 400 naming the parameter, and makes no cache entry',
    async (url) => {
      expect((await get(url)).statusCode).toBe(200);
      const before = fills();
      const entries = t.app.cache.stats().memory.entries;
      for (const query of ['anything=1', 'anything=2', 'slug=other']) {
        const response = await get(`${url}?${query}`);
        expect(response.statusCode).toBe(400);
        expect(response.json().error.code).toBe('UNKNOWN_PARAMETER');
        expect(response.json().error.message).toContain(query.split('=')[0]);
        expect(response.headers['cache-control']).toBe('no-store');
      }
      expect(fills()).toBe(before);
      expect(t.app.cache.stats().memory.entries).toBeLessThanOrEqual(entries);
    },
  );

  it('are ignored by /media/art: one entry whatever the query string', async () => {
    const first = await get('/media/art/hyundai-creta.svg?v=1');
    const before = fills();
    for (const query of ['v=2', 'v=3', 'file=tata-nexon.svg', 'zzz=1&yyy=2']) {
      const response = await get(`/media/art/hyundai-creta.svg?${query}`);
      expect(response.headers['x-cache']).toBe('HIT');
      expect(response.body).toBe(first.body);
    }
    expect(fills()).toBe(before);
  });
});

/** Every GET route's path, from Fastify's own route table (printRoutes' tree: 4 characters per level). */
function getRoutes(app: FastifyInstance): string[] {
  const tree = app.printRoutes({ commonPrefix: false, method: 'GET' });
  const stack: string[] = [];
  const paths: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    if ((match[3] ?? '').split(', ').includes('GET')) paths.push(stack.join(''));
  }
  return paths;
}

describe('every cached GET route', () => {
  /** Cached routes that must be found (the walk covers any other route that answers with X-Cache too). */
  const KNOWN_CACHED = [
    '/api/brands', '/api/brands/:slug', '/api/models', '/api/models/:slug', '/api/variants', '/api/variants/:slug',
    '/api/compare', '/api/comparisons/popular', '/api/search', '/api/articles', '/api/articles/:slug', '/api/trending/models',
    '/', '/brands', '/brands/:slug', '/cars', '/cars/:slug', '/variants/:slug', '/compare', '/search', '/news', '/news/:slug',
    '/sitemap.xml', '/sitemaps/:file', '/media/art/:file',
  ];
  /** Query parameters a route requires, so that its probe reaches the cache. */
  const REQUIRED_QUERY: Record<string, string> = { '/api/compare': 'variants=hyundai-creta-e,tata-nexon-smart', '/api/search': 'q=creta' };

  it('answers ?zzz=1 without a new cache entry, and with a 400 under /api', async () => {
    const article = ((await get('/api/articles?limit=1')).json().data as { slug: string }[])[0]!.slug;
    const sample = (path: string, param: string): string => {
      if (/\/(brands)\/:/.test(path)) return 'hyundai';
      if (/\/(models|cars)\/:/.test(path)) return 'hyundai-creta';
      if (/\/variants\/:/.test(path)) return 'hyundai-creta-e';
      if (/\/(articles|news)\/:/.test(path)) return article;
      if (path === '/sitemaps/:file') return 'models-0.xml';
      if (path === '/media/art/:file') return 'hyundai-creta.svg';
      return param === '*' ? 'zz-walk' : 'x';
    };
    const cached: string[] = [];
    for (const path of getRoutes(t.app)) {
      const concrete = path.replace(/:(\w+)|\*/g, (whole, name: string | undefined) => sample(path, name ?? whole));
      const url = REQUIRED_QUERY[path] === undefined ? concrete : `${concrete}?${REQUIRED_QUERY[path]}`;
      const probe = await get(url, { 'accept-encoding': 'br, gzip' });
      if (probe.headers['x-cache'] === undefined) continue;
      cached.push(path);
      await get(url);
      const before = fills();
      const entries = t.app.cache.stats().memory.entries;
      for (const zzz of ['zzz=1', 'zzz=2']) {
        const response = await get(`${url}${url.includes('?') ? '&' : '?'}${zzz}`);
        expect(response.headers['x-cache'], `${url} ${zzz}`).not.toBe('MISS');
        if (path.startsWith('/api/')) {
          expect(response.statusCode, url).toBe(400);
          expect(response.json().error.code, url).toBe('UNKNOWN_PARAMETER');
        } else {
          expect(response.statusCode === 400 || response.statusCode === probe.statusCode, `${url} ${response.statusCode}`).toBe(true);
        }
      }
      expect(fills(), url).toBe(before);
      expect(t.app.cache.stats().memory.entries, url).toBeLessThanOrEqual(entries);
    }
    expect(cached).toEqual(expect.arrayContaining(KNOWN_CACHED));
  });
});
