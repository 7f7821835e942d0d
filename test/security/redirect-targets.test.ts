/**
 * Every redirect whose target is built from input (`grep -rn "redirect(" src`): the admin sign-in's `next`
 * (the login page, its form post, and the return address a signed-out page visit builds from its own URL),
 * the newsletter form's `back`, and the compare picker's `add`. Fed hostile payloads, each answers below 500
 * with a Location a header can carry (printable ASCII), on this site, never `//host` or another scheme;
 * `next` stays within /admin. `/admin/login?next=/admin/€` was a 500 ("Invalid character in header content").
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeNext } from '../../src/web/admin/admin-page-session.js';
import { buildTestApp, type TestApp } from '../helpers.js';
import { createUser, type TestUser } from '../admin/helpers.js';
import { encode, formHeaders, SITE } from '../web/admin-helpers.js';
import { ALL_PAYLOADS, eachLimit, percentEncode, SAMPLE, SweepTally } from './hostile-payloads.js';

/** Return addresses aimed at what a redirect can go wrong on: encodings, other hosts, header injection. */
const REDIRECT_PAYLOADS: readonly string[] = [
  '/admin/€', '/admin/brands?q=Škoda', '/admin/😀', '/admin/\u2028', '/admin/\ud800', '/admin/x\udfff', '/admin/%E2%82%AC', '/admin/%ZZ', '/admin/%',
  '/admin/\r\nSet-Cookie: gz_access=stolen', '/admin/%0d%0aSet-Cookie:%20x=1', '/admin/ x', '/admin/\tx', '/admin\\@evil.example',
  '//evil.example', '///evil.example', '/\\evil.example', '\\\\evil.example', 'https://evil.example/admin', 'javascript:alert(1)', 'java\tscript:alert(1)',
  '/admin@evil.example', '/administrator', '/admin/../cars', '/admin/%2e%2e/cars', '/admin/./x', '/admin/..', '/admin?next=//evil.example',
  '/admin/' + 'x'.repeat(3_000), '', ' ', '/', '/cars', 'admin', '/ADMIN', '/admin#x', '/admin/brands?q=<script>alert(1)</script>',
];
// A NUL anywhere in a query or form is refused app-wide (400, the storable-input check) before a target is judged.
const PAYLOADS: readonly string[] = [...REDIRECT_PAYLOADS, ...SAMPLE].filter((payload) => !payload.includes('\u0000'));

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', amp: '&' };
/** What a form field holding `payload` arrives as (a lone surrogate becomes U+FFFD on the way). */
const asFormValue = (payload: string) => new URLSearchParams(encode({ value: payload })).get('value')!;
let ip = 0;
/** A client address of its own per request: sign-in lockouts per address never mask a payload. */
const nextAddress = () => `10.11.${(++ip >> 8) & 255}.${ip & 255}`;

const tally = new SweepTally();
const SUMMARY_PATH = new URL('../../test-results/hostile-sweep-redirects.json', import.meta.url).pathname;

/** What is wrong with a redirect's Location, or null: on this site, printable ASCII, not protocol-relative. */
function badLocation(response: LightMyRequestResponse, within = '/'): string | null {
  if (response.statusCode >= 500) return `${response.statusCode} ${response.body.slice(0, 160)}`;
  if (response.statusCode < 300 || response.statusCode >= 400) return null;
  const location = response.headers.location;
  if (typeof location !== 'string') return `${response.statusCode} without a Location`;
  if (!/^[\x21-\x7e]+$/.test(location)) return `Location ${JSON.stringify(location)} is not printable ASCII`;
  if (!location.startsWith(within) || /^[/\\]{2}/.test(location)) return `Location ${location} leaves ${within}`;
  return null;
}

describe('safeNext', () => {
  it('gives printable ASCII within /admin for every payload', () => {
    for (const payload of [...REDIRECT_PAYLOADS, ...ALL_PAYLOADS]) {
      const next = safeNext(payload);
      expect(next, JSON.stringify(payload.slice(0, 80))).toMatch(/^\/admin(?:[/?][\x21-\x7e]*)?$/);
      expect(next).not.toMatch(/(?:^|\/)\.{1,2}(?:[/?]|$)/);
    }
  });
});

describe('redirect targets built from input', () => {
  let t: TestApp;
  let app: FastifyInstance;
  let user: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    app = t.app;
    user = await createUser(app, 'viewer');
  });
  afterAll(async () => {
    tally.report(SUMMARY_PATH, { file: 'test/security/redirect-targets.test.ts', ranAt: new Date().toISOString() });
    await t.close();
  });

  it('the sign-in page keeps any next= it is given to a page within /admin', async () => {
    const before = tally.failures.length;
    await eachLimit(PAYLOADS, 4, async (payload) => {
      const response = await app.inject({ method: 'GET', url: `/admin/login?next=${percentEncode(payload)}`, headers: { host: SITE.host } });
      tally.record('GET /admin/login ?next', payload, response);
      expect(response.statusCode, JSON.stringify(payload.slice(0, 80))).toBe(200);
      const kept = /name="next" value="([^"]*)"/.exec(response.body)?.[1]?.replace(/&(lt|gt|quot|amp);/g, (_m, name: string) => ENTITIES[name]!);
      expect(kept, JSON.stringify(payload.slice(0, 80))).toBe(safeNext(payload));
    });
    expect(tally.failures.slice(before)).toEqual([]);
  }, 60_000);

  it('signing in redirects to next= only within /admin, as a header value', async () => {
    const before = tally.failures.length;
    for (const payload of PAYLOADS) {
      if (payload.length > 1_000) continue; // the form's body limit: a 413 before any sign-in (swept below)
      const response = await app.inject({
        method: 'POST', url: '/admin/login', remoteAddress: nextAddress(), headers: formHeaders(), payload: encode({ email: user.email, password: user.password, next: payload }),
      });
      tally.record('POST /admin/login next (signed in)', payload, response);
      expect(response.statusCode, JSON.stringify(payload.slice(0, 80))).toBe(303);
      expect(badLocation(response, '/admin'), JSON.stringify(payload.slice(0, 80))).toBeNull();
      expect(response.headers.location).toBe(safeNext(asFormValue(payload)));
    }
    expect(tally.failures.slice(before)).toEqual([]);
  }, 120_000);

  it('a failed sign-in shows the form again, whatever next= was', async () => {
    const before = tally.failures.length;
    await eachLimit(PAYLOADS, 4, async (payload) => {
      const response = await app.inject({
        method: 'POST', url: '/admin/login', remoteAddress: nextAddress(), headers: formHeaders(), payload: encode({ email: `nobody-${ip}@example.test`, password: 'not-the-password', next: payload }),
      });
      tally.record('POST /admin/login next (refused)', payload, response);
      expect(response.statusCode, JSON.stringify(payload.slice(0, 80))).toBeLessThan(500);
    });
    expect(tally.failures.slice(before)).toEqual([]);
  }, 120_000);

  it('a signed-out visit to an admin page returns to it through the sign-in page, as a header value', async () => {
    const before = tally.failures.length;
    const urls: [input: string, url: (encoded: string) => string][] = [
      ['GET /admin/brands ?q (signed out)', (p) => `/admin/brands?q=${p}`],
      ['GET /admin/brands/<id> (signed out)', (p) => `/admin/brands/${p}`],
    ];
    for (const [input, url] of urls) {
      await eachLimit(PAYLOADS.filter((p) => p !== ''), 4, async (payload) => {
        const response = await app.inject({ method: 'GET', url: url(percentEncode(payload)), headers: { host: SITE.host } });
        tally.record(input, payload, response);
        expect(response.statusCode, JSON.stringify(payload.slice(0, 80))).toBeLessThan(500);
        expect(badLocation(response, '/admin/login?next=%2Fadmin'), JSON.stringify(payload.slice(0, 80))).toBeNull();
      });
    }
    expect(tally.failures.slice(before)).toEqual([]);
  }, 60_000);

  it('the newsletter form sends a visitor back only to a path on this site', async () => {
    const before = tally.failures.length;
    await eachLimit(PAYLOADS, 4, async (payload) => {
      const response = await app.inject({
        method: 'POST',
        url: '/newsletter',
        headers: { host: SITE.host, origin: new URL(app.config.publicUrl).origin, 'content-type': 'application/x-www-form-urlencoded' },
        payload: encode({ email: 'redirects@example.com', back: payload }),
      });
      tally.record('POST /newsletter back', payload, response);
      expect(badLocation(response), JSON.stringify(payload.slice(0, 80))).toBeNull();
    });
    expect(tally.failures.slice(before)).toEqual([]);
  }, 60_000);

  it('the compare picker redirects to /compare whatever it is asked to add', async () => {
    const before = tally.failures.length;
    await eachLimit(PAYLOADS, 4, async (payload) => {
      const response = await app.inject({ method: 'GET', url: `/compare?add=${percentEncode(payload)}`, headers: { host: SITE.host } });
      tally.record('GET /compare ?add', payload, response);
      expect(badLocation(response, '/compare'), JSON.stringify(payload.slice(0, 80))).toBeNull();
    });
    expect(tally.failures.slice(before)).toEqual([]);
  }, 60_000);
});
