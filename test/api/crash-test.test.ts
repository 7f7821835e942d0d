/**
 * The crash-test rating, a model field added through the field registry: the model answer and summaries,
 * its variants' `safetyRating` and spec sheets, the comparison, the `safetyMin` filter on both lists and the
 * /cars page, the model and variant pages, an admin edit and a bulk import.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signedIn, type TestSession } from '../admin/helpers.js';
import { buildTestApp, type TestApp } from '../helpers.js';
import { encode, formHeaders, getPage, signInPage } from '../web/admin-helpers.js';

let t: TestApp;
let editor: TestSession;
beforeAll(async () => {
  t = await buildTestApp();
  editor = await signedIn(t.app, 'editor');
});
afterAll(() => t.close());

const get = async (url: string) => {
  const response = await t.app.inject({ method: 'GET', url });
  expect(response.statusCode, url).toBe(200);
  return response;
};
const data = async (url: string) => (await get(url)).json().data;

const NEXON = { crashTestProgramme: 'bharat-ncap', crashTestYear: 2024, crashTestAdultStars: 5, crashTestChildStars: 5 };
const UNTESTED = { crashTestProgramme: null, crashTestYear: null, crashTestAdultStars: null, crashTestChildStars: null };

async function everyPage(url: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const body: { data: Record<string, unknown>[]; pagination: { nextCursor: string | null } } = (await get(`${url}&limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json();
    items.push(...body.data);
    cursor = body.pagination.nextCursor;
  } while (cursor);
  return items;
}

describe('the crash test in the API', () => {
  it('is on the model answer and its summaries, and null for a car without a sure result', async () => {
    expect(await data('/api/models/tata-nexon')).toMatchObject({ ...NEXON, keySpecs: { safetyRating: { min: 5, max: 5, unit: 'stars' } } });
    expect(await data('/api/models/mahindra-xuv700')).toMatchObject({ crashTestProgramme: 'global-ncap', crashTestYear: 2021, crashTestAdultStars: 5, crashTestChildStars: 4 });
    expect(await data('/api/models/hyundai-creta')).toMatchObject({ ...UNTESTED, keySpecs: { safetyRating: { min: null, max: null } } });
    const summaries = await data('/api/models?brand=tata&limit=100&fields=slug,crashTestAdultStars');
    expect(summaries.find((m: { slug: string }) => m.slug === 'tata-nexon')).toEqual({ slug: 'tata-nexon', crashTestAdultStars: 5 });
  });

  it("gives every variant its model's adult stars as safetyRating, and the whole result in the spec sheet's Safety group", async () => {
    const model = await data('/api/models/tata-nexon');
    const variant = await data(`/api/variants/${model.variants[0].slug}`);
    expect(variant.safetyRating).toBe(5);
    const safety = variant.specSheet.find((g: { group: string }) => g.group === 'Safety');
    expect(safety.rows.map((r: { key: string; value: unknown; unit: unknown }) => [r.key, r.value, r.unit])).toEqual([
      ['airbags', variant.airbags, null],
      ['crashTestProgramme', 'bharat-ncap', null],
      ['crashTestYear', 2024, null],
      ['crashTestAdultStars', 5, 'stars'],
      ['crashTestChildStars', 5, 'stars'],
    ]);
    const creta = await data('/api/models/hyundai-creta');
    expect((await data(`/api/variants/${creta.variants[0].slug}`)).safetyRating).toBeNull();
  });

  it('lines the ratings up in the comparison, flagged where they differ', async () => {
    const [nexon, punch] = await Promise.all([data('/api/models/tata-nexon'), data('/api/models/tata-punch')]);
    const { rows } = await data(`/api/compare?variants=${nexon.variants[0].slug},${punch.variants[0].slug}`);
    const row = (key: string) => rows.find((r: { key: string }) => r.key === key);
    expect(row('crashTestProgramme')).toMatchObject({ group: 'Safety', values: ['bharat-ncap', 'global-ncap'], differs: true });
    expect(row('crashTestAdultStars')).toMatchObject({ values: [5, 5], differs: false });
    expect(row('crashTestChildStars')).toMatchObject({ values: [5, 4], differs: true, unit: 'stars' });
  });

  it('filters both lists with safetyMin, leaving untested cars out', async () => {
    const { rows } = await t.app.pg.query<{ slug: string }>('SELECT slug FROM models WHERE crash_test_adult_stars >= 5 AND deleted_at IS NULL ORDER BY slug');
    expect(rows.length).toBeGreaterThanOrEqual(7);
    const models = await everyPage('/api/models?safetyMin=5&sort=name');
    expect(models.map((m) => m.slug).sort()).toEqual(rows.map((r) => r.slug));
    expect(models.every((m) => (m.crashTestAdultStars as number) >= 5)).toBe(true);

    const variants = await everyPage('/api/variants?safetyMin=5&fuel=diesel');
    expect(variants.length).toBeGreaterThan(0);
    expect(new Set(variants.map((v) => (v.model as { slug: string }).slug)).size).toBeGreaterThan(1);
    for (const v of variants) expect(rows.map((r) => r.slug)).toContain((v.model as { slug: string }).slug);
    const { rows: counted } = await t.app.pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM variants v JOIN models m ON m.id = v.model_id
        WHERE m.crash_test_adult_stars >= 5 AND v.fuel = 'diesel' AND v.deleted_at IS NULL`,
    );
    expect(variants).toHaveLength(counted[0]!.n);

    expect((await t.app.inject({ method: 'GET', url: '/api/models?safetyMin=6' })).statusCode).toBe(400);
    const cars = (await get('/cars?safetyMin=5')).body;
    expect(cars).toContain('href="/cars/tata-nexon"');
    expect(cars).not.toContain('href="/cars/hyundai-creta"');
  });

  it('shows the rating on the model page and the variant page', async () => {
    const model = (await get('/cars/tata-nexon')).body;
    expect(model).toContain('<dt>Crash test</dt><dd>Bharat NCAP (2024): 5 stars adult, 5 stars child</dd>');
    expect((await get('/cars/hyundai-creta')).body).not.toContain('<dt>Crash test</dt>');
    const slug = (await data('/api/models/tata-nexon')).variants[0].slug;
    const variant = (await get(`/variants/${slug}`)).body;
    expect(variant).toContain('<th scope="row">Crash test</th><td>Bharat NCAP</td>');
    expect(variant).toContain('<th scope="row">Crash test year</th><td>2024</td>');
    expect(variant).toContain('<th scope="row">Child occupant rating</th><td>5 stars</td>');
  });
});

describe('editing the crash test', () => {
  const admin = async (method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url, payload, headers: { ...editor.headers, ...headers } });

  it('is an admin edit of the model, shown at once on the model and its variants, and refused half-filled', async () => {
    const { rows } = await t.app.pg.query<{ id: number; version: number }>(`SELECT id, version FROM models WHERE slug = 'maruti-suzuki-swift'`);
    const { id, version } = rows[0]!;
    const before = await data('/api/models/maruti-suzuki-swift');
    expect(before).toMatchObject(UNTESTED);
    const variantUrl = `/api/variants/${before.variants[0].slug}`;
    await get(variantUrl);

    const half = await admin('PATCH', `/api/admin/models/${id}`, { crashTestAdultStars: 4 }, { 'if-match': `"v${version}"` });
    expect({ status: half.statusCode, code: half.json().error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(half.json().error.message).toContain('models_crash_test_complete');
    const outOfRange = await admin('PATCH', `/api/admin/models/${id}`, { ...NEXON, crashTestChildStars: 6 }, { 'if-match': `"v${version}"` });
    expect(outOfRange.statusCode).toBe(400);

    const rating = { crashTestProgramme: 'global-ncap', crashTestYear: 2022, crashTestAdultStars: 4, crashTestChildStars: 3 };
    const changed = await admin('PATCH', `/api/admin/models/${id}`, rating, { 'if-match': `"v${version}"` });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().data).toMatchObject(rating);
    expect(await data('/api/models/maruti-suzuki-swift')).toMatchObject(rating);
    expect((await data(variantUrl)).safetyRating).toBe(4);

    const cleared = await admin('PATCH', `/api/admin/models/${id}`, UNTESTED, { 'if-match': `"v${version + 1}"` });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect((await data(variantUrl)).safetyRating).toBeNull();
  });

  it('is a part of the admin form, labelled from the registry, that saves and clears', async () => {
    const page = await signInPage(t.app, await createUser(t.app, 'editor'));
    const { rows } = await t.app.pg.query<{ id: number }>(`SELECT id FROM models WHERE slug = 'maruti-suzuki-baleno'`);
    const id = rows[0]!.id;
    const form = (await getPage(t.app, `/admin/models/${id}`, page)).body;
    expect(form).toMatch(/<label for="field-crashTestProgramme">Crash test<\/label>/);
    expect(form).toMatch(/<option value="global-ncap"/);
    expect(form).toMatch(/<label for="field-crashTestAdultStars">Adult occupant rating \(stars\)<\/label>/);
    const save = (fields: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: `/admin/models/${id}`, headers: formHeaders(page.cookie), payload: encode(fields) });
    const version = async () => (await t.app.pg.query<{ version: number }>('SELECT version FROM models WHERE id = $1', [id])).rows[0]!.version;

    const rating = { crashTestProgramme: 'global-ncap', crashTestYear: '2023', crashTestAdultStars: '0', crashTestChildStars: '2' };
    expect((await save({ version: String(await version()), ...rating })).statusCode).toBe(303);
    expect(await data('/api/models/maruti-suzuki-baleno')).toMatchObject({ crashTestProgramme: 'global-ncap', crashTestYear: 2023, crashTestAdultStars: 0, crashTestChildStars: 2 });
    const empty = { crashTestProgramme: '', crashTestYear: '', crashTestAdultStars: '', crashTestChildStars: '' };
    expect((await save({ version: String(await version()), ...empty })).statusCode).toBe(303);
    expect(await data('/api/models/maruti-suzuki-baleno')).toMatchObject(UNTESTED);
  });

  it('stores a cleared figure as null, not as the 0 that type coercion would make of it', async () => {
    const { rows } = await t.app.pg.query<{ id: number; version: number }>(`SELECT id, version FROM variants WHERE slug LIKE 'tata-nexon-%' ORDER BY id LIMIT 1`);
    const cleared = await admin('PATCH', `/api/admin/variants/${rows[0]!.id}`, { engineCc: null, airbags: 0 }, { 'if-match': `"v${rows[0]!.version}"` });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().data).toMatchObject({ engineCc: null, airbags: 0 });
  });

  it('is imported with the models, and a half-filled row is refused', async () => {
    const importModels = (body: string) =>
      t.app.inject({ method: 'POST', url: '/api/admin/import?entity=models', headers: { ...editor.headers, 'content-type': 'text/csv' }, payload: body });
    const header = 'slug,brand,name,bodyType,segment,launchDate,status,crashTestProgramme,crashTestYear,crashTestAdultStars,crashTestChildStars';
    const ok = await importModels(`${header}\ntata-crash-one,tata,Crash One,suv,B,2025-01-01,upcoming,bharat-ncap,2025,5,4\ntata-crash-two,tata,Crash Two,suv,B,2025-01-01,upcoming,,,,\n`);
    expect(ok.statusCode).toBe(200);
    expect(await data('/api/models/tata-crash-one')).toMatchObject({ crashTestProgramme: 'bharat-ncap', crashTestYear: 2025, crashTestAdultStars: 5, crashTestChildStars: 4 });
    expect(await data('/api/models/tata-crash-two')).toMatchObject(UNTESTED);

    const half = await importModels(`${header}\ntata-crash-three,tata,Crash Three,suv,B,2025-01-01,upcoming,global-ncap,,5,\n`);
    expect(half.statusCode).toBe(422);
    expect(half.json().error.details).toEqual([
      { row: 1, field: 'crashTestYear', message: 'the crash test fields (crashTestProgramme, crashTestYear, crashTestAdultStars, crashTestChildStars) are given all together or not at all' },
    ]);
    expect((await t.app.inject({ method: 'GET', url: '/api/models/tata-crash-three' })).statusCode).toBe(404);
  });
});
