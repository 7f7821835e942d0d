/**
 * A page skips the cache only for a flash message this site signed, within its minute: any other
 * `gz_flash` cookie (made up, tampered, expired) gets the cached page, so a stranger cannot buy an
 * uncached render by sending a cookie.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const PAGE = '/brands';
const INVALID_EMAIL_MESSAGE = 'Please enter a valid email address to subscribe.';
const get = (cookie?: string) => t.app.inject({ method: 'GET', url: PAGE, headers: cookie === undefined ? {} : { cookie } });

/** A real flash: the newsletter form refusing an address sends the visitor back to PAGE with one. */
async function issuedFlash(): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/newsletter',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email: 'not-an-address', back: PAGE }).toString(),
  });
  expect(response.statusCode).toBe(303);
  const cookie = String(response.headers['set-cookie']).split(';')[0]!;
  expect(cookie).toMatch(/^gz_flash=newsletter-invalid\.\d+\.[A-Za-z0-9_-]{22}$/);
  return cookie;
}

function expectCachedPage(response: Awaited<ReturnType<typeof get>>) {
  expect(response.statusCode).toBe(200);
  expect(response.headers['x-cache']).toBe('HIT');
  expect(response.headers['cache-control']).toMatch(/^public, /);
  expect(response.headers['set-cookie']).toBeUndefined();
  expect(response.body).not.toContain(INVALID_EMAIL_MESSAGE);
}

describe('the flash cookie', () => {
  it('made up by a client does not skip the cache', async () => {
    await get();
    for (const value of ['x', 'lead-sent', 'lead-sent.9999999999.AAAAAAAAAAAAAAAAAAAAAA', 'lead-sent.9999999999.AAAA', 'a.b.c.d']) {
      expectCachedPage(await get(`gz_flash=${value}`));
    }
  });

  it('issued by the site shows its message once, uncached and private, and clears itself', async () => {
    const cookie = await issuedFlash();
    const response = await get(cookie);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(INVALID_EMAIL_MESSAGE);
    expect(response.headers['cache-control']).toBe('private, no-store');
    expect(response.headers['x-cache']).toBeUndefined();
    expect(String(response.headers['set-cookie'])).toMatch(/^gz_flash=;/);
  });

  it('with its code changed no longer verifies', async () => {
    const cookie = await issuedFlash();
    expectCachedPage(await get(cookie.replace('newsletter-invalid', 'lead-sent')));
    expectCachedPage(await get(cookie.replace(/\.(\d+)\./, (_whole, expires: string) => `.${Number(expires) + 3600}.`)));
    // The signature's first character (its last one also carries padding bits that decoding ignores).
    const at = cookie.lastIndexOf('.') + 1;
    expectCachedPage(await get(`${cookie.slice(0, at)}${cookie[at] === 'A' ? 'B' : 'A'}${cookie.slice(at + 1)}`));
  });

  it('past its minute is ignored', async () => {
    const cookie = await issuedFlash();
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      expectCachedPage(await get(cookie));
    } finally {
      clock.mockRestore();
    }
  });
});
