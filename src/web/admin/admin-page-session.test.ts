/**
 * Where the admin sign-in may send someone back to: only our own admin pages, as a value a Location header
 * can carry. The sweep of every hostile payload, and the redirects themselves, are tested over HTTP in
 * test/security/redirect-targets.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { safeNext } from './admin-page-session.js';

describe('safeNext', () => {
  it.each([
    ['/admin', '/admin'],
    ['/admin/brands?q=creta&page=2', '/admin/brands?q=creta&page=2'],
    ['/admin/€', '/admin/%E2%82%AC'],
    ['/admin/brands?q=Škoda', '/admin/brands?q=%C5%A0koda'],
    ['/admin/%E2%82%AC', '/admin/%E2%82%AC'],
    ['/admin/\u2028', '/admin/%E2%80%A8'],
    ['/admin/\ud800', '/admin'],
    ['/admin/\r\nSet-Cookie: x=1', '/admin'],
    ['/admin/ x', '/admin'],
    ['//evil.example', '/admin'],
    ['/admin@evil.example', '/admin'],
    ['/administrator', '/admin'],
    ['https://evil.example/admin', '/admin'],
    ['/admin\\..\\x', '/admin'],
    ['/admin/../cars', '/admin'],
    ['/admin/%2E%2e/cars', '/admin'],
    [42, '/admin'],
    [undefined, '/admin'],
  ])('%j → %j', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it('drops an over-long return address', () => {
    expect(safeNext(`/admin/${'x'.repeat(1_900)}`)).toBe(`/admin/${'x'.repeat(1_900)}`);
    expect(safeNext(`/admin/${'x'.repeat(3_000)}`)).toBe('/admin');
  });

  it('keeps the longest return address allowed (2,000 characters) and drops one longer', () => {
    const longest = `/admin/${'x'.repeat(2_000 - '/admin/'.length)}`;
    expect(safeNext(longest)).toBe(longest);
    expect(safeNext(`${longest}x`)).toBe('/admin');
  });

  it.each([
    // Dot segments are refused in any spelling and position; dots inside a name are not dot segments.
    ['/admin/x/..', '/admin'],
    ['/admin/..?x=1', '/admin'],
    ['/admin/%2e./cars', '/admin'],
    ['/admin/.%2E/cars', '/admin'],
    ['/admin/./brands', '/admin'],
    ['/admin/.hidden', '/admin/.hidden'],
    ['/admin/...', '/admin/...'],
    ['/admin/brands/v1.2', '/admin/brands/v1.2'],
    // Only a path or a query may follow /admin.
    ['/admin?tab=users', '/admin?tab=users'],
    ['/admin/', '/admin/'],
    ['/admin#top', '/admin'],
    ['/admin;x', '/admin'],
    ['/admin/a\\b', '/admin'],
    ['/admin/\u007f', '/admin'],
    ['/admin/\u00a0', '/admin/%C2%A0'],
    [null, '/admin'],
    [['/admin/brands'], '/admin'],
  ])('%j → %j', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it('gives back what it gave: an answer is itself a safe return address', () => {
    for (const next of ['/admin/€', '/admin/brands?q=Škoda&x=%41', '/admin/\u2028', '/admin/../x', '/admin/😀?q=😀', '/admin/%zz']) {
      const safe = safeNext(next);
      expect(safeNext(safe), JSON.stringify(next)).toBe(safe);
    }
  });
});
