import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

async function get(url: string) {
  const response = await t.app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

type Model = { slug: string; name: string; brand: { slug: string }; bodyType: string; status: string; popularity: number; launchDate: string;
  priceMinInr: number | null; fuels: string[]; transmissions: string[]; seatOptions: number[] };

async function all(query: string): Promise<Model[]> {
  const items: Model[] = [];
  let cursor: string | null = null;
  do {
    const { status, body } = await get(`/api/models?${query}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    expect(status).toBe(200);
    items.push(...body.data);
    cursor = body.pagination.nextCursor;
  } while (cursor);
  return items;
}

describe('GET /api/models', () => {
  it('lists models with the pagination envelope, 20 by default', async () => {
    const { status, body } = await get('/api/models');
    expect(status).toBe(200);
    expect(body.data).toHaveLength(20);
    expect(body.pagination).toMatchObject({ page: 1, limit: 20, hasPrev: false, hasNext: true });
    expect(body.pagination.total).toBeGreaterThanOrEqual(250);
    expect(body.pagination.pages).toBe(Math.ceil(body.pagination.total / 20));
    expect(body.data[0]).toHaveProperty('brand.slug');
  });

  it('filters by body type and budget, sorted by price', async () => {
    const models = await all('bodyType=suv&priceMax=1500000&sort=price');
    expect(models.length).toBeGreaterThan(10);
    for (const m of models) {
      expect(m.bodyType).toBe('suv');
      expect(m.priceMinInr).not.toBeNull();
      expect(m.priceMinInr!).toBeLessThanOrEqual(1_500_000);
    }
    const prices = models.map((m) => m.priceMinInr!);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it.each([
    ['fuel=electric', (m: Model) => m.fuels.includes('electric')],
    ['fuel=diesel', (m: Model) => m.fuels.includes('diesel')],
    ['transmission=cvt', (m: Model) => m.transmissions.includes('cvt')],
    ['seats=7', (m: Model) => m.seatOptions.includes(7)],
    ['brand=hyundai', (m: Model) => m.brand.slug === 'hyundai'],
    ['brand=hyundai,kia', (m: Model) => ['hyundai', 'kia'].includes(m.brand.slug)],
    ['status=current', (m: Model) => m.status === 'current'],
    ['priceMin=5000000', (m: Model) => m.priceMinInr !== null && m.priceMinInr >= 5_000_000],
  ])('filter %s returns only matching models', async (query, matches) => {
    const models = await all(query);
    expect(models.length).toBeGreaterThan(0);
    expect(models.every(matches)).toBe(true);
  });

  it('combines filters with AND and reports the exact total', async () => {
    const models = await all('bodyType=suv&fuel=diesel&transmission=automatic&priceMax=3000000');
    const { body } = await get('/api/models?bodyType=suv&fuel=diesel&transmission=automatic&priceMax=3000000');
    expect(body.pagination.total).toBe(models.length);
  });

  it.each([
    ['-price', (a: Model, b: Model) => (a.priceMinInr ?? -1) >= (b.priceMinInr ?? -1)],
    ['popularity', (a: Model, b: Model) => a.popularity >= b.popularity],
    ['newest', (a: Model, b: Model) => a.launchDate >= b.launchDate],
  ])('sort=%s orders every page', async (sort, inOrder) => {
    const models = await all(`sort=${sort}&status=current`);
    for (let i = 1; i < models.length; i++) expect(inOrder(models[i - 1]!, models[i]!)).toBe(true);
  });

  it('sort=name is alphabetical within the database collation and stable across pages', async () => {
    const byCursor = (await all('sort=name')).map((m) => m.slug);
    const byPage: string[] = [];
    for (let page = 1; ; page++) {
      const { body } = await get(`/api/models?sort=name&limit=100&page=${page}`);
      byPage.push(...body.data.map((m: Model) => m.slug));
      if (!body.pagination.hasNext) break;
    }
    expect(byCursor).toEqual(byPage);
    expect(new Set(byCursor).size).toBe(byCursor.length);
  });

  it('keyset paging visits every model exactly once and says it is cursor paging', async () => {
    const first = await get('/api/models?limit=7&sort=price');
    const second = await get(`/api/models?limit=7&sort=price&cursor=${first.body.pagination.nextCursor}`);
    expect(second.body.pagination).toMatchObject({ page: null, hasPrev: true, limit: 7 });
    const offsetPage2 = await get('/api/models?limit=7&sort=price&page=2');
    expect(second.body.data.map((m: Model) => m.slug)).toEqual(offsetPage2.body.data.map((m: Model) => m.slug));
  });

  it('projects fields= from the allowlist', async () => {
    const { status, body } = await get('/api/models?fields=slug,priceMinInr&limit=3');
    expect(status).toBe(200);
    for (const item of body.data) expect(Object.keys(item).sort()).toEqual(['priceMinInr', 'slug']);
  });

  it.each([
    ['/api/models?colour=red&size=big', 'UNKNOWN_PARAMETER', /colour, size/],
    ['/api/models?bodyType=spaceship', 'VALIDATION_FAILED', /bodyType must be one of hatchback/],
    ['/api/models?limit=101', 'VALIDATION_FAILED', /limit must be <= 100/],
    ['/api/models?limit=0', 'VALIDATION_FAILED', /limit/],
    ['/api/models?page=abc', 'VALIDATION_FAILED', /page must be integer/],
    ['/api/models?priceMax=-5', 'VALIDATION_FAILED', /priceMax/],
    ['/api/models?sort=cheapest', 'VALIDATION_FAILED', /sort must be one of/],
    ['/api/models?fields=slug,password', 'VALIDATION_FAILED', /fields/],
    ['/api/models?cursor=not-a-cursor', 'INVALID_CURSOR', /cursor/],
    ['/api/models?seats=2.5', 'VALIDATION_FAILED', /seats/],
    ['/api/models?page=1001', 'VALIDATION_FAILED', /page must be <= 1000/],
  ])('%s → 400 %s', async (url, code, message) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
  });

  it('refuses a cursor minted for another sort', async () => {
    const { body } = await get('/api/models?limit=2&sort=price');
    const { status, body: error } = await get(`/api/models?limit=2&sort=name&cursor=${body.pagination.nextCursor}`);
    expect(status).toBe(400);
    expect(error.error.code).toBe('INVALID_CURSOR');
  });
});

describe('GET /api/models/:slug', () => {
  it('returns the model with brand, variants cheapest first and key specs', async () => {
    const { status, body } = await get('/api/models/hyundai-creta');
    expect(status).toBe(200);
    const model = body.data;
    expect(model).toMatchObject({ slug: 'hyundai-creta', name: 'Creta', brand: { slug: 'hyundai', name: 'Hyundai' }, bodyType: 'suv' });
    expect(model.variants.length).toBeGreaterThan(3);
    const prices = model.variants.map((v: { priceInr: number }) => v.priceInr);
    expect(prices).toEqual([...prices].sort((a: number, b: number) => a - b));
    expect(model.priceMinInr).toBe(prices[0]);
    expect(model.priceMaxInr).toBe(prices.at(-1));
    expect(model.variantCount).toBe(prices.length);
    expect(model.keySpecs.engineCc.unit).toBe('cc');
    expect(model.keySpecs.seats.min).toBe(5);
    expect(model.colours.length).toBeGreaterThan(0);
  });

  it('answers 404 with a clear message for an unknown slug', async () => {
    const { status, body } = await get('/api/models/hyundai-flying-carpet');
    expect(status).toBe(404);
    expect(body.error).toEqual({ code: 'MODEL_NOT_FOUND', message: 'no model with slug "hyundai-flying-carpet"' });
  });

  it('answers 400 for a slug with forbidden characters', async () => {
    const { status, body } = await get('/api/models/Hyundai_Creta');
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
  });
});
