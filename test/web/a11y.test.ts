/**
 * Accessibility: axe-core in headless Chromium on every page type, public and admin. No serious or
 * critical violation is allowed (contrast, names of controls and links, labels, landmarks, ARIA use).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createUser } from '../admin/helpers.js';
import { axeViolations, describeViolations, isSerious } from '../setup/browser-axe.js';
import { hasChromium, launchBrowser, startSite, type Site } from '../setup/browser.js';

const PAGE_TIMEOUT_MS = 30_000;

let site: Site;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let articleSlug: string;
let variantId: number;
let swiftSlug: string;

beforeAll(async () => {
  if (!hasChromium) return;
  [site, browser] = await Promise.all([startSite(), launchBrowser()]);
  // axe is injected as an inline script, which the pages' CSP (rightly) forbids.
  context = await browser.newContext({ baseURL: site.baseUrl, bypassCSP: true });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  const article = await site.app.pg.query<{ slug: string }>(`SELECT slug FROM articles WHERE status = 'published' ORDER BY published_at DESC LIMIT 1`);
  articleSlug = article.rows[0]!.slug;
  const variant = await site.app.pg.query<{ id: number }>(`SELECT id FROM variants WHERE slug = 'hyundai-creta-e'`);
  variantId = variant.rows[0]!.id;
  const swift = await site.app.pg.query<{ slug: string }>(`SELECT slug FROM variants WHERE slug LIKE 'maruti-suzuki-swift-%' ORDER BY price_inr LIMIT 1`);
  swiftSlug = swift.rows[0]!.slug;
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function expectAccessible(url: string, status = 200): Promise<void> {
  const response = await page.goto(url);
  expect(response?.status(), url).toBe(status);
  const all = await axeViolations(page);
  const minor = all.filter((v) => !isSerious(v));
  // Minor and moderate findings are reported, not failed: they are judgement calls (e.g. region rules).
  if (minor.length > 0) console.info(`${url}: ${minor.map((v) => `${v.impact} ${v.id}`).join(', ')}`);
  const serious = all.filter(isSerious);
  expect(serious, `${url}\n${describeViolations(serious)}`).toEqual([]);
}

describe.skipIf(!hasChromium)('axe-core finds no serious or critical violation', () => {
  it('fails a page that has one (the check can fail)', { timeout: PAGE_TIMEOUT_MS }, async () => {
    await page.goto('/brands');
    await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<button></button><img src="/nothing.png">'));
    const ids = (await axeViolations(page)).filter(isSerious).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['button-name', 'image-alt']));
  });

  it.each([
    ['home', '/'],
    ['brands', '/brands'],
    ['brand', '/brands/hyundai'],
    ['model', '/cars/hyundai-creta'],
    ['variant', '/variants/hyundai-creta-e'],
    ['cars results', '/cars?bodyType=suv'],
    ['search results', '/search?q=creta'],
    ['news list', '/news'],
  ])('%s (%s)', { timeout: PAGE_TIMEOUT_MS }, async (_name, url) => {
    await expectAccessible(url);
  });

  it('compare (three cars)', { timeout: PAGE_TIMEOUT_MS }, async () => {
    await expectAccessible(`/compare?variants=hyundai-creta-e,tata-nexon-smart,${swiftSlug}`);
  });

  it('article', { timeout: PAGE_TIMEOUT_MS }, async () => {
    await expectAccessible(`/news/${articleSlug}`);
  });

  it('404', { timeout: PAGE_TIMEOUT_MS }, async () => {
    await expectAccessible('/no/such/page', 404);
  });

  describe('admin', () => {
    it('login', { timeout: PAGE_TIMEOUT_MS }, async () => {
      await expectAccessible('/admin/login');
    });

    it('dashboard, list and edit form', { timeout: PAGE_TIMEOUT_MS * 2 }, async () => {
      const admin = await createUser(site.app, 'admin');
      await page.goto('/admin/login');
      await page.getByLabel('Email').fill(admin.email);
      await page.getByLabel('Password').fill(admin.password);
      await page.locator('#login-submit').click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('Dashboard');
      for (const url of ['/admin', '/admin/variants?q=creta', `/admin/variants/${variantId}`]) await expectAccessible(url);
    });
  });
});

describe.skipIf(hasChromium)('without Chromium', () => {
  it.skip('accessibility checks skipped: /usr/bin/chromium is missing (apt-get install chromium, as .ci/run does)', () => undefined);
});
