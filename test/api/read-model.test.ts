/**
 * The catalogue read model answers every list exactly as PostgreSQL does: thousands of random filter, sort
 * and page combinations (offset and cursor pages, facets) against both paths, requiring identical rows,
 * order, totals and pagination; then after admin writes (an edit, a rename, a delete and a restore), after
 * a write that bypassed every event (the drift check repairs it), and while it is not ready.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACET_NAMES, PRICE_BANDS } from '../../src/catalogue/facets.js';
import { CATALOGUE_SORTS, type CatalogueFilters } from '../../src/catalogue/filters.js';
import { createModelRepository } from '../../src/catalogue/models/repository.js';
import type { CatalogueReadModel } from '../../src/catalogue/read-model/read-model.js';
import { createVariantRepository } from '../../src/catalogue/variants/repository.js';
import { BODY_TYPES, FUELS, MODEL_STATUSES, TRANSMISSIONS } from '../../src/catalogue/vocabulary.js';
import { signedIn, type TestSession } from '../admin/helpers.js';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
let readModel: CatalogueReadModel;
let editor: TestSession;
let brands: string[];
beforeAll(async () => {
  t = await buildTestApp();
  readModel = t.app.catalogueReadModel!;
  await readModel.settled();
  editor = await signedIn(t.app, 'editor');
  brands = (await t.app.pg.query<{ slug: string }>('SELECT slug FROM brands ORDER BY id')).rows.map((r) => r.slug);
});
afterAll(() => t.close());

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T,>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const maybe = <T,>(p: number, value: () => T): T | undefined => (next() < p ? value() : undefined);
  return { next, pick, maybe };
}

const PRICES = [...PRICE_BANDS.map((b) => b.min), 450_000, 799_999, 1_234_567, 2_500_000, 15_000_000, 1_000_000_000];

function randomFilters(seed: number): CatalogueFilters {
  const r = random(seed);
  const filters: Record<string, unknown> = {
    brand: r.maybe(0.3, () => Array.from({ length: 1 + Math.floor(r.next() * 3) }, () => r.pick([...brands, 'no-such-brand'])).join(',')),
    bodyType: r.maybe(0.3, () => r.pick(BODY_TYPES)),
    fuel: r.maybe(0.3, () => r.pick(FUELS)),
    transmission: r.maybe(0.25, () => r.pick(TRANSMISSIONS)),
    seats: r.maybe(0.15, () => r.pick([2, 4, 5, 6, 7, 8, 9])),
    priceMin: r.maybe(0.3, () => r.pick(PRICES)),
    priceMax: r.maybe(0.3, () => r.pick(PRICES)),
    status: r.maybe(0.2, () => r.pick(MODEL_STATUSES)),
    safetyMin: r.maybe(0.15, () => r.pick([0, 3, 4, 5])),
    sort: r.pick(CATALOGUE_SORTS),
    limit: r.pick([1, 2, 5, 10, 20, 50, 100]),
    page: r.pick([1, 1, 1, 2, 3, 7]),
  };
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as CatalogueFilters;
}

/** Both paths for one list and filters: rows, order and pagination must be identical, facets too. */
async function compare(entity: 'models' | 'variants', filters: CatalogueFilters, withFacets: boolean): Promise<string | null> {
  const repository = entity === 'models' ? createModelRepository(t.app.pg) : createVariantRepository(t.app.pg);
  const sql = await repository.list(filters);
  const memory = entity === 'models' ? readModel.listModels(filters) : readModel.listVariants(filters);
  expect(memory.rows, JSON.stringify({ entity, filters })).toEqual(sql.rows);
  expect(memory.pagination, JSON.stringify({ entity, filters })).toEqual(sql.pagination);
  if (withFacets) {
    expect(readModel.facets(entity, filters, FACET_NAMES), JSON.stringify({ entity, filters })).toEqual(await repository.facets(filters, FACET_NAMES));
  }
  return sql.pagination.nextCursor;
}

/** Every list answer of the catalogue API, compared page by page along its cursors; returns how many. */
async function compareMany(seeds: number, from = 0): Promise<number> {
  let compared = 0;
  for (let seed = from; seed < from + seeds; seed++) {
    const filters = randomFilters(seed);
    for (const entity of ['models', 'variants'] as const) {
      let cursor = await compare(entity, filters, seed % 4 === 0);
      compared += 1;
      // Follow the cursor a few pages (keyset paging), as a client reading on would.
      for (let pages = 0; cursor !== null && pages < 3; pages++) {
        const { page: _page, ...rest } = filters;
        cursor = await compare(entity, { ...rest, page: 1, cursor }, false);
        compared += 1;
      }
    }
  }
  return compared;
}

describe('the read model answers lists exactly as PostgreSQL', () => {
  it('is loaded at start with every live model and variant', async () => {
    const { rows } = await t.app.pg.query<{ models: number; variants: number }>(
      'SELECT (SELECT count(*)::int FROM models WHERE deleted_at IS NULL) AS models, (SELECT count(*)::int FROM variants WHERE deleted_at IS NULL) AS variants',
    );
    expect(readModel.stats()).toMatchObject({ state: 'ready', ...rows[0] });
    expect(rows[0]!.variants).toBeGreaterThan(1_000);
  });

  it('for a thousand random combinations of filters, sorts, pages and cursors, with facets', async () => {
    // Each combination on both lists, then along up to three cursors: a few thousand answers compared.
    expect(await compareMany(1_000)).toBeGreaterThan(3_000);
  }, 240_000);

  it('and through the API, with facets in the answer and the same counts as the list totals', async () => {
    const body = (await t.app.inject({ method: 'GET', url: '/api/models?bodyType=suv&facets=fuel,bodyType,price' })).json();
    expect(Object.keys(body.facets).sort()).toEqual(['bodyType', 'fuel', 'price']);
    for (const { value, count } of body.facets.fuel) {
      const list = (await t.app.inject({ method: 'GET', url: `/api/models?bodyType=suv&fuel=${value}&limit=1` })).json();
      expect(list.pagination.total, value).toBe(count);
    }
    const suv = body.facets.bodyType.find((f: { value: string }) => f.value === 'suv');
    expect(suv.count).toBe(body.pagination.total);
    const refused = await t.app.inject({ method: 'GET', url: '/api/variants?facets=colour' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('facets');
  });
});

describe('the read model follows writes', () => {
  const admin = (method: 'PATCH' | 'DELETE' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url, payload, headers: { ...editor.headers, ...headers } });
  const row = async (table: 'models' | 'variants', slug: string) =>
    (await t.app.pg.query<{ id: number; version: number }>(`SELECT id, version FROM ${table} WHERE slug = $1`, [slug])).rows[0]!;

  it('shows an admin edit, a rename, a delete and a restore in the next answer', async () => {
    const variant = (await t.app.pg.query<{ slug: string }>(`SELECT slug FROM variants WHERE deleted_at IS NULL ORDER BY price_inr DESC LIMIT 1 OFFSET 40`)).rows[0]!.slug;
    const { id, version } = await row('variants', variant);
    const cheapest = async () => (await t.app.inject({ method: 'GET', url: '/api/variants?sort=price&limit=1' })).json().data[0].slug;

    expect((await admin('PATCH', `/api/admin/variants/${id}`, { priceInr: 100_001 }, { 'if-match': `"v${version}"` })).statusCode).toBe(200);
    expect(await cheapest()).toBe(variant);
    await compareMany(60, 10_000);

    const model = (await t.app.pg.query<{ slug: string }>('SELECT m.slug FROM models m JOIN variants v ON v.model_id = m.id WHERE v.id = $1', [id])).rows[0]!.slug;
    const m = await row('models', model);
    expect((await admin('PATCH', `/api/admin/models/${m.id}`, { name: 'Aaaa Renamed' }, { 'if-match': `"v${m.version}"` })).statusCode).toBe(200);
    const renamed = (await t.app.inject({ method: 'GET', url: '/api/variants?sort=price&limit=1' })).json().data[0];
    expect(renamed.model.name).toBe('Aaaa Renamed');
    await compareMany(60, 20_000);

    expect((await admin('DELETE', `/api/admin/variants/${id}`, undefined, { 'if-match': `"v${(await row('variants', variant)).version}"` })).statusCode).toBe(200);
    expect(await cheapest()).not.toBe(variant);
    await compareMany(60, 30_000);
    expect((await admin('POST', `/api/admin/variants/${id}/restore`, undefined, { 'if-match': `"v${(await row('variants', variant)).version}"` })).statusCode).toBe(200);
    expect(await cheapest()).toBe(variant);
    await compareMany(60, 40_000);
  }, 120_000);

  it('repairs a change it was never told of (a write straight to PostgreSQL) at the drift check', async () => {
    await readModel.settled();
    await t.app.pg.query(`UPDATE variants SET price_inr = 100000 WHERE id = (SELECT id FROM variants WHERE deleted_at IS NULL ORDER BY price_inr DESC LIMIT 1)`);
    expect(await readModel.checkDrift()).toBe(false); // the first mismatch may be an event still on the way
    expect(await readModel.checkDrift()).toBe(true);
    await readModel.settled();
    expect(readModel.stats().driftRepairs).toBe(1);
    await compareMany(60, 50_000);
    expect(await readModel.checkDrift()).toBe(false);
  }, 60_000);

  it('leaves lists to PostgreSQL from the moment a change is noted until its rows are read again', async () => {
    readModel.noteChange({ tags: ['variant:no-such-variant'] });
    expect(readModel.ready).toBe(false);
    const answer = await t.app.inject({ method: 'GET', url: '/api/variants?sort=price&limit=3&brand=tata' });
    expect(answer.statusCode).toBe(200);
    await readModel.settled();
    expect(readModel.ready).toBe(true);
  });
});
