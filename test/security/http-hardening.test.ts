/**
 * HTTP hardening through the app: security headers (strict CSP, HSTS, no framing) on the API and the docs,
 * CORS from the configured allowlist (never a wildcard with credentials), body size and type limits, no
 * internals in error answers even when the database fails, the server's time limits, and start-up refusing
 * a weak JWT secret.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTED_EXAMPLE_SECRETS, loadConfig } from '../../src/config.js';
import { contentSecurityPolicy } from '../../src/platform/security-plugin.js';
import { buildTestApp, createTestDatabase, type TestApp, type TestDatabase } from '../helpers.js';

const ALLOWED_ORIGIN = 'https://admin.example.com';
const FOREIGN_ORIGIN = 'https://evil.example';
const lead = { name: 'Asha Verma', phone: '+91 98765 43210', city: 'Pune', model: 'hyundai-creta', intent: 'test-drive' };

function directives(response: LightMyRequestResponse): Map<string, string[]> {
  const header = response.headers['content-security-policy'];
  expect(typeof header).toBe('string');
  const map = new Map<string, string[]>();
  for (const part of String(header).split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), values);
  }
  return map;
}

/** The headers every answer carries, whatever route produced it. */
function expectHardened(response: LightMyRequestResponse): Map<string, string[]> {
  const csp = directives(response);
  const defaultSrc = csp.get('default-src');
  expect(defaultSrc === undefined ? undefined : defaultSrc.every((v) => v === "'self'" || v === "'none'")).toBe(true);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  const scriptSrc = csp.get('script-src') ?? defaultSrc ?? [];
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(scriptSrc.some((v) => v === '*' || v === 'https:' || v === 'http:')).toBe(false);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(response.headers['strict-transport-security']).toMatch(/max-age=(\d+)/);
  expect(Number(/max-age=(\d+)/.exec(String(response.headers['strict-transport-security']))![1])).toBeGreaterThanOrEqual(15_552_000);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(response.headers['x-frame-options']).toBe('DENY');
  expect(response.headers['x-powered-by']).toBeUndefined();
  return csp;
}

/** No stack frames, SQL, file paths or driver messages in what a client is told. */
function expectNoInternals(response: LightMyRequestResponse): void {
  const body = response.body;
  expect(body).not.toMatch(/\bat \S+ \(|\bat \//);
  expect(body).not.toMatch(/\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b/);
  expect(body).not.toMatch(/relation "|column "|syntax error at|duplicate key/);
  expect(body).not.toMatch(/\/(work|home|src|node_modules)\/|\.ts:\d+|\.js:\d+/);
  expect(body).not.toMatch(/"stack"/);
}

let database: TestDatabase;
let t: TestApp;

beforeAll(async () => {
  database = await createTestDatabase();
  t = await buildTestApp({ database, config: { corsOrigins: [ALLOWED_ORIGIN] } });
});
afterAll(async () => {
  await t.close();
  await database.drop();
});

describe('security headers', () => {
  it('sends a strict CSP, HSTS and the rest on a public API answer, an error and a 404', async () => {
    for (const url of ['/api/brands', '/api/models/not-a-model', '/api/no-such-route']) {
      const response = await t.app.inject({ method: 'GET', url });
      const csp = expectHardened(response);
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.get('base-uri')).toEqual(["'self'"]);
      expect(csp.get('form-action')).toEqual(["'self'"]);
    }
  });

  it('allows no inline script on API answers, and builds a nonce policy for pages that need one', async () => {
    const scriptSrc = directives(await t.app.inject({ method: 'GET', url: '/api/brands' })).get('script-src') ?? [];
    expect(scriptSrc).toEqual(["'self'"]);
    const withNonce = contentSecurityPolicy('bm9uY2Utdmc0ZXN0');
    expect(withNonce).toContain("script-src 'self' 'nonce-bm9uY2Utdmc0ZXN0'");
    expect(withNonce).toContain("frame-ancestors 'none'");
    expect(withNonce).not.toContain('unsafe-inline');
  });

  it('keeps the docs page unframeable, with no inline script it has not allowed by nonce', async () => {
    for (const url of ['/api/docs', '/api/docs/', '/api/docs/json']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBeLessThan(400);
      expectHardened(response);
    }
    const page = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const scriptSrc = directives(page).get('script-src') ?? [];
    const nonces = scriptSrc.filter((v) => v.startsWith("'nonce-")).map((v) => v.slice(7, -1));
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1] ?? '');
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) {
      if (/\bsrc=/.test(attributes)) continue;
      // An inline script must carry this answer's nonce.
      const nonce = /\bnonce="([^"]+)"/.exec(attributes)?.[1];
      expect(nonce !== undefined && nonces.includes(nonce)).toBe(true);
    }
    expect(page.body).not.toMatch(/\son[a-z]+=/i);
  });
});

describe('CORS', () => {
  it('echoes an allowlisted origin, with Vary: Origin, on fresh and cached answers alike', async () => {
    for (let n = 0; n < 2; n += 1) {
      const response = await t.app.inject({ method: 'GET', url: '/api/models?limit=2', headers: { origin: ALLOWED_ORIGIN } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-cache']).toBe(n === 0 ? 'MISS' : 'HIT');
      expect(response.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      expect(String(response.headers.vary).toLowerCase()).toContain('origin');
      expect(String(response.headers.vary).toLowerCase()).toContain('accept-encoding');
    }
    // Without an Origin the answer still varies on it, so a shared cache never replays one to the other.
    const plain = await t.app.inject({ method: 'GET', url: '/api/models?limit=2' });
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    expect(String(plain.headers.vary).toLowerCase()).toContain('origin');
  });

  it('tells a foreign origin nothing', async () => {
    for (const url of ['/api/brands', '/api/admin/auth/me']) {
      const response = await t.app.inject({ method: 'GET', url, headers: { origin: FOREIGN_ORIGIN } });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    }
    const preflight = await t.app.inject({ method: 'OPTIONS', url: '/api/admin/brands', headers: { origin: FOREIGN_ORIGIN, 'access-control-request-method': 'POST' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('answers preflights from an allowed origin; credentials only on the admin API', async () => {
    const publicPreflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/leads',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, idempotency-key' },
    });
    expect(publicPreflight.statusCode).toBe(204);
    expect(publicPreflight.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(publicPreflight.headers['access-control-allow-methods']).toContain('POST');
    expect(publicPreflight.headers['access-control-allow-headers']).toContain('idempotency-key');
    expect(publicPreflight.headers['access-control-allow-credentials']).toBeUndefined();
    expect(Number(publicPreflight.headers['access-control-max-age'])).toBeGreaterThan(0);

    const adminPreflight = await t.app.inject({ method: 'OPTIONS', url: '/api/admin/brands', headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'PATCH' } });
    expect(adminPreflight.statusCode).toBe(204);
    expect(adminPreflight.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(adminPreflight.headers['access-control-allow-credentials']).toBe('true');
  });

  it("accepts CORS_ORIGINS='*' but never pairs the wildcard with credentials", async () => {
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(() => loadConfig({ CORS_ORIGINS: 'admin.example.com' })).toThrow(/CORS_ORIGINS: "admin.example.com" is not an origin/);
    const open = await buildTestApp({ database, config: { corsOrigins: loadConfig({ CORS_ORIGINS: `*,${ALLOWED_ORIGIN}` }).corsOrigins } });
    try {
      const publicRead = await open.app.inject({ method: 'GET', url: '/api/brands', headers: { origin: FOREIGN_ORIGIN } });
      expect(publicRead.headers['access-control-allow-origin']).toBe('*');
      expect(publicRead.headers['access-control-allow-credentials']).toBeUndefined();
      // The admin API ignores the wildcard: only the listed origin, and then with credentials.
      const foreignAdmin = await open.app.inject({ method: 'OPTIONS', url: '/api/admin/brands', headers: { origin: FOREIGN_ORIGIN, 'access-control-request-method': 'POST' } });
      expect(foreignAdmin.headers['access-control-allow-origin']).toBeUndefined();
      expect(foreignAdmin.headers['access-control-allow-credentials']).toBeUndefined();
      const listedAdmin = await open.app.inject({ method: 'OPTIONS', url: '/api/admin/brands', headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST' } });
      expect(listedAdmin.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
      expect(listedAdmin.headers['access-control-allow-credentials']).toBe('true');
      for (const response of [publicRead, foreignAdmin, listedAdmin]) {
        expect(response.headers['access-control-allow-origin'] === '*' && response.headers['access-control-allow-credentials'] !== undefined).toBe(false);
      }
    } finally {
      await open.close();
    }
  });
});

describe('request bodies', () => {
  const post = (url: string, payload: string, contentType: string) => t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });

  it('refuses a body over 64 KB with a JSON 413', async () => {
    for (const url of ['/api/leads', '/api/newsletter']) {
      const response = await post(url, JSON.stringify({ ...lead, message: 'x'.repeat(65 * 1024) }), 'application/json');
      expect(response.statusCode).toBe(413);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
      expectNoInternals(response);
    }
    // Just under the limit is parsed (and then judged by the schema).
    const under = await post('/api/leads', JSON.stringify({ ...lead, message: 'x'.repeat(60 * 1024) }), 'application/json');
    expect(under.statusCode).toBe(400);
    expect(under.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('answers malformed JSON with 400 and another content type with 415, both as JSON', async () => {
    const malformed = await post('/api/leads', '{"name": "Asha",', 'application/json');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('BAD_REQUEST');
    expectNoInternals(malformed);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const wrong = await post('/api/newsletter', 'email=a@example.test', type);
      expect(wrong.statusCode, type).toBe(415);
      expect(wrong.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expectNoInternals(wrong);
    }
  });
});

describe('errors', () => {
  it('never shows a stack, SQL or a path, even when the database fails', async () => {
    const broken = await buildTestApp();
    try {
      await broken.app.pg.query('ALTER TABLE brands RENAME TO brands_gone');
      await broken.app.pg.query('ALTER TABLE leads RENAME TO leads_gone');
      const failures = [
        await broken.app.inject({ method: 'GET', url: '/api/brands?sort=popularity' }),
        await broken.app.inject({ method: 'GET', url: '/api/brands/tata' }),
        await broken.app.inject({ method: 'POST', url: '/api/leads', payload: lead }),
      ];
      for (const response of failures) {
        expect([500, 503]).toContain(response.statusCode);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.headers['cache-control']).toBe('no-store');
        const { error } = response.json();
        expect(error.code).toMatch(/^(INTERNAL|SERVICE_UNAVAILABLE)$/);
        expect(error.message).toMatch(/request id \S+/);
        expect(error.details).toBeUndefined();
        expectNoInternals(response);
        expect(response.body).not.toMatch(/brands_gone|leads|pg|postgres/i);
      }
    } finally {
      await broken.close();
    }
  });

  it('keeps client errors to their message', async () => {
    const responses = [
      await t.app.inject({ method: 'GET', url: '/api/models?limit=abc' }),
      await t.app.inject({ method: 'GET', url: '/api/models?cursor=not-a-cursor' }),
      await t.app.inject({ method: 'GET', url: `/api/models/${'x'.repeat(600)}` }),
      await t.app.inject({ method: 'GET', url: '/api/%E0%A4%A' }),
      await t.app.inject({ method: 'POST', url: '/api/newsletter', payload: { email: "x'); DROP TABLE brands;--" } }),
      await t.app.inject({ method: 'DELETE', url: '/api/brands' }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(typeof response.json().error.code).toBe('string');
      expectNoInternals(response);
    }
  });
});

describe('server limits', () => {
  it('bounds how long a request and its headers may take', () => {
    const server = t.app.server;
    expect(server.requestTimeout).toBeGreaterThan(0);
    // Long enough for a 100,000-row import streamed into the database, and bounded.
    expect(server.requestTimeout).toBeGreaterThanOrEqual(120_000);
    expect(server.requestTimeout).toBeLessThanOrEqual(300_000);
    expect(server.headersTimeout).toBeGreaterThan(0);
    expect(server.headersTimeout).toBeLessThanOrEqual(10_000);
    expect(server.headersTimeout).toBeLessThanOrEqual(server.requestTimeout);
    expect(t.app.initialConfig.bodyLimit).toBe(64 * 1024);
  });
});

describe('the JWT secret', () => {
  const withDatabase = { DATABASE_URL: 'postgres://app@db:5432/gadizone' };

  it('is refused outside embedded mode when shorter than 32 bytes (counted in bytes, not characters)', () => {
    expect(() => loadConfig({ ...withDatabase, JWT_SECRET: 'a'.repeat(31) })).toThrow(/JWT_SECRET: must be at least 32 bytes/);
    expect(loadConfig({ ...withDatabase, JWT_SECRET: 'a'.repeat(32) }).jwtSecret).toBe('a'.repeat(32));
    // 16 two-byte characters are 32 bytes; 15 are not.
    expect(loadConfig({ ...withDatabase, JWT_SECRET: 'é'.repeat(16) }).jwtSecret).toBe('é'.repeat(16));
    expect(() => loadConfig({ ...withDatabase, JWT_SECRET: 'é'.repeat(15) })).toThrow(/JWT_SECRET/);
    // Surrounding blanks do not count towards the length.
    expect(() => loadConfig({ ...withDatabase, JWT_SECRET: ` ${'a'.repeat(30)} ` })).toThrow(/JWT_SECRET/);
  });

  it('is refused when it is any example from the documentation', async () => {
    expect(DOCUMENTED_EXAMPLE_SECRETS.length).toBeGreaterThan(0);
    for (const example of DOCUMENTED_EXAMPLE_SECRETS) {
      expect(() => loadConfig({ ...withDatabase, JWT_SECRET: example }), example).toThrow(/JWT_SECRET: is the example from the documentation/);
      expect(() => loadConfig({ JWT_SECRET: example }), example).toThrow(/JWT_SECRET/);
    }
    // Every secret the docs show is in that list.
    const root = join(import.meta.dirname, '../..');
    const docs = [join(root, 'README.md'), join(root, 'bench/README.md'), ...(await readdir(join(root, 'docs'), { recursive: true })).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f))];
    for (const file of docs) {
      const text = await readFile(file, 'utf8').catch(() => '');
      for (const match of text.matchAll(/JWT_SECRET\s*[=:]\s*["'`]?([A-Za-z0-9+/=_-]{8,})/g)) {
        expect(DOCUMENTED_EXAMPLE_SECRETS, `${file} shows ${match[1]}`).toContain(match[1]);
      }
    }
  });

  it('may be absent in embedded mode (it is generated), but not with a server database', () => {
    expect(loadConfig({}).jwtSecret).toBeNull();
    expect(() => loadConfig(withDatabase)).toThrow(/JWT_SECRET: required/);
  });
});
