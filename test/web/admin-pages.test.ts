/**
 * The admin pages: signing in and out through the forms, every page for each role, caching rules, no
 * secrets in the HTML, and the hashed script bundle.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_JWT_SECRET, type TestApp } from '../helpers.js';
import { createUser, type TestUser } from '../admin/helpers.js';
import { lockoutMessage } from '../../src/web/admin/admin-page-routes.js';
import { encode, formHeaders, getPage, setCookies, signInPage, SITE, type PageSession } from './admin-helpers.js';

let t: TestApp;
let admin: TestUser;
let adminSession: PageSession;
let viewerSession: PageSession;
let pages: string[];

beforeAll(async () => {
  t = await buildTestApp();
  admin = await createUser(t.app, 'admin');
  adminSession = await signInPage(t.app, admin);
  viewerSession = await signInPage(t.app, await createUser(t.app, 'viewer'));
  const first = async (table: string) => (await t.app.pg.query<{ id: number }>(`SELECT min(id) AS id FROM ${table}`)).rows[0]!.id;
  const model = await first('models');
  await t.app.pg.query(`INSERT INTO model_images (model_id, kind, path, alt, width, height, position) VALUES ($1, 'exterior', '/media/test.jpg', 'front', 800, 450, 0)`, [model]);
  pages = ['/admin', '/admin/audit', '/admin/import', `/admin/models/${model}/images/new`];
  const tables = { brands: 'brands', models: 'models', variants: 'variants', images: 'model_images', articles: 'articles', comparisons: 'popular_comparisons' };
  for (const [path, table] of Object.entries(tables)) pages.push(`/admin/${path}`, `/admin/${path}/new`, `/admin/${path}/${await first(table)}`);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('signing in', () => {
  it('sets the API cookies unchanged: httpOnly, Secure, SameSite=Strict, refresh scoped to the refresh route', () => {
    const access = adminSession.setCookies.find((c) => c.startsWith('gz_access='))!;
    const refresh = adminSession.setCookies.find((c) => c.startsWith('gz_refresh='))!;
    for (const cookie of [access, refresh]) {
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/Secure/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
    }
    expect(refresh).toMatch(/Path=\/api\/admin\/auth/);
    expect(adminSession.accessToken.length).toBeGreaterThan(20);
  });

  it('explains a wrong password, keeps the email, and never echoes the password', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/admin/login', headers: formHeaders(), payload: encode({ email: admin.email, password: 'not-the-password-123', next: '/admin' }) });
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('The email or password is not right.');
    expect(response.body).toContain(`value="${admin.email}"`);
    expect(response.body).not.toContain('not-the-password-123');
    expect(setCookies(response)).toEqual([]);
  });

  it('shows the email field error from the API', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/admin/login', headers: formHeaders(), payload: encode({ email: 'nope', password: 'x', next: '/admin' }) });
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/id="login-email-error"[^>]*>[^<]*email/);
  });

  it('says how long a locked account must wait', async () => {
    const user = await createUser(t.app, 'editor');
    let response;
    for (let attempt = 0; attempt < 6; attempt++) {
      response = await t.app.inject({ method: 'POST', url: '/admin/login', remoteAddress: '10.20.30.40', headers: formHeaders(), payload: encode({ email: user.email, password: 'wrong-password-000', next: '/admin' }) });
    }
    expect(response!.statusCode).toBe(429);
    expect(response!.body).toMatch(/sign-in is locked for 1 minute\(s\) \(until \d\d:\d\d UTC\)/);
    expect(lockoutMessage('30')).toContain('30 second(s)');
  });

  it('refuses a login form from another site (CSRF), and one with no Origin', async () => {
    for (const origin of ['https://evil.example', null]) {
      const response = await t.app.inject({ method: 'POST', url: '/admin/login', headers: formHeaders(undefined, origin), payload: encode({ email: admin.email, password: admin.password }) });
      expect(response.statusCode).toBe(403);
      expect(setCookies(response)).toEqual([]);
    }
  });

  it('returns only to admin pages after sign-in (no open redirect)', async () => {
    for (const [next, expected] of [['/admin/variants?q=creta', '/admin/variants?q=creta'], ['https://evil.example/', '/admin'], ['//evil.example', '/admin'], ['/api/admin/users', '/admin']]) {
      const response = await t.app.inject({ method: 'POST', url: '/admin/login', headers: formHeaders(), payload: encode({ email: admin.email, password: admin.password, next: next! }) });
      expect(response.headers.location).toBe(expected);
    }
  });

  it('signs out: the cookies are cleared', async () => {
    const session = await signInPage(t.app, admin);
    const response = await t.app.inject({ method: 'POST', url: '/admin/logout', headers: formHeaders(session.cookie), payload: '' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/admin/login?signedOut=1');
    expect(setCookies(response).some((c) => /^gz_access=;/.test(c))).toBe(true);
    // Without script too, the session ends on the server: the old access token no longer works.
    const after = await t.app.inject({ method: 'GET', url: '/api/admin/auth/me', headers: { authorization: `Bearer ${session.accessToken}` } });
    expect(after.statusCode).toBe(401);
  });
});

describe('every page', () => {
  it('redirects (303) to the login page when signed out, keeping where to return', async () => {
    for (const url of pages) {
      const response = await getPage(t.app, url);
      expect(response.statusCode, url).toBe(303);
      expect(response.headers.location, url).toBe(`/admin/login?next=${encodeURIComponent(url)}`);
    }
  });

  it('redirects to the login page with a forged or expired access cookie', async () => {
    const response = await getPage(t.app, '/admin', { ...adminSession, cookie: 'gz_access=eyJhbGciOiJIUzI1NiJ9.e30.forged' });
    expect(response.statusCode).toBe(303);
  });

  it('answers 200 for an admin, never publicly cached, with no token or secret in the HTML', async () => {
    for (const url of pages) {
      const response = await getPage(t.app, url, adminSession);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toMatch(/^text\/html/);
      expect(response.headers['cache-control'], url).toBe('no-store, private');
      expect(response.headers['content-security-policy'], url).toContain("script-src 'self'");
      for (const secret of [adminSession.accessToken, adminSession.refreshToken, TEST_JWT_SECRET, admin.password]) expect(response.body.includes(secret), url).toBe(false);
      expect(response.body, url).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
      expect(response.body, url).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(response.body, url).toMatch(/<main id="main"/);
    }
  });

  it('the login page is not cached either, and the dashboard shows counts and exports to admins', async () => {
    expect((await getPage(t.app, '/admin/login')).headers['cache-control']).toBe('no-store, private');
    const dashboard = (await getPage(t.app, '/admin', adminSession)).body;
    expect(dashboard).toContain('Latest leads');
    expect(dashboard).toContain('href="/api/admin/exports/leads.csv"');
    const brands = (await t.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM brands WHERE deleted_at IS NULL')).rows[0]!.n;
    expect(dashboard).toContain(`<strong>${brands}</strong><a href="/admin/brands">`);
  });
});

describe('a viewer', () => {
  it('sees every list and record without edit controls, exports or leads', async () => {
    for (const url of pages.filter((p) => !p.endsWith('/new') && !p.startsWith('/admin/audit') && !p.startsWith('/admin/import') && !p.includes('/images/new'))) {
      const response = await getPage(t.app, url, viewerSession);
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).not.toMatch(/<button type="submit" id="save"|Delete |Restore |>New |Upload an image/);
      expect(response.body, url).not.toContain('exports/leads.csv');
      expect(response.body, url).not.toContain('Latest leads');
    }
    const variant = pages.find((p) => /^\/admin\/variants\/\d+$/.test(p))!;
    expect((await getPage(t.app, variant, viewerSession)).body).toMatch(/<input id="field-priceInr" name="priceInr" disabled/);
  });

  it('gets 403 for the pages that only change things, and the nav hides them', async () => {
    for (const url of ['/admin/variants/new', '/admin/import', '/admin/audit']) expect((await getPage(t.app, url, viewerSession)).statusCode, url).toBe(403);
    const nav = (await getPage(t.app, '/admin', viewerSession)).body;
    expect(nav).not.toContain('href="/admin/import"');
    expect(nav).not.toContain('href="/admin/audit"');
  });
});

describe('the script bundle', () => {
  it('is one external file named by its content hash and cached as immutable', async () => {
    const html = (await getPage(t.app, '/admin/login')).body;
    const src = /<script src="(\/admin\/assets\/admin\.([0-9a-f]{16})\.js)" defer/.exec(html);
    expect(src).not.toBeNull();
    const response = await t.app.inject({ method: 'GET', url: src![1]!, headers: { host: SITE.host } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(createHash('sha256').update(response.body).digest('hex').slice(0, 16)).toBe(src![2]);
    expect(response.body).toContain('/api/admin/auth/refresh');
    const css = /<link rel="stylesheet" href="(\/admin\/assets\/admin\.[0-9a-f]{16}\.css)"/.exec(html)![1]!;
    expect((await t.app.inject({ method: 'GET', url: css })).headers['cache-control']).toContain('immutable');
  });
});
