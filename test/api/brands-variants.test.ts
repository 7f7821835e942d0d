import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

async function get(url: string) {
  const response = await t.app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
}

describe('brands', () => {
  it('lists every brand by name with model counts and price ranges', async () => {
    const { status, body } = await get('/api/brands?limit=100');
    expect(status).toBe(200);
    expect(body.data.length).toBeGreaterThanOrEqual(30);
    expect(body.pagination.total).toBe(body.data.length);
    const hyundai = body.data.find((b: { slug: string }) => b.slug === 'hyundai');
    expect(hyundai.modelCount).toBeGreaterThan(5);
    expect(hyundai.priceMinInr).toBeLessThan(hyundai.priceMaxInr);
  });

  it('sorts by popularity (models on sale) and pages', async () => {
    const { body } = await get('/api/brands?sort=popularity&limit=5&page=2');
    expect(body.data).toHaveLength(5);
    expect(body.pagination).toMatchObject({ page: 2, hasPrev: true, hasNext: true });
    const counts = body.data.map((b: { modelCount: number }) => b.modelCount);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => b - a));
  });

  it('returns one brand with its models, most popular first', async () => {
    const { status, body } = await get('/api/brands/maruti-suzuki');
    expect(status).toBe(200);
    expect(body.data.models.length).toBe(body.data.models.filter((m: { brand: { slug: string } }) => m.brand.slug === 'maruti-suzuki').length);
    expect(body.data.models.length).toBeGreaterThan(10);
    expect(body.data.description.length).toBeGreaterThan(0);
  });

  it('404s an unknown brand and 400s a cursor (brands page by number)', async () => {
    expect((await get('/api/brands/unknown-brand')).body.error.code).toBe('BRAND_NOT_FOUND');
    expect((await get('/api/brands?cursor=abc')).status).toBe(400);
  });
});

describe('variants', () => {
  it('filters variants on their own fuel, transmission and price', async () => {
    const { status, body } = await get('/api/variants?fuel=diesel&transmission=automatic&priceMax=2500000&sort=-price&limit=50');
    expect(status).toBe(200);
    expect(body.data.length).toBeGreaterThan(0);
    for (const v of body.data) {
      expect(v).toMatchObject({ fuel: 'diesel', transmission: 'automatic' });
      expect(v.priceInr).toBeLessThanOrEqual(2_500_000);
    }
    const prices = body.data.map((v: { priceInr: number }) => v.priceInr);
    expect(prices).toEqual([...prices].sort((a: number, b: number) => b - a));
  });

  it('filters by brand and body type through the copied model columns', async () => {
    const { body } = await get('/api/variants?brand=tata&bodyType=suv&limit=100');
    expect(body.data.length).toBeGreaterThan(5);
    for (const v of body.data) expect(v).toMatchObject({ brand: { slug: 'tata' }, bodyType: 'suv' });
  });

  it('walks every electric variant by cursor without repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let total = 0;
    do {
      const { body } = await get(`/api/variants?fuel=electric&limit=25&sort=price${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...body.data.map((v: { slug: string }) => v.slug));
      total = body.pagination.total;
      cursor = body.pagination.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('returns a full spec sheet with units', async () => {
    const model = (await get('/api/models/hyundai-creta')).body.data;
    const { status, body } = await get(`/api/variants/${model.variants[0].slug}`);
    expect(status).toBe(200);
    expect(body.data.model).toEqual({ slug: 'hyundai-creta', name: 'Creta' });
    expect(body.data.fullName).toMatch(/^Hyundai Creta /);
    const rows = body.data.specSheet.flatMap((g: { rows: unknown[] }) => g.rows);
    expect(rows).toContainEqual(expect.objectContaining({ key: 'priceInr', unit: 'INR', value: model.variants[0].priceInr }));
    expect(rows).toContainEqual(expect.objectContaining({ key: 'lengthMm', unit: 'mm' }));
    expect(body.data.features.length).toBeGreaterThan(0);
  });

  it('404s an unknown variant', async () => {
    const { status, body } = await get('/api/variants/no-such-variant');
    expect(status).toBe(404);
    expect(body.error.code).toBe('VARIANT_NOT_FOUND');
  });
});
