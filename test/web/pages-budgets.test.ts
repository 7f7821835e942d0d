/**
 * Page weight budgets, measured on the real bundles: at most 30 KB of gzipped JavaScript on any page (the
 * islands a page can load together) and a stylesheet under 30 KB. Also checks the inline-CSS hash matches.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildSiteAssets, ISLANDS } from '../../src/web/assets.js';

const JS_BUDGET_BYTES = 30 * 1024;
const CSS_BUDGET_BYTES = 30 * 1024;

describe('budgets', () => {
  it('keeps JavaScript per page and CSS within 30 KB gzipped', async () => {
    const assets = await buildSiteAssets();
    const gzipped = (text: string | Buffer) => gzipSync(text, { level: 9 }).length;
    const islandBytes = Object.fromEntries(
      ISLANDS.map((name) => {
        const file = assets.islandUrls[name].replace('/assets/', '');
        return [name, gzipped(assets.files.get(file)!.body.raw)];
      }),
    );
    // No page loads more than the autocomplete plus one other island; the sum of all three bounds them all.
    const allIslands = Object.values(islandBytes).reduce((a, b) => a + b, 0);
    expect(allIslands).toBeGreaterThan(0);
    expect(allIslands).toBeLessThanOrEqual(JS_BUDGET_BYTES);
    expect(gzipped(assets.css)).toBeLessThanOrEqual(CSS_BUDGET_BYTES);
    expect(Buffer.byteLength(assets.css)).toBeLessThanOrEqual(CSS_BUDGET_BYTES);
    expect(assets.cssHash).toBe(`'sha256-${createHash('sha256').update(assets.css).digest('base64')}'`);
    console.info(`page weights (gzip -9): islands ${JSON.stringify(islandBytes)} B, css ${gzipped(assets.css)} B (raw ${Buffer.byteLength(assets.css)} B)`);
  });

  it('names bundles by their content (a change gives a new URL)', async () => {
    const assets = await buildSiteAssets();
    for (const name of ISLANDS) expect(assets.islandUrls[name]).toMatch(new RegExp(`^/assets/${name}\\.[A-Za-z0-9]{10}\\.js$`));
  });
});
