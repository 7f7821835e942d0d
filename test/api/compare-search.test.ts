import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
let creta: string;
let seltos: string;
let nexon: string;
beforeAll(async () => {
  t = await buildTestApp();
  const first = async (model: string) => (await t.app.inject(`/api/models/${model}`)).json().data.variants[0].slug as string;
  [creta, seltos, nexon] = await Promise.all([first('hyundai-creta'), first('kia-seltos'), first('tata-nexon')]);
});
afterAll(() => t.close());

async function get(url: string) {
  const response = await t.app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
}

describe('GET /api/compare', () => {
  it('aligns spec rows with units across the variants, in the order asked, and flags differences', async () => {
    const { status, body } = await get(`/api/compare?variants=${creta},${seltos},${nexon}`);
    expect(status).toBe(200);
    expect(body.data.variants.map((v: { slug: string }) => v.slug)).toEqual([creta, seltos, nexon]);
    const price = body.data.rows.find((r: { key: string }) => r.key === 'priceInr');
    expect(price).toMatchObject({ unit: 'INR', group: 'Price' });
    expect(price.values).toHaveLength(3);
    for (const row of body.data.rows) {
      expect(row.values).toHaveLength(3);
      expect(row.differs).toBe(row.values.some((v: unknown) => v !== row.values[0]));
    }
    expect(body.data.rows.some((r: { group: string }) => r.group === 'Features')).toBe(true);
  });

  it('onlyDifferences=true leaves out identical rows', async () => {
    const full = (await get(`/api/compare?variants=${creta},${seltos}`)).body.data.rows;
    const { body } = await get(`/api/compare?variants=${creta},${seltos}&onlyDifferences=true`);
    expect(body.data.onlyDifferences).toBe(true);
    expect(body.data.rows.every((r: { differs: boolean }) => r.differs)).toBe(true);
    expect(body.data.rows.length).toBe(full.filter((r: { differs: boolean }) => r.differs).length);
  });

  it.each([
    ['one variant', () => `variants=${creta}`, 400],
    ['five variants', () => `variants=${creta},${seltos},${nexon},a-b,c-d`, 400],
    ['a repeated variant', () => `variants=${creta},${creta}`, 400],
    ['an unknown variant', () => `variants=${creta},no-such-car`, 404],
    ['no variants parameter', () => 'onlyDifferences=true', 400],
    ['a non-boolean toggle', () => `variants=${creta},${seltos}&onlyDifferences=maybe`, 400],
  ])('refuses %s', async (_name, query, status) => {
    const response = await get(`/api/compare?${query()}`);
    expect(response.status).toBe(status);
    expect(response.body.error.message.length).toBeGreaterThan(5);
  });
});

describe('GET /api/comparisons/popular', () => {
  it('lists editor-ordered comparisons with a ready compare URL', async () => {
    const { status, body } = await get('/api/comparisons/popular?limit=5');
    expect(status).toBe(200);
    expect(body.data.length).toBeGreaterThan(0);
    const first = body.data[0];
    expect(first.models.length).toBeGreaterThanOrEqual(2);
    expect(first.title).toContain(' vs ');
    const compare = await get(first.compareUrl);
    expect(compare.status).toBe(200);
  });
});

describe('GET /api/search', () => {
  it('finds Creta from the typo "cretta"', async () => {
    const { status, body } = await get('/api/search?q=cretta');
    expect(status).toBe(200);
    const models = body.data.filter((h: { type: string }) => h.type === 'model');
    expect(models[0].slug).toBe('hyundai-creta');
  });

  it('ranks the brand first, then its models, for a brand name', async () => {
    const { body } = await get('/api/search?q=hyundai&limit=10');
    expect(body.data[0]).toMatchObject({ type: 'brand', slug: 'hyundai' });
    expect(body.data[1].type).toBe('model');
    expect(body.pagination.total).toBeGreaterThan(10);
  });

  it('matches variant names word by word', async () => {
    const { body } = await get('/api/search?q=creta%20diesel&type=variant');
    expect(body.data.length).toBeGreaterThan(0);
    for (const hit of body.data) expect(hit.type).toBe('variant');
  });

  it.each(['brand', 'model', 'variant'])('type=%s returns only that kind, in both modes', async (type) => {
    for (const mode of ['full', 'autocomplete']) {
      const { status, body } = await get(`/api/search?q=hyundai&type=${type}&mode=${mode}`);
      expect(status).toBe(200);
      expect(body.data.length).toBeGreaterThan(0);
      expect(body.data.every((h: { type: string }) => h.type === type)).toBe(true);
    }
  });

  it('autocompletes brands and models from a prefix', async () => {
    const { body } = await get('/api/search?q=mahin&mode=autocomplete');
    expect(body.data.length).toBeGreaterThan(0);
    expect(body.data.length).toBeLessThanOrEqual(10);
    expect(body.data[0]).toMatchObject({ type: 'brand', slug: 'mahindra' });
    expect(body.data.every((h: { type: string }) => h.type !== 'variant')).toBe(true);
  });

  it('answers an empty list for a query without letters or digits, and 400 without q', async () => {
    const empty = await get(`/api/search?q=${encodeURIComponent('!!! & | :*')}`);
    expect(empty.status).toBe(200);
    expect(empty.body.data).toEqual([]);
    expect((await get('/api/search')).status).toBe(400);
    expect((await get(`/api/search?q=${'x'.repeat(101)}`)).status).toBe(400);
  });
});
