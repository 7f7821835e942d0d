/** SEO surfaces: sitemap index and chunks (valid XML, the right absolute URLs), robots.txt, meta and JSON-LD. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  t = await buildTestApp();
  app = t.app;
  base = app.config.publicUrl.replace(/\/$/, '');
});
afterAll(() => t.close());

/**
 * Well-formed XML of the sitemap protocol's shape: the declaration, tags properly nested, only the five
 * predefined entities, no raw `<` or `&` in text, and only the elements the protocol defines.
 */
function wellFormedSitemap(xml: string): true | string {
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')) return 'missing XML declaration';
  const stack: string[] = [];
  const allowed = new Set(['sitemapindex', 'sitemap', 'urlset', 'url', 'loc', 'lastmod']);
  for (const token of xml.slice(xml.indexOf('?>') + 2).split(/(<[^>]*>)/).filter((x) => x.trim() !== '')) {
    if (!token.startsWith('<')) {
      if (/[<>]|&(?!(amp|lt|gt|quot|apos);)/.test(token)) return `bad text: ${token}`;
      continue;
    }
    const [, close, name] = /^<(\/?)([a-z]+)[^>]*>$/.exec(token) ?? [];
    if (name === undefined || !allowed.has(name)) return `unexpected tag ${token}`;
    if (close) {
      if (stack.pop() !== name) return `mismatched </${name}>`;
    } else stack.push(name);
  }
  return stack.length === 0 ? true : `unclosed <${stack.join('>, <')}>`;
}

const get = (url: string) => app.inject({ method: 'GET', url });
const locs = (xml: string) => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));

describe('sitemap', () => {
  it('is an index of chunks, each valid XML listing every live brand, model, variant and article', async () => {
    const index = await get('/sitemap.xml');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(wellFormedSitemap(index.body)).toBe(true);
    expect(index.body).toContain('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    const chunks = locs(index.body);
    expect(chunks).toEqual(expect.arrayContaining([`${base}/sitemaps/pages-0.xml`, `${base}/sitemaps/models-0.xml`, `${base}/sitemaps/variants-0.xml`]));

    const urls: string[] = [];
    for (const chunk of chunks) {
      const response = await get(chunk.slice(base.length));
      expect(response.statusCode, chunk).toBe(200);
      expect(wellFormedSitemap(response.body), chunk).toBe(true);
      urls.push(...locs(response.body));
    }
    expect(urls).toContain(`${base}/cars/hyundai-creta`);
    expect(urls).toContain(`${base}/variants/hyundai-creta-e`);
    expect(urls).toContain(`${base}/brands/hyundai`);
    expect(urls.some((u) => u.startsWith(`${base}/news/`))).toBe(true);
    const { rows } = await app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM variants WHERE deleted_at IS NULL');
    expect(urls.filter((u) => u.startsWith(`${base}/variants/`))).toHaveLength(rows[0]!.n);
    expect(new Set(urls).size).toBe(urls.length);
    expect((await get('/sitemap.xml')).headers['x-cache']).toBe('HIT');
  });

  it('splits a kind into keyset chunks that start after the last id of the previous one', async () => {
    const { createWebRepository } = await import('../../src/web/web-repository.js');
    const web = createWebRepository(app.pg);
    const starts = await web.sitemapChunkStarts('variants', 100);
    expect(starts[0]).toBe(0);
    const seen: number[] = [];
    for (const after of starts) seen.push(...(await web.sitemapRows('variants', after, 100)).map((r) => r.id));
    const { rows } = await app.pg.query<{ id: number }>('SELECT id FROM variants WHERE deleted_at IS NULL ORDER BY id');
    expect(seen).toEqual(rows.map((r) => r.id));
    expect(starts.length).toBe(Math.ceil(rows.length / 100));
  });

  it('answers 404 for a chunk the index does not list, without storing it (each start id was a new ~1 MB entry)', async () => {
    const entries = () => app.cache.stats().memory.entries;
    const before = entries();
    for (const file of ['variants-1.xml', 'variants-2.xml', 'models-7.xml', 'pages-1.xml', 'pages-99.xml']) {
      expect((await get(`/sitemaps/${file}`)).statusCode, file).toBe(404);
    }
    expect(entries()).toBe(before);
    expect((await get('/sitemaps/variants-0.xml')).statusCode).toBe(200);
  });

  it('refuses malformed chunk names with a 400 page', async () => {
    expect((await get('/sitemaps/secrets-1.xml')).statusCode).toBe(400);
    expect((await get('/sitemaps/models-01.xml')).statusCode).toBe(400);
  });

  it('robots.txt points at the sitemap and keeps crawlers out of the API', async () => {
    const robots = await get('/robots.txt');
    expect(robots.statusCode).toBe(200);
    expect(robots.body).toContain(`Sitemap: ${base}/sitemap.xml`);
    expect(robots.body).toContain('Disallow: /api/');
  });
});

describe('meta and structured data', () => {
  const jsonLd = (html: string) => [...html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);

  it('gives the model page a title, description, canonical, Open Graph and Car + BreadcrumbList JSON-LD', async () => {
    const html = (await get('/cars/hyundai-creta?city=pune')).body;
    expect(html).toMatch(/<title>Hyundai Creta price, variants, specs \| gadizone<\/title>/);
    expect(html).toMatch(/<meta name="description" content="Hyundai Creta price ₹ 10.73 - 20.19 Lakh/);
    expect(html).toContain(`<link rel="canonical" href="${base}/cars/hyundai-creta"/>`);
    expect(html).toContain('<meta property="og:type" content="product"/>');
    const [car, crumbs] = jsonLd(html);
    expect(car).toMatchObject({ '@type': 'Car', name: 'Hyundai Creta', offers: { '@type': 'AggregateOffer', priceCurrency: 'INR', lowPrice: 1_073_000, highPrice: 2_019_000 } });
    expect(crumbs).toMatchObject({ '@type': 'BreadcrumbList', itemListElement: [{ position: 1, item: `${base}/` }, { position: 2 }, { position: 3, name: 'Creta' }] });
  });

  it('gives the variant page a Car with an Offer, and every page parseable JSON-LD', async () => {
    const [variant] = jsonLd((await get('/variants/hyundai-creta-e')).body);
    expect(variant).toMatchObject({ '@type': 'Car', offers: { '@type': 'Offer', price: 1_073_000, priceCurrency: 'INR' } });
    for (const url of ['/', '/brands', '/brands/hyundai', '/news']) expect(jsonLd((await get(url)).body).length, url).toBeGreaterThan(0);
  });

  it('marks error and search pages noindex', async () => {
    expect((await get('/cars/no-such-car')).body).toContain('<meta name="robots" content="noindex"/>');
    expect((await get('/search?q=creta')).body).toContain('<meta name="robots" content="noindex"/>');
  });
});
