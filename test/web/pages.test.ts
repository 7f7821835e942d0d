/**
 * The public pages through app.inject: each answers 200 with its content, errors are HTML pages with the
 * right status, forms post, store and redirect (303), pages are cached and an admin write shows at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, type TestApp } from '../helpers.js';
import { signedIn } from '../admin/helpers.js';

let t: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  t = await buildTestApp();
  app = t.app;
});
afterAll(() => t.close());

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
const form = (url: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(body).toString() });

async function page(url: string, status = 200) {
  const response = await get(url);
  expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBe(status);
  expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(response.body.startsWith('<!doctype html>')).toBe(true);
  return response;
}

describe('pages', () => {
  it.each([
    ['/', ['Find the right car', 'Trending cars', 'Popular comparisons', 'Latest news', 'href="/cars?priceMax=500000"', 'href="/cars?bodyType=suv"']],
    ['/brands', ['All car brands', 'href="/brands/hyundai"']],
    ['/brands/hyundai', ['Hyundai cars', 'href="/cars/hyundai-creta"']],
    ['/cars/hyundai-creta', ['Hyundai Creta', '₹ 10.73 - 20.19 Lakh', 'href="/variants/hyundai-creta-e"', 'On-road price in New Delhi', 'EMI calculator', 'action="/cars/hyundai-creta/enquiry"', 'Similar cars']],
    ['/variants/hyundai-creta-e', ['Hyundai Creta E', '₹ 10.73 Lakh', 'Ex-showroom price', 'Engine displacement']],
    ['/cars?bodyType=suv&priceMax=1500000', ['SUV cars under ₹ 15.00 Lakh', 'cars found', 'aria-label="Filters"']],
    ['/search?q=creta', ['Results for “creta”', 'href="/cars/hyundai-creta"']],
    ['/news', ['Car news and reviews']],
    ['/compare', ['Compare cars', 'data-compare-picker']],
  ])('%s answers 200 with its content', async (url, expected) => {
    const response = await page(url);
    for (const text of expected) expect(response.body).toContain(text);
    expect(response.body).toContain('<a class="skip" href="#main">');
    expect(response.body).toMatch(/<main id="main"/);
  });

  it('draws the hero picture with its size, eagerly and first (the LCP image)', async () => {
    const html = (await page('/cars/hyundai-creta')).body;
    const img = /<picture class="picture">.*?<img ([^>]+)\/>/.exec(html)?.[1];
    expect(img).toBeDefined();
    expect(img).toMatch(/width="\d+" height="\d+"/);
    expect(img).toContain('fetchpriority="high"');
    expect(img).toContain('alt="Hyundai Creta');
  });

  it('filters the variants table by fuel and transmission with links', async () => {
    const all = await page('/cars/hyundai-creta');
    const manual = await page('/cars/hyundai-creta?transmission=manual');
    const rows = (html: string) => (html.match(/<tr><th scope="row"><a href="\/variants\//g) ?? []).length;
    expect(rows(manual.body)).toBeGreaterThan(0);
    expect(rows(manual.body)).toBeLessThan(rows(all.body));
    expect(manual.body).toContain('href="/cars/hyundai-creta?transmission=manual" aria-current="true"');
  });

  it('computes the on-road price for a chosen city and the EMI from the query', async () => {
    const mumbai = await page('/cars/hyundai-creta?city=mumbai&down=50&rate=10&months=36');
    expect(mumbai.body).toContain('On-road price in Mumbai');
    expect(mumbai.body).toContain('value="50"');
    // 10,73,000 less 50 %: a loan of ₹ 5,36,500.
    expect(mumbai.body).toContain('₹ 5,36,500');
  });

  it('compares variants with differences highlighted and an only-differences link', async () => {
    const url = '/compare?variants=hyundai-creta-e,tata-nexon-smart';
    const full = await get(url);
    expect(full.statusCode).toBe(200);
    expect(full.body).toContain('class="differs"');
    expect(full.body).toContain('href="/compare?variants=hyundai-creta-e,tata-nexon-smart&amp;only=differences"');
    const only = await page(`${url}&only=differences`);
    const rows = (html: string) => (html.match(/<tr/g) ?? []).length;
    expect(rows(only.body)).toBeLessThan(rows(full.body));
    expect(only.body).not.toMatch(/<tr>(?!<th scope="col">)/);
  });

  it('adds a car to the comparison without JavaScript (picker form → 303 to the shareable URL)', async () => {
    const response = await get('/compare?variants=hyundai-creta-e&add=nexon');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(/^\/compare\?variants=hyundai-creta-e,[a-z0-9-]*nexon[a-z0-9-]*$/);
  });

  it('serves news articles', async () => {
    const list = await page('/news');
    const slug = /href="\/news\/([a-z0-9-]+)"/.exec(list.body)?.[1];
    expect(slug).toBeDefined();
    const article = await page(`/news/${slug}`);
    expect(article.body).toContain('<article class="article">');
  });
});

describe('errors', () => {
  it.each(['/cars/no-such-car', '/brands/no-such-brand', '/variants/no-such-variant', '/news/no-such-story', '/compare?variants=hyundai-creta-e,no-such-variant', '/no/such/page'])(
    '%s is the HTML 404 page',
    async (url) => {
      const response = await page(url, 404);
      expect(response.body).toContain('We could not find that page');
      expect(response.headers['cache-control']).toBe('no-store');
    },
  );

  it.each(['/cars?page=abc', '/cars?bodyType=spaceship', '/cars/hyundai-creta?months=7', '/cars?utm=1', '/search?page=0', '/compare?variants=A,B', '/cars/Bad_Slug'])(
    '%s is the HTML 400 page, never a 500',
    async (url) => {
      const response = await page(url, 400);
      expect(response.body).toContain('That link does not look right');
    },
  );

  it('ignores campaign parameters (utm_*, gclid, fbclid) instead of refusing the link, and caches the page once', async () => {
    const plain = await page('/cars/hyundai-creta');
    const tagged = await page('/cars/hyundai-creta?utm_source=newsletter&utm_medium=email&gclid=abc123&fbclid=xyz');
    expect(tagged.headers['x-cache']).toBe('HIT');
    expect(tagged.body).toBe(plain.body);
    await page('/cars?utm_campaign=diwali&bodyType=suv');
  });

  it('keeps JSON errors under /api', async () => {
    const response = await get('/api/no-such-route');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('forms', () => {
  it('stores a test-drive request and redirects with a one-time message (Post/Redirect/Get)', async () => {
    const phone = '98765 43210';
    const response = await form('/cars/hyundai-creta/enquiry', { intent: 'test-drive', variant: 'hyundai-creta-e', name: 'Asha Rao', phone, email: '', city: 'Pune' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/cars/hyundai-creta');
    const cookie = String(response.headers['set-cookie']).split(';')[0]!;
    const { rows } = await app.pg.query(`SELECT l.name, l.phone, l.city, l.intent, v.slug FROM leads l JOIN variants v ON v.id = l.variant_id WHERE l.name = 'Asha Rao'`);
    expect(rows).toEqual([{ name: 'Asha Rao', phone: '+919876543210', city: 'Pune', intent: 'test-drive', slug: 'hyundai-creta-e' }]);

    const after = await get('/cars/hyundai-creta', { cookie });
    expect(after.body).toContain('A dealer will call you shortly');
    expect(after.headers['cache-control']).toBe('private, no-store');
    expect(String(after.headers['set-cookie'])).toMatch(/gz_flash=;/);
    const again = await get('/cars/hyundai-creta');
    expect(again.body).not.toContain('A dealer will call you shortly');
  });

  it('sends an invalid enquiry back to the form with a message, storing nothing', async () => {
    const before = await app.pg.query('SELECT count(*)::int AS n FROM leads');
    const response = await form('/cars/hyundai-creta/enquiry', { intent: 'test-drive', name: 'X', phone: '12345', city: 'Pune' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/cars/hyundai-creta#enquiry-form');
    const cookie = String(response.headers['set-cookie']).split(';')[0]!;
    expect((await get('/cars/hyundai-creta', { cookie })).body).toContain('10-digit mobile number');
    expect((await app.pg.query('SELECT count(*)::int AS n FROM leads')).rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('refuses a form posted from another origin and an enquiry for an unknown car', async () => {
    const foreign = await form('/cars/hyundai-creta/enquiry', { intent: 'test-drive', name: 'Eve', phone: '9876543210', city: 'Pune' }, { origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.headers['content-type']).toBe('text/html; charset=utf-8');
    const unknown = await form('/cars/no-such-car/enquiry', { intent: 'test-drive', name: 'Eve', phone: '9876543210', city: 'Pune' });
    expect(unknown.statusCode).toBe(404);
  });

  it('subscribes to the newsletter and returns to the page it was sent from', async () => {
    const email = `reader-${Date.now()}@example.com`;
    const response = await form('/newsletter', { email, back: '/brands' }, { origin: app.config.publicUrl });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/brands');
    const { rows } = await app.pg.query('SELECT status FROM newsletter_subscribers WHERE email = $1', [email]);
    expect(rows).toEqual([{ status: 'pending' }]);
    const offsite = await form('/newsletter', { email: 'not-an-email', back: '//evil.example/' });
    expect(offsite.headers.location).toBe('/');
  });
});

describe('caching', () => {
  it('caches pages (HIT on the second request) and shows an admin price change at once', async () => {
    const url = '/cars/hyundai-creta?city=pune';
    expect((await get(url)).headers['x-cache']).toBe('MISS');
    const hit = await get(url);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers['cache-control']).toMatch(/^public, max-age=\d+/);
    expect(hit.body).toContain('₹ 10.73 - 20.19 Lakh');

    const admin = await signedIn(app, 'admin');
    const found = await app.inject({ method: 'GET', url: '/api/admin/variants?q=hyundai-creta-e', headers: admin.headers });
    const variant = (found.json().data as { id: number; slug: string; version: number }[]).find((v) => v.slug === 'hyundai-creta-e')!;
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/admin/variants/${variant.id}`,
      headers: { ...admin.headers, 'if-match': `"v${variant.version}"` },
      payload: { priceInr: 999_000 },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const after = await get(url);
    expect(after.headers['x-cache']).toBe('MISS');
    expect(after.body).toContain('₹ 9.99 - 20.19 Lakh');
  });

  it('sends the page CSP: inline style allowed only by its hash, scripts only from this origin', async () => {
    const response = await page('/');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("script-src 'self'");
    expect(response.body).not.toMatch(/<script(?![^>]*(type="application\/ld\+json"|src="\/assets\/))/);
  });

  it('serves island bundles immutable under content-hashed names', async () => {
    const html = (await page('/cars/hyundai-creta')).body;
    const src = /src="(\/assets\/emi\.[A-Za-z0-9]+\.js)"/.exec(html)?.[1];
    expect(src).toBeDefined();
    const asset = await get(src!, { 'accept-encoding': 'gzip' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/emi.nope.js')).statusCode).toBe(404);
  });
});
