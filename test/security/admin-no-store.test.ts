/**
 * Every answer of the admin API is `Cache-Control: no-store`: it carries names, e-mail addresses, leads and
 * audit entries that no browser or shared cache may keep. The GET routes are read from the instance, so a
 * new one is checked the day it is added; each is asked as an admin, as a viewer, anonymously, with a
 * forged token, with a bad query and (where it takes an id) for a row that does not exist, so successes
 * and errors alike are checked.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';
import { signedIn, type TestSession } from '../admin/helpers.js';
import { routesOf } from './hostile-routes.js';

let t: TestApp;
let app: FastifyInstance;
let admin: TestSession;
let viewer: TestSession;
let gets: string[];

beforeAll(async () => {
  t = await buildTestApp();
  app = t.app;
  [admin, viewer] = await Promise.all([signedIn(app, 'admin'), signedIn(app, 'viewer')]);
  gets = [...new Set(routesOf(app).filter((r) => r.method === 'GET' && r.url.startsWith('/api/admin')).map((r) => r.url))];
});
afterAll(() => t.close());

/** An id every table has (the seeded catalogue, the users made above), and one none has. */
const EXISTING_ID = '1';
const MISSING_ID = '2147483000';

const noStore = (response: LightMyRequestResponse) => /(^|,)\s*no-store\s*(,|$)/.test(String(response.headers['cache-control'] ?? ''));

describe('the admin API', () => {
  it('has its GET routes read from the instance', () => {
    expect(gets).toEqual(expect.arrayContaining(['/api/admin/users', '/api/admin/jobs', '/api/admin/audit', '/api/admin/brands/:id', '/api/admin/auth/me']));
    expect(gets.length).toBeGreaterThan(15);
  });

  it('answers no-store on every GET route, for every caller, success or error', async () => {
    const missing: string[] = [];
    let asked = 0;
    for (const route of gets) {
      const urls = route.includes(':') ? [route.replace(/:\w+/g, EXISTING_ID), route.replace(/:\w+/g, MISSING_ID), route.replace(/:\w+/g, 'not-an-id')] : [route];
      for (const url of urls) {
        for (const [caller, headers] of [
          ['admin', admin.headers],
          ['viewer', viewer.headers],
          ['anonymous', {}],
          ['forged token', { authorization: 'Bearer forged.token.value' }],
        ] as const) {
          for (const query of ['', '?no-such-parameter=1']) {
            const response = await app.inject({ method: 'GET', url: `${url}${query}`, headers });
            asked += 1;
            if (!noStore(response)) missing.push(`${caller} GET ${url}${query} → ${response.statusCode} cache-control: ${String(response.headers['cache-control'])}`);
          }
        }
      }
    }
    expect(asked).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  }, 60_000);

  it('answers no-store for a path under /api/admin that no route serves, and for HEAD', async () => {
    for (const url of ['/api/admin', '/api/admin/', '/api/admin/no-such-thing', '/api/admin/users/1/nothing']) {
      const response = await app.inject({ method: 'GET', url, headers: admin.headers });
      expect(response.statusCode, url).toBe(404);
      expect(noStore(response), `${url}: ${String(response.headers['cache-control'])}`).toBe(true);
    }
    for (const url of ['/api/admin/users', '/api/admin/jobs']) {
      const response = await app.inject({ method: 'HEAD', url, headers: admin.headers });
      expect(noStore(response), `HEAD ${url}: ${String(response.headers['cache-control'])}`).toBe(true);
    }
  });
});
