/**
 * Bulk import (POST /api/admin/import): CSV, NDJSON and JSON bodies, every row validated with its row number,
 * all or nothing, one audit entry and one cache invalidation per import, and the 100,000-row ceiling.
 */
import { Readable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';
import { signedIn, type TestSession } from './helpers.js';

let t: TestApp;
let admin: TestSession;
let editor: TestSession;
let viewer: TestSession;
beforeAll(async () => {
  t = await buildTestApp();
  [admin, editor, viewer] = await Promise.all([signedIn(t.app, 'admin'), signedIn(t.app, 'editor'), signedIn(t.app, 'viewer')]);
});
afterAll(() => t.close());

type Entity = 'brands' | 'models' | 'variants';
interface ImportOptions {
  session?: TestSession;
  type?: string;
  dryRun?: boolean;
}

function importFile(entity: Entity, payload: string | Readable, { session = editor, type = 'text/csv', dryRun = false }: ImportOptions = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/api/admin/import?entity=${entity}${dryRun ? '&dryRun=true' : ''}`,
    headers: { ...session.headers, 'content-type': type },
    payload,
  });
}

const get = (url: string) => t.app.inject({ method: 'GET', url });
const csv = (...lines: string[]) => `${lines.join('\n')}\n`;

function expectError(response: LightMyRequestResponse, status: number, code: string): { message: string; details?: Record<string, unknown>[] } {
  expect({ status: response.statusCode, code: response.json().error?.code }).toEqual({ status, code });
  return response.json().error;
}

/** Everything an import may write: catalogue rows, audit entries and outbox rows. */
async function counts() {
  const { rows } = await t.app.pg.query<{ brands: number; models: number; variants: number; audits: number; outbox: number }>(
    `SELECT (SELECT count(*)::int FROM brands) AS brands, (SELECT count(*)::int FROM models) AS models, (SELECT count(*)::int FROM variants) AS variants,
            (SELECT count(*)::int FROM audit_log) AS audits, (SELECT count(*)::int FROM outbox) AS outbox`,
  );
  return rows[0]!;
}

const outboxAfter = async (id: number) =>
  (await t.app.pg.query<{ id: number; kind: string; payload: { tags?: string[] }; processed_at: Date | null }>('SELECT id, kind, payload, processed_at FROM outbox WHERE id > $1 ORDER BY id', [id])).rows;
const auditAfter = async (id: number) =>
  (await t.app.pg.query<{ id: number; action: string; entity: string; actor_email: string; after: unknown }>('SELECT id, action, entity, actor_email, after FROM audit_log WHERE id > $1 ORDER BY id', [id])).rows;
const lastIds = async () =>
  (await t.app.pg.query<{ outbox: number; audit: number }>('SELECT coalesce((SELECT max(id) FROM outbox), 0)::int AS outbox, coalesce((SELECT max(id) FROM audit_log), 0)::int AS audit')).rows[0]!;

const BRANDS_CSV = csv(
  'slug,name,country,foundedYear,colour,description',
  'zeta-motors,Zeta Motors,India,1999,#112233,"Small cars, vans and ""utility"" trucks"',
  'orbit-cars,Orbit Cars,Japan,,#AABBCC,',
);
const MODELS_CSV = csv(
  'slug,brand,name,bodyType,segment,launchDate,status,popularity,description,colours,features',
  'zeta-zippy,zeta-motors,Zippy,hatchback,A,2024-03-01,current,40,"A city car, for the city",' +
    '"[{""name"":""Red"",""hex"":""#ff0000""},{""name"":""Snow, white"",""hex"":""#ffffff""}]",Airbags|ABS|Touchscreen',
  'orbit-one,orbit-cars,One,suv,B,2025-01-15,upcoming,,,,',
);
const VARIANTS_CSV = csv(
  'slug,model,name,priceInr,fuel,transmission,seats,drivetrain,airbags,engineCc,mileageKmpl,features',
  'zeta-zippy-base,zeta-zippy,Base,550000,petrol,manual,5,fwd,2,998,21.5,',
  'zeta-zippy-top,zeta-zippy,Top AMT,725000,petrol,amt,5,fwd,6,998,20.1,Cruise control|Rear camera',
  'hyundai-creta-zeta-edition,hyundai-creta,Zeta Edition,1999999,diesel,automatic,5,fwd,6,,,',
);

describe('a valid CSV import', () => {
  it('creates brands, models and variants, shows them on the public API at once, and re-imports idempotently', async () => {
    // Answers cached before the import must not outlive it.
    const watched = ['/api/brands?limit=100', '/api/models/hyundai-creta', '/api/models?brand=zeta-motors'];
    for (const url of watched) {
      expect((await get(url)).headers['x-cache']).toBe('MISS');
      expect((await get(url)).headers['x-cache']).toBe('HIT');
    }
    const before = await counts();

    const brands = await importFile('brands', BRANDS_CSV);
    expect(brands.statusCode).toBe(200);
    expect(brands.headers['cache-control']).toBe('no-store');
    expect(brands.json().data).toMatchObject({ entity: 'brands', rows: 2, inserted: 2, updated: 0, dryRun: false });
    expect((await importFile('models', MODELS_CSV)).json().data).toMatchObject({ rows: 2, inserted: 2, updated: 0 });
    expect((await importFile('variants', VARIANTS_CSV)).json().data).toMatchObject({ rows: 3, inserted: 3, updated: 0 });
    expect(await counts()).toMatchObject({ brands: before.brands + 2, models: before.models + 2, variants: before.variants + 3 });

    const brandList = await get(watched[0]!);
    expect(brandList.headers['x-cache']).toBe('MISS');
    const zeta = brandList.json().data.find((b: { slug: string }) => b.slug === 'zeta-motors');
    expect(zeta).toMatchObject({ name: 'Zeta Motors', country: 'India', foundedYear: 1999, modelCount: 1, priceMinInr: 550_000, priceMaxInr: 725_000 });
    expect(brandList.json().data.find((b: { slug: string }) => b.slug === 'orbit-cars')).toMatchObject({ foundedYear: null, colour: '#AABBCC' });

    const creta = await get(watched[1]!);
    expect(creta.headers['x-cache']).toBe('MISS');
    expect(creta.json().data.variants.map((v: { slug: string }) => v.slug)).toContain('hyundai-creta-zeta-edition');

    const zetaModels = await get(watched[2]!);
    expect(zetaModels.headers['x-cache']).toBe('MISS');
    expect(zetaModels.json().data.map((m: { slug: string }) => m.slug)).toEqual(['zeta-zippy']);

    const zippy = (await get('/api/models/zeta-zippy')).json().data;
    expect(zippy).toMatchObject({
      name: 'Zippy',
      description: 'A city car, for the city',
      colours: [{ name: 'Red', hex: '#ff0000' }, { name: 'Snow, white', hex: '#ffffff' }],
      features: ['Airbags', 'ABS', 'Touchscreen'],
    });
    expect(zippy.variants.map((v: { slug: string }) => v.slug)).toEqual(['zeta-zippy-base', 'zeta-zippy-top']);
    const { rows } = await t.app.pg.query('SELECT description FROM brands WHERE slug = $1', ['zeta-motors']);
    expect(rows[0]!.description).toBe('Small cars, vans and "utility" trucks');
    expect((await get('/api/variants/zeta-zippy-top')).json().data).toMatchObject({ features: ['Cruise control', 'Rear camera'], mileageKmpl: 20.1 });

    // The same files again: every row is an update, nothing is duplicated.
    const afterFirst = await counts();
    expect((await importFile('brands', BRANDS_CSV)).json().data).toMatchObject({ rows: 2, inserted: 0, updated: 2 });
    expect((await importFile('models', MODELS_CSV)).json().data).toMatchObject({ rows: 2, inserted: 0, updated: 2 });
    expect((await importFile('variants', VARIANTS_CSV)).json().data).toMatchObject({ rows: 3, inserted: 0, updated: 3 });
    expect(await counts()).toMatchObject({ brands: afterFirst.brands, models: afterFirst.models, variants: afterFirst.variants });
    expect((await get('/api/models/zeta-zippy')).json().data.variants).toHaveLength(2);
  });

  it('changes a cached price and drops answers of the model a variant moved away from', async () => {
    const moved = csv('slug,model,name,priceInr,fuel,transmission,seats,drivetrain,airbags', 'hyundai-creta-moving,hyundai-creta,Moving,1500000,petrol,manual,5,fwd,6');
    expect((await importFile('variants', moved)).statusCode).toBe(200);
    for (const url of ['/api/models/hyundai-creta', '/api/models/kia-seltos']) {
      await get(url);
      expect((await get(url)).headers['x-cache']).toBe('HIT');
    }
    const movedAgain = moved.replace('hyundai-creta,Moving,1500000', 'kia-seltos,Moving,1600000');
    expect((await importFile('variants', movedAgain)).json().data).toMatchObject({ inserted: 0, updated: 1 });

    const creta = await get('/api/models/hyundai-creta');
    expect(creta.headers['x-cache']).toBe('MISS');
    expect(creta.json().data.variants.map((v: { slug: string }) => v.slug)).not.toContain('hyundai-creta-moving');
    const seltos = (await get('/api/models/kia-seltos')).json().data;
    expect(seltos.variants.find((v: { slug: string }) => v.slug === 'hyundai-creta-moving')).toMatchObject({ priceInr: 1_600_000 });
  });

  it('writes one audit entry and one invalidation per import, not one per row', async () => {
    const start = await lastIds();
    const rows = csv(
      'slug,model,name,priceInr,fuel,transmission,seats,drivetrain,airbags',
      ...['a', 'b', 'c', 'd'].map((x, i) => `kia-seltos-batch-${x},kia-seltos,Batch ${x},${1_200_000 + i * 10_000},petrol,manual,5,fwd,6`),
    );
    expect((await importFile('variants', rows, { session: admin })).json().data).toMatchObject({ rows: 4, inserted: 4 });

    const audits = await auditAfter(start.audit);
    expect(audits).toEqual([{ id: expect.any(Number), action: 'import', entity: 'variant', actor_email: admin.user.email, after: { rows: 4, inserted: 4, updated: 0 } }]);
    const outbox = await outboxAfter(start.outbox);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: 'cache.invalidate', processed_at: expect.any(Date) });
    const tags = outbox[0]!.payload.tags!;
    expect(new Set(tags).size).toBe(tags.length);
    expect(tags).toEqual(
      expect.arrayContaining(['variant:kia-seltos-batch-a', 'variant:kia-seltos-batch-d', 'model-variants:kia-seltos', 'brand-models:kia', 'list:variants', 'list:models']),
    );
  });

  it('empties the cache once, instead of naming thousands of tags, for a large import', async () => {
    const start = await lastIds();
    // More rows than one upsert chunk (5,000), so the import writes in several statements.
    const lines = Array.from({ length: 6_000 }, (_, i) => `tata-nexon-bulk-${i},tata-nexon,Bulk ${i},${900_000 + i},petrol,manual,5,fwd,6`);
    const response = await importFile('variants', csv('slug,model,name,priceInr,fuel,transmission,seats,drivetrain,airbags', ...lines));
    expect(response.json().data).toMatchObject({ rows: 6_000, inserted: 6_000 });
    expect((await t.app.pg.query(`SELECT count(*)::int AS n FROM variants WHERE slug LIKE 'tata-nexon-bulk-%'`)).rows[0]!.n).toBe(6_000);
    expect((await outboxAfter(start.outbox)).map((row) => row.kind)).toEqual(['cache.clear']);
    expect(await auditAfter(start.audit)).toHaveLength(1);
  });
});

describe('a file with bad rows', () => {
  it('reports every problem by data row (header excluded) and field, and applies nothing, not even the good rows', async () => {
    const before = await counts();
    const body = csv(
      'slug,model,name,priceInr,fuel,transmission,seats,drivetrain,airbags,engineCc',
      'bad-file-good-1,hyundai-creta,Good One,1100000,petrol,manual,5,fwd,6,1497',
      'bad-file-price,hyundai-creta,Price,eleven lakh,petrol,manual,5,fwd,6,1497',
      'bad-file-no-name,hyundai-creta,,1100000,petrol,manual,5,fwd,6,1497',
      'bad-file-orphan,no-such-model,Orphan,1100000,petrol,manual,5,fwd,6,1497',
      'bad-file-good-1,hyundai-creta,Twice,1100000,petrol,manual,5,fwd,6,1497',
      'bad-file-markup,hyundai-creta,<img src=x onerror=alert(1)>,1100000,petrol,manual,5,fwd,6,1497',
      'bad-file-fuel,hyundai-creta,Steam,1100000,steam,manual,5,fwd,6,lots',
      'bad-file-good-2,hyundai-creta,Good Two,1200000,petrol,manual,5,fwd,6,',
    );
    const error = expectError(await importFile('variants', body), 422, 'IMPORT_INVALID');
    expect(error.message).toMatch(/^7 problem\(s\) in 8 rows; nothing was imported/);
    expect(error.details!.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 2, field: 'priceInr' },
      { row: 3, field: 'name' },
      { row: 4, field: 'model' },
      { row: 5, field: 'slug' },
      { row: 6, field: 'name' },
      { row: 7, field: 'fuel' },
      { row: 7, field: 'engineCc' },
    ]);
    expect(error.details![0]!.message).toBe('must be integer');
    expect(error.details![2]!.message).toBe('no model with slug "no-such-model"');
    expect(error.details![4]!.message).toBe('must not contain HTML markup');
    expect(error.details![5]!.message).toMatch(/^must be one of petrol, diesel/);
    expect(await counts()).toEqual(before);
    expect((await t.app.pg.query(`SELECT 1 FROM variants WHERE slug LIKE 'bad-file-%'`)).rowCount).toBe(0);
  });

  it('refuses markup in list fields (features, colour names) as it does in the admin API', async () => {
    const body = csv(
      'slug,brand,name,bodyType,segment,launchDate,status,colours,features',
      'markup-one,tata,One,suv,B,2024-01-01,current,,ABS|<script>alert(1)</script>',
      'markup-two,tata,Two,suv,B,2024-01-01,current,"[{""name"":""<b>Red</b>"",""hex"":""#ff0000""}]",',
    );
    const error = expectError(await importFile('models', body), 422, 'IMPORT_INVALID');
    expect(error.details!.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 1, field: 'features.1' },
      { row: 2, field: 'colours.0.name' },
    ]);
  });

  it('counts rows as data records: a quoted field spanning lines is one row, blank lines are not rows', async () => {
    const body = csv('slug,name,country,foundedYear,colour,description', 'rows-one,One,India,,#000000,"first line', 'second line"', '', 'rows-two,Two,India,nineteen,#000000,');
    const error = expectError(await importFile('brands', body), 422, 'IMPORT_INVALID');
    expect(error.details).toEqual([{ row: 2, field: 'foundedYear', message: 'must be integer or null' }]);
  });

  it('documents the row-number convention in the OpenAPI description', async () => {
    const spec = (await get('/api/docs/json')).json();
    const operation = spec.paths['/api/admin/import'].post;
    expect(operation.description).toMatch(/row numbers? .*1-based/i);
    expect(operation.description).toMatch(/header (row )?(is )?not counted|header excluded/i);
  });
});

describe('body formats', () => {
  const brand = (slug: string, extra: Record<string, unknown> = {}) => ({ slug, name: `Brand ${slug}`, country: 'India', colour: '#123456', ...extra });

  it('reads NDJSON (CRLF, blank lines) and reports lines that are not JSON objects by row', async () => {
    const good = [brand('ndjson-one'), brand('ndjson-two', { foundedYear: 2001 })].map((b) => JSON.stringify(b)).join('\r\n');
    const ok = await importFile('brands', `${good}\r\n\r\n`, { type: 'application/x-ndjson' });
    expect(ok.json().data).toMatchObject({ rows: 2, inserted: 2 });
    expect((await get('/api/brands/ndjson-two')).json().data).toMatchObject({ foundedYear: 2001 });

    const bad = [JSON.stringify(brand('ndjson-three')), '{"slug": "broken"', '', '[1, 2]', JSON.stringify(brand('ndjson-four', { colour: 'blue', motto: 'go' }))].join('\n');
    const error = expectError(await importFile('brands', bad, { type: 'application/x-ndjson; charset=utf-8' }), 422, 'IMPORT_INVALID');
    expect(error.details).toEqual([
      { row: 2, message: 'the row is not valid JSON' },
      { row: 3, message: 'the row is not a JSON object' },
      { row: 4, field: 'motto', message: 'is not a field of this entity' },
      { row: 4, field: 'colour', message: expect.stringMatching(/must match pattern/) },
    ]);
    expect((await t.app.pg.query(`SELECT 1 FROM brands WHERE slug = 'ndjson-three'`)).rowCount).toBe(0);
  });

  it('reads a JSON array, numbering rows from 1', async () => {
    const ok = await importFile('brands', JSON.stringify([brand('json-one'), brand('json-two')]), { type: 'application/json' });
    expect(ok.json().data).toMatchObject({ rows: 2, inserted: 2 });

    const error = expectError(await importFile('brands', JSON.stringify([brand('json-three'), 42, { ...brand('json-four'), name: '' }]), { type: 'application/json' }), 422, 'IMPORT_INVALID');
    expect(error.details!.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 2, field: undefined },
      { row: 3, field: 'name' },
    ]);
    expectError(await importFile('brands', JSON.stringify(brand('json-object')), { type: 'application/json' }), 400, 'BAD_REQUEST');
  });

  it('reads CSV with a UTF-8 BOM, CRLF line endings, quoted commas and quoted newlines', async () => {
    const body = `\uFEFF${[
      'slug,name,country,foundedYear,colour,description',
      'csv-bom-one,"Škoda, the other one",Czechia,1895,#00ff00,"He said ""hello""\r\nthen left, quickly"',
      'csv-bom-two,Plain,India,,#0000ff,',
    ].join('\r\n')}\r\n`;
    const response = await importFile('brands', body, { type: 'text/csv; charset=utf-8' });
    expect(response.json().data).toMatchObject({ rows: 2, inserted: 2 });
    const { rows } = await t.app.pg.query(`SELECT slug, name, description FROM brands WHERE slug LIKE 'csv-bom-%' ORDER BY slug`);
    expect(rows).toEqual([
      { slug: 'csv-bom-one', name: 'Škoda, the other one', description: 'He said "hello" then left, quickly' },
      { slug: 'csv-bom-two', name: 'Plain', description: '' },
    ]);
  });

  it('refuses an unsupported content type with 415', async () => {
    const before = await counts();
    const error = expectError(await importFile('brands', BRANDS_CSV, { type: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(error.message).toMatch(/text\/csv/);
    expectError(await importFile('brands', BRANDS_CSV, { type: 'application/vnd.ms-excel' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await counts()).toEqual(before);
  });

  it('refuses an empty file, a header with no rows, and an empty array clearly', async () => {
    expect(expectError(await importFile('brands', ''), 422, 'IMPORT_INVALID').message).toMatch(/no rows/);
    expect(expectError(await importFile('brands', 'slug,name,country,colour\n'), 422, 'IMPORT_INVALID').message).toMatch(/no rows/);
    expect(expectError(await importFile('brands', '\n\n', { type: 'application/x-ndjson' }), 422, 'IMPORT_INVALID').message).toMatch(/no rows/);
    expect(expectError(await importFile('brands', '[]', { type: 'application/json' }), 422, 'IMPORT_INVALID').message).toMatch(/no rows/);
    expectError(await importFile('brands', '', { type: 'application/json' }), 400, 'BAD_REQUEST');
  });

  it('refuses a CSV header that names unknown, missing or repeated columns once, not row by row', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `header-${i},Name,India,#000000`);
    const unknown = expectError(await importFile('brands', csv('slug,name,country,colour_hex', ...rows)), 422, 'IMPORT_INVALID');
    expect(unknown.message).toMatch(/colour_hex/);
    expect(unknown.details).toEqual([
      { row: 0, field: 'colour_hex', message: 'is not a column of this entity' },
      { row: 0, field: 'colour', message: 'is a required column' },
    ]);
    const repeated = expectError(await importFile('brands', csv('slug,name,country,colour,name', 'header-x,A,India,#000000,B')), 422, 'IMPORT_INVALID');
    expect(repeated.details).toEqual([{ row: 0, field: 'name', message: 'appears twice in the header' }]);
    expect((await t.app.pg.query(`SELECT 1 FROM brands WHERE slug LIKE 'header-%'`)).rowCount).toBe(0);
  });

  it('refuses a CSV row with more cells than the header, naming the row', async () => {
    const error = expectError(await importFile('brands', csv('slug,name,country,colour', 'cells-one,One,India,#000000', 'cells-two,Two,India,#000000,extra')), 422, 'IMPORT_INVALID');
    expect(error.message).toMatch(/^the CSV cannot be read at row 2: .*columns length is 4, got 5/);
  });
});

describe('dry run', () => {
  it('validates and counts what would change, and stores nothing', async () => {
    const before = await counts();
    const body = csv('slug,name,country,foundedYear,colour', 'dry-new,Dry New,India,,#000000', 'hyundai,Hyundai,South Korea,1967,#002c5f');
    const response = await importFile('brands', body, { dryRun: true });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({ entity: 'brands', rows: 2, inserted: 1, updated: 1, dryRun: true });
    expect(await counts()).toEqual(before);
    expect((await get('/api/brands/dry-new')).statusCode).toBe(404);

    const bad = expectError(await importFile('brands', csv('slug,name,country,colour', 'Dry Bad,x,India,#000000'), { dryRun: true }), 422, 'IMPORT_INVALID');
    expect(bad.details).toEqual([expect.objectContaining({ row: 1, field: 'slug' })]);
    const orphan = csv('slug,brand,name,bodyType,segment,launchDate,status', 'dry-model,no-such-brand,Orphan,suv,B,2025-01-01,upcoming');
    expect(expectError(await importFile('models', orphan, { dryRun: true }), 422, 'IMPORT_INVALID').details).toEqual([
      { row: 1, field: 'brand', message: 'no brand with slug "no-such-brand"' },
    ]);
    expect(await counts()).toEqual(before);
  });
});

describe('size limits', () => {
  const HEADER = 'slug,model,name,priceInr,fuel,transmission,seats,drivetrain,airbags,engineCc,powerBhp,mileageKmpl,lengthMm,colours,features';
  const COLOURS = '"[{""name"":""Pearl White"",""hex"":""#f5f5f5""},{""name"":""Deep Blue"",""hex"":""#1a2b5c""}]"';
  const FEATURES = 'ABS with EBD|Rear parking camera|Touchscreen infotainment|Cruise control';

  async function liveModels(): Promise<string[]> {
    return (await t.app.pg.query<{ slug: string }>('SELECT slug FROM models WHERE deleted_at IS NULL ORDER BY id')).rows.map((r) => r.slug);
  }

  it('accepts a real 100,000-row variants file (about 20 MB), past the app-wide 64 KB body limit', { timeout: 180_000 }, async () => {
    const models = await liveModels();
    const lines = [HEADER];
    for (let i = 0; i < 100_000; i++) {
      lines.push(`bulk-variant-${i},${models[i % models.length]},Trim ${i},${500_000 + i},petrol,manual,5,fwd,6,1197,82.5,19.2,3995,${COLOURS},${FEATURES}`);
    }
    const body = `${lines.join('\n')}\n`;
    expect(Buffer.byteLength(body)).toBeGreaterThan(15 * 1024 * 1024);
    const before = await counts();
    const started = Date.now();
    const response = await importFile('variants', body, { dryRun: true });
    const elapsedMs = Date.now() - started;
    expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
    expect(response.json().data).toMatchObject({ rows: 100_000, inserted: 100_000, updated: 0, dryRun: true });
    expect(await counts()).toEqual(before);
    console.info(`100,000-row variants CSV (${(Buffer.byteLength(body) / 1024 / 1024).toFixed(1)} MB), dry run: ${elapsedMs} ms`);
  });

  it('refuses more than 100,000 rows with 413 and applies nothing', { timeout: 180_000 }, async () => {
    const before = await counts();
    // A stream, so the 100,001 rows never sit in memory as one string.
    async function* rows() {
      yield 'slug,name,country,colour\n';
      for (let i = 0; i <= 100_000; i += 1_000) {
        let chunk = '';
        for (let j = i; j < Math.min(i + 1_000, 100_001); j++) chunk += `too-many-${j},Brand ${j},India,#000000\n`;
        yield chunk;
      }
    }
    const error = expectError(await importFile('brands', Readable.from(rows())), 413, 'PAYLOAD_TOO_LARGE');
    expect(error.message).toMatch(/at most 100,000 rows/);
    expect(await counts()).toEqual(before);
  });
});

describe('permissions', () => {
  it('lets editors and admins import, and refuses viewers (403) and anonymous callers (401)', async () => {
    const body = (slug: string) => csv('slug,name,country,colour', `${slug},Perm,India,#000000`);
    expect((await importFile('brands', body('perm-editor'), { session: editor })).statusCode).toBe(200);
    expect((await importFile('brands', body('perm-admin'), { session: admin })).statusCode).toBe(200);
    expectError(await importFile('brands', body('perm-viewer'), { session: viewer }), 403, 'FORBIDDEN');
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/admin/import?entity=brands', headers: { 'content-type': 'text/csv' }, payload: body('perm-anon') });
    expectError(anonymous, 401, 'UNAUTHENTICATED');
    const { rows } = await t.app.pg.query<{ slug: string }>(`SELECT slug FROM brands WHERE slug LIKE 'perm-%' ORDER BY slug`);
    expect(rows.map((r) => r.slug)).toEqual(['perm-admin', 'perm-editor']);
  });
});
