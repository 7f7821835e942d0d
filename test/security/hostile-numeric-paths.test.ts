/**
 * Numbers in paths, swept over every route that has a path parameter (read from the instance, so a new
 * route is swept the day it is added), signed in as an admin so the parameter reaches the handler: numbers
 * beyond the integer columns (2147483648: `/sitemaps/models-2147483648.xml` was a 500), negative, not
 * finite, unsafe, hexadecimal, padded, other digits. Every answer is below 500; a JSON 4xx carries its
 * error code. The tally is written to test-results/hostile-sweep-numeric-paths.json.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';
import { signedIn, type TestSession } from '../admin/helpers.js';
import { SITE } from '../web/admin-helpers.js';
import { eachLimit, percentEncode, SweepTally } from './hostile-payloads.js';
import { paramsOf, routesOf, type Route } from './hostile-routes.js';

const NUMERIC_SEGMENTS: readonly string[] = [
  '2147483648', '2147483647', '4294967296', '-2147483649', '-1', '0', '-0', '1e400', '-1e400', '1e-400', '1e5', '1E3', '9007199254740993',
  '9007199254740992', '99999999999999999999999', '9'.repeat(400), '0x10', '0X1f', '0b1', '0o7', '1.5', '1.0', '.5', '5.', '01', '00000000001',
  '+1', ' 1', '1 ', '1_000', '1,000', '١٢٣', '１２', 'Infinity', '-Infinity', 'NaN', '1\u0000', '%31',
];

const tally = new SweepTally();
const SUMMARY_PATH = new URL('../../test-results/hostile-sweep-numeric-paths.json', import.meta.url).pathname;

let t: TestApp;
let app: FastifyInstance;
let admin: TestSession;
let routes: Route[];
/** The sitemap chunk kinds, from the sitemap index (`…/sitemaps/models-0.xml` → models). */
let sitemapKinds: string[];

beforeAll(async () => {
  t = await buildTestApp({ config: { overloadMaxEventLoopDelayMs: 0 } });
  app = t.app;
  admin = await signedIn(app, 'admin');
  routes = routesOf(app).filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && paramsOf(r.url).length > 0);
  const index = await app.inject('/sitemap.xml');
  sitemapKinds = [...new Set([...index.body.matchAll(/\/sitemaps\/([a-z]+)-\d+\.xml/g)].map((m) => m[1]!))];
});
afterAll(async () => {
  tally.report(SUMMARY_PATH, { file: 'test/security/hostile-numeric-paths.test.ts', ranAt: new Date().toISOString(), routes: routes.map((r) => `${r.method} ${r.url}`) });
  await t.close();
});

/** A request as the signed-in admin: Bearer for the API, the cookie and this site's Origin for the pages. */
function requestTo(route: Route, url: string): InjectOptions {
  const api = url.startsWith('/api/');
  const headers: Record<string, string> = api ? { ...admin.headers } : { host: SITE.host, origin: SITE.origin, cookie: `gz_access=${admin.accessToken}` };
  if (route.method === 'GET' || route.method === 'DELETE') return { method: route.method, url, headers };
  return api
    ? { method: route.method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: '{}' }
    : { method: route.method, url, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' };
}

/** The URLs that put `segment` where the route takes a parameter (a sitemap chunk's number inside its file name). */
function urlsFor(route: Route, segment: string): string[] {
  const encoded = percentEncode(segment);
  const plain = route.url.replace(/:\w+|\*/g, encoded);
  if (route.url !== '/sitemaps/:file') return [plain];
  return [plain, ...sitemapKinds.map((kind) => `/sitemaps/${kind}-${encoded}.xml`)];
}

describe('numeric path segments', () => {
  it('are swept over every route with a path parameter, admin API and pages included', () => {
    const urls = routes.map((r) => r.url);
    expect(urls).toEqual(expect.arrayContaining(['/api/admin/brands/:id', '/api/admin/users/:id', '/api/admin/jobs/:id/retry', '/api/admin/models/:id/images', '/sitemaps/:file', '/api/models/:slug']));
    expect(urls.filter((u) => u.startsWith('/admin/')).length).toBeGreaterThan(5);
    expect(sitemapKinds).toEqual(expect.arrayContaining(['pages', 'brands', 'models', 'variants', 'news']));
  });

  it('never answer 500, on any route with a path parameter', async () => {
    const before = tally.failures.length;
    const requests = routes.flatMap((route) => NUMERIC_SEGMENTS.flatMap((segment) => urlsFor(route, segment).map((url) => ({ route, segment, url }))));
    await eachLimit(requests, 4, async ({ route, segment, url }) => {
      const response = await app.inject(requestTo(route, url));
      tally.record(`${route.method} ${route.url}`, segment, response);
    });
    expect(tally.failures.slice(before)).toEqual([]);
  }, 180_000);

  it('a sitemap chunk after an id no row can have is a 404, not a query PostgreSQL refuses', async () => {
    for (const kind of sitemapKinds.filter((k) => k !== 'pages')) {
      expect((await app.inject(`/sitemaps/${kind}-2147483648.xml`)).statusCode, kind).toBe(404);
      expect((await app.inject(`/sitemaps/${kind}-999999999999.xml`)).statusCode, kind).toBe(404);
      // The largest id a row can have: a valid number, but not a chunk the index lists.
      expect((await app.inject(`/sitemaps/${kind}-2147483647.xml`)).statusCode, kind).toBe(404);
    }
  });
});
