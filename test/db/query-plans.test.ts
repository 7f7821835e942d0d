/**
 * On a 200,000-variant catalogue, EXPLAIN every hot query exactly as the repositories send it and fail if
 * any plan reads models or variants with a sequential scan. The statements are captured from the real
 * repository code, so a change to a query or an index is checked here. On the same catalogue, what a
 * stranger's request can cost is bounded: the broadest searches rank a bounded number of rows in bounded
 * time, and deep offset pages are refused before they run.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrandRepository } from '../../src/catalogue/brands/repository.js';
import { createComparisonRepository } from '../../src/catalogue/comparisons/repository.js';
import type { CatalogueFilters } from '../../src/catalogue/filters.js';
import { createModelRepository } from '../../src/catalogue/models/repository.js';
import { createSearchRepository } from '../../src/catalogue/search/repository.js';
import { SEARCH_MAX_RESULTS } from '../../src/catalogue/search/schemas.js';
import { createSearchService, toSearchTerms } from '../../src/catalogue/search/service.js';
import { createVariantRepository } from '../../src/catalogue/variants/repository.js';
import { seedSynthetic } from '../../src/db/seed/synthetic.js';
import type { Executor, Statement } from '../../src/platform/db.js';
import { lastOffsetPage } from '../../src/catalogue/list-query.js';
import { CARS_PAGE_SIZE } from '../../src/web/schemas.js';
import { buildTestApp, createPool, createTestDatabase, inject, testConfig, type TestApp, type TestDatabase } from '../helpers.js';

const CATALOGUE_VARIANTS = 200_000;
const WATCHED = new Set(['models', 'variants']);
/**
 * A search's execution time on this catalogue, generous for a busy 2-core machine: measured with a load
 * average of 17 at 1-14 ms for "s" and "e", 90-160 ms for "petrol", 300-380 ms for eight common words at
 * once; ranking every match of "s" took 2.7 s on an idle machine before candidates were capped.
 */
const SEARCH_EXECUTION_BOUND_MS = 1_000;
/** Rows a search may feed to its ranking: each of the three kinds contributes at most one more than it can show. */
const MAX_RANKED_ROWS = 3 * (SEARCH_MAX_RESULTS + 1);

let database: TestDatabase;
let pool: pg.Pool;

interface Captured {
  text: string;
  values: unknown[];
}

/** An executor that records each statement and still runs it, so every query path completes normally. */
function recorder(target: pg.Pool) {
  const captured: Captured[] = [];
  const executor: Executor = {
    query<Row extends pg.QueryResultRow>(statement: string | Statement, values?: unknown[]) {
      const config = typeof statement === 'string' ? { text: statement, values: values ?? [] } : statement;
      captured.push({ text: config.text, values: config.values ?? [] });
      return target.query<Row>(config);
    },
  };
  return { executor, captured };
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** The most rows any node but an index scan produced (a bitmap index scan counts the row ids it found). */
function mostRowsProduced(node: PlanNode): number {
  const own = node['Node Type'].startsWith('Bitmap Index Scan') || node['Node Type'] === 'BitmapOr' ? 0 : (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1);
  return Math.max(own, ...(node.Plans ?? []).map(mostRowsProduced));
}

function seqScans(node: PlanNode, found: string[] = []): string[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] && WATCHED.has(node['Relation Name'])) found.push(node['Relation Name']);
  for (const child of node.Plans ?? []) seqScans(child, found);
  return found;
}

const filters = (f: Partial<CatalogueFilters>): CatalogueFilters => ({ sort: 'popularity', page: 1, limit: 20, ...f });

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url, { ...testConfig(database.url).pool, statementTimeoutMs: 0 });
  await seedSynthetic(pool, CATALOGUE_VARIANTS);
}, 600_000);
afterAll(async () => {
  await pool.end();
  await database.drop();
});

const HOT: [string, (e: Executor, ids: { modelId: number; brandId: number }) => Promise<unknown>][] = [
  ['models: suv under 15 lakh by price', (e) => createModelRepository(e).list(filters({ bodyType: 'suv', priceMax: 1_500_000, sort: 'price' }))],
  ['models: one brand by popularity', (e) => createModelRepository(e).list(filters({ brand: 'hyundai' }))],
  ['models: electric, high to low', (e) => createModelRepository(e).list(filters({ fuel: 'electric', sort: '-price' }))],
  ['models: 7 seaters, newest', (e) => createModelRepository(e).list(filters({ seats: 7, sort: 'newest', priceMax: 2_000_000 }))],
  ['variants: brand by -price', (e) => createVariantRepository(e).list(filters({ brand: 'tata', sort: '-price' }))],
  ['variants: cng under 8 lakh', (e) => createVariantRepository(e).list(filters({ fuel: 'cng', priceMax: 800_000, sort: 'price' }))],
  ['variants: suv automatic under 20 lakh', (e) => createVariantRepository(e).list(filters({ bodyType: 'suv', transmission: 'automatic', priceMax: 2_000_000, sort: 'price' }))],
  ['model by slug', (e) => createModelRepository(e).findBySlug('hyundai-creta')],
  ['variants of a model', (e, ids) => createVariantRepository(e).listByModel(ids.modelId)],
  ['models of a brand', (e, ids) => createModelRepository(e).listByBrand(ids.brandId)],
  ['brand by slug', (e) => createBrandRepository(e).findBySlug('hyundai')],
  ['variant by slug and compare', (e) => createVariantRepository(e).findManyBySlugs(['hyundai-creta-e', 'kia-seltos-htk'])],
  ['search with a typo', (e) => createSearchRepository(e).search(toSearchTerms('cretta')!, ['brand', 'model', 'variant'], 20, 0)],
  ['autocomplete', (e) => createSearchRepository(e).search(toSearchTerms('mahin')!, ['brand', 'model'], 10, 0)],
  ['popular comparisons', (e) => createComparisonRepository(e).listPopular(10, 0)],
];

describe(`query plans on a ${CATALOGUE_VARIANTS.toLocaleString('en')}-variant catalogue`, () => {
  it('holds the synthetic catalogue', async () => {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM variants');
    expect(rows[0]!.n).toBeGreaterThanOrEqual(CATALOGUE_VARIANTS);
  });

  it.each(HOT)('%s uses indexes only', async (_name, run) => {
    const { rows } = await pool.query<{ modelId: number; brandId: number }>(
      `SELECT id AS "modelId", brand_id AS "brandId" FROM models WHERE slug = 'hyundai-creta'`,
    );
    const { executor, captured } = recorder(pool);
    await run(executor, rows[0]!);
    expect(captured.length).toBeGreaterThan(0);
    for (const statement of captured) {
      const { rows: plan } = await pool.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${statement.text}`, statement.values);
      const scans = seqScans(plan[0]!['QUERY PLAN'][0]!.Plan);
      expect(scans, `${inject('engine')}: sequential scan of ${scans.join(', ')} in:\n${statement.text}`).toEqual([]);
    }
  });
});

describe(`what a stranger's request costs on a ${CATALOGUE_VARIANTS.toLocaleString('en')}-variant catalogue`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ database });
  });
  afterAll(() => t?.close());

  // One letter (every "s…" word once), a fuel half the variants share, and eight common words at once.
  it.each(['s', 'e', 'petrol', 'petrol manual base mid plus top diesel cng'])('search %j ranks a bounded number of rows in bounded time', async (q) => {
    const { executor, captured } = recorder(pool);
    await createSearchService(createSearchRepository(executor)).search({ q, mode: 'full', page: 1, limit: 20 });
    expect(captured).toHaveLength(1);
    const { text, values } = captured[0]!;
    const { rows } = await pool.query<{ 'QUERY PLAN': { Plan: PlanNode; 'Execution Time': number }[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
    const explained = rows[0]!['QUERY PLAN'][0]!;
    expect(mostRowsProduced(explained.Plan), `rows ranked for ${JSON.stringify(q)}`).toBeLessThanOrEqual(MAX_RANKED_ROWS);
    expect(explained['Execution Time'], `execution time of ${JSON.stringify(q)}`).toBeLessThan(SEARCH_EXECUTION_BOUND_MS);
  });

  it('answers the broadest searches (API, page, compare picker) without an error, saying when a total is a lower bound', async () => {
    for (const q of ['s', 'e', 'petrol', 'm']) {
      const response = await t.app.inject(`/api/search?q=${q}`);
      expect(response.statusCode, `q=${q}`).toBe(200);
    }
    expect((await t.app.inject('/api/search?q=petrol')).json().pagination).toMatchObject({ total: SEARCH_MAX_RESULTS, totalIsLowerBound: true, pages: SEARCH_MAX_RESULTS / 20 });
    expect((await t.app.inject('/search?q=s')).statusCode).toBe(200);
    expect((await t.app.inject('/compare?add=m')).statusCode).toBe(303);
  });

  it('refuses page 1,000 of 100 before it runs, and the /cars pager links no further than offset paging reaches', async () => {
    const deep = await t.app.inject('/api/variants?page=1000&limit=100&sort=popularity&seats=5');
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error.message).toMatch(/cursor/);
    const last = lastOffsetPage(CARS_PAGE_SIZE);
    const page = await t.app.inject(`/cars?page=${last}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Page ${last} of ${last}`);
    expect(page.body).not.toContain('rel="next"');
    expect((await t.app.inject(`/cars?page=${last + 1}`)).statusCode).toBe(400);
  });
});
