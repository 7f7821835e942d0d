/**
 * The generic admin resources (brands, models, variants, images, articles, comparisons) end to end:
 * create → read (ETag) → list → versioned change → soft delete → restore, each visible on the public API
 * at once; duplicate slugs, validation, markup, sanitised article HTML and references; cache invalidation
 * of the public answers a change affects; and the audit log every write leaves.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';
import { signedIn, type TestSession } from './helpers.js';

let t: TestApp;
let editor: TestSession;
let admin: TestSession;
let viewer: TestSession;

beforeAll(async () => {
  t = await buildTestApp({ config: { overloadMaxEventLoopDelayMs: 0 } });
  [editor, admin, viewer] = await Promise.all([signedIn(t.app, 'editor'), signedIn(t.app, 'admin'), signedIn(t.app, 'viewer')]);
});
afterAll(() => t.close());

interface Call {
  payload?: object;
  headers?: Record<string, string>;
  as?: TestSession;
}

/** An admin API call, as the editor unless told otherwise. */
async function call(method: InjectOptions['method'], url: string, { payload, headers = {}, as = editor }: Call = {}) {
  const response = await t.app.inject({ method, url, payload, headers: { ...as.headers, ...headers } });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

const publicGet = (url: string) => t.app.inject({ method: 'GET', url });
const json = (response: LightMyRequestResponse) => response.json();
const ifMatch = (version: number) => ({ 'if-match': `"v${version}"` });

function expectError(result: { status: number; body: { error?: { code: string } } }, status: number, code: string): void {
  expect({ status: result.status, code: result.body.error?.code }).toEqual({ status, code });
}

/** Reads a public answer twice so it is cached, and checks that it was. */
async function cached(url: string): Promise<LightMyRequestResponse> {
  await publicGet(url);
  const second = await publicGet(url);
  expect(second.headers['x-cache'], url).toBe('HIT');
  return second;
}

interface ResourceCase {
  path: string;
  entity: string;
  create: Record<string, unknown>;
  change: Record<string, unknown>;
  /** What `?q=` finds the new row by. */
  term: string;
  /** A slug another row already has (resources with slugs). */
  takenSlug?: string;
  /** The public answer that shows the row, and whether it does; images have no public page. */
  publicUrl?: string;
  shows?(response: LightMyRequestResponse): boolean;
}

const isFound = (response: LightMyRequestResponse) => response.statusCode === 200;

const CASES: ResourceCase[] = [
  {
    path: 'brands',
    entity: 'brand',
    create: { slug: 'zeta-motors', name: 'Zeta Motors', country: 'India', foundedYear: 2001, colour: '#123456', description: 'A brand made for tests.' },
    change: { name: 'Zeta Motor Company', country: 'Japan' },
    term: 'zeta',
    takenSlug: 'hyundai',
    publicUrl: '/api/brands/zeta-motors',
    shows: isFound,
  },
  {
    path: 'models',
    entity: 'model',
    create: {
      slug: 'hyundai-zeta', brand: 'hyundai', name: 'Zeta', bodyType: 'suv', segment: 'B', launchDate: '2026-03-01', status: 'upcoming',
      description: 'A model made for tests.', colours: [{ name: 'Fiery Red', hex: '#cc0000' }], features: ['Six airbags'],
    },
    change: { name: 'Zeta Plus', popularity: 40 },
    term: 'zeta',
    takenSlug: 'hyundai-creta',
    publicUrl: '/api/models/hyundai-zeta',
    shows: isFound,
  },
  {
    path: 'variants',
    entity: 'variant',
    create: { slug: 'hyundai-creta-zeta', model: 'hyundai-creta', name: 'Zeta', priceInr: 1_250_000, fuel: 'petrol', transmission: 'manual', seats: 5, drivetrain: 'fwd', airbags: 6, powerBhp: 113.4 },
    change: { name: 'Zeta Plus', priceInr: 1_260_000 },
    term: 'zeta',
    takenSlug: 'hyundai-creta-e',
    publicUrl: '/api/variants/hyundai-creta-zeta',
    shows: isFound,
  },
  {
    path: 'images',
    entity: 'image',
    create: { model: 'hyundai-creta', path: '/media/hyundai-creta/zeta-front.jpg', alt: 'Zeta, front three-quarter view', width: 1600, height: 900 },
    change: { alt: 'Zeta, side view', position: 2 },
    term: 'zeta',
  },
  {
    path: 'articles',
    entity: 'article',
    create: {
      slug: 'zeta-first-drive', title: 'Zeta first drive', summary: 'We drove the Zeta.', category: 'review', author: 'Test Author', tags: ['suv'],
      bodyMarkdown: '## Verdict\n\nA fine **car**.', models: ['hyundai-creta'],
    },
    change: { title: 'Zeta first drive, revisited' },
    term: 'zeta',
    takenSlug: 'automatic-gearbox-types-explained',
    publicUrl: '/api/articles/zeta-first-drive',
    shows: isFound,
  },
  {
    path: 'comparisons',
    entity: 'comparison',
    create: { slug: 'zeta-creta-vs-sonet', models: ['hyundai-creta', 'kia-sonet'] },
    change: { title: 'Creta or Sonet?', position: 1 },
    term: 'zeta',
    takenSlug: 'hyundai-creta-vs-kia-seltos',
    publicUrl: '/api/comparisons/popular?limit=100',
    shows: (response) => json(response).data.some((c: { slug: string }) => c.slug === 'zeta-creta-vs-sonet'),
  },
];

describe.each(CASES)('/api/admin/$path', (c) => {
  const base = `/api/admin/${c.path}`;
  const expectPublic = async (visible: boolean) => {
    if (c.publicUrl === undefined) return;
    const response = await publicGet(c.publicUrl);
    expect(response.statusCode, c.publicUrl).toBeLessThan(500);
    expect(c.shows!(response), `${c.publicUrl} shows the ${c.entity}`).toBe(visible);
  };
  const listIds = async (query: string) => (await call('GET', `${base}?${query}`)).body.data.map((row: { id: number }) => row.id);

  it('creates, reads, lists, changes with If-Match, soft-deletes and restores, each on the public API at once', async () => {
    if (c.publicUrl) {
      // The public answer before the row exists is cached (a 404 or a list without it): the create must invalidate it.
      await cached(c.publicUrl);
      await expectPublic(false);
    }

    const created = await call('POST', base, { payload: c.create });
    expect(created.status).toBe(201);
    const id = created.body.data.id as number;
    expect(created.headers.location).toBe(`${base}/${id}`);
    expect(created.headers.etag).toBe('"v1"');
    expect(created.body.data).toMatchObject({ version: 1, deletedAt: null });
    expect(created.body.data).toMatchObject(c.create);
    await expectPublic(true);

    const read = await call('GET', `${base}/${id}`, { as: viewer });
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"v1"');
    expect(read.headers['cache-control']).toBe('no-store');
    expect(read.body.data).toEqual(created.body.data);

    expect(await listIds(`q=${c.term}`)).toContain(id);
    expect(await listIds(`q=${c.term.toUpperCase()}`)).toContain(id);
    expect(await listIds('q=no-row-matches-this')).toEqual([]);

    if (c.publicUrl) await cached(c.publicUrl);
    const changed = await call('PATCH', `${base}/${id}`, { payload: c.change, headers: ifMatch(1) });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).toBe('"v2"');
    expect(changed.body.data).toMatchObject({ ...c.change, version: 2 });
    expect(Date.parse(changed.body.data.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.data.updatedAt));
    if (c.publicUrl) expect((await publicGet(c.publicUrl)).headers['x-cache'], 'the change invalidated the public answer').toBe('MISS');

    const stale = await call('PATCH', `${base}/${id}`, { payload: c.change, headers: ifMatch(1) });
    expectError(stale, 412, 'VERSION_CONFLICT');
    expect(stale.headers.etag).toBe('"v2"');
    expect(stale.body.error.message).toMatch(/you sent version 1, it is now 2/);
    expectError(await call('PATCH', `${base}/${id}`, { payload: c.change }), 428, 'VERSION_REQUIRED');
    expectError(await call('PATCH', `${base}/${id}`, { payload: c.change, headers: { 'if-match': 'yesterday' } }), 400, 'VALIDATION_FAILED');
    expect((await call('GET', `${base}/${id}`)).body.data.version).toBe(2);

    expectError(await call('DELETE', `${base}/${id}`), 428, 'VERSION_REQUIRED');
    expectError(await call('DELETE', `${base}/${id}`, { headers: ifMatch(1) }), 412, 'VERSION_CONFLICT');
    if (c.publicUrl) await cached(c.publicUrl);
    const deleted = await call('DELETE', `${base}/${id}`, { headers: ifMatch(2) });
    expect(deleted.status).toBe(200);
    expect(deleted.body.data.version).toBe(3);
    expect(deleted.body.data.deletedAt).not.toBeNull();
    await expectPublic(false);
    expectError(await call('DELETE', `${base}/${id}?version=3`), 400, 'VALIDATION_FAILED');

    expect(await listIds(`q=${c.term}`)).not.toContain(id);
    expect(await listIds(`q=${c.term}&deleted=only`)).toEqual([id]);
    expect(await listIds(`q=${c.term}&deleted=include`)).toContain(id);
    expect((await call('GET', `${base}/${id}`)).body.data.deletedAt).not.toBeNull();

    const restored = await call('POST', `${base}/${id}/restore?version=3`);
    expect(restored.status).toBe(200);
    expect(restored.body.data).toMatchObject({ version: 4, deletedAt: null });
    await expectPublic(true);
    expect(await listIds(`q=${c.term}&deleted=only`)).toEqual([]);

    // Every write left its audit row, newest first, with who did it and the row before and after.
    const audit = await call('GET', `/api/admin/audit?entity=${c.entity}&entityId=${id}`, { as: admin });
    expect(audit.status).toBe(200);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['restore', 'delete', 'update', 'create']);
    const [restore, remove, update, create] = audit.body.data;
    for (const entry of audit.body.data) expect(entry).toMatchObject({ actorId: editor.user.id, actorEmail: editor.user.email, entity: c.entity, entityId: String(id) });
    expect(create).toMatchObject({ before: null, after: { id, version: 1 } });
    expect(update).toMatchObject({ before: { version: 1 }, after: { ...c.change, version: 2 } });
    expect(remove).toMatchObject({ before: { version: 2, deletedAt: null }, after: { version: 3 } });
    expect(remove.after.deletedAt).not.toBeNull();
    expect(restore).toMatchObject({ before: { version: 3 }, after: { version: 4, deletedAt: null } });
  });

  it('pages the list newest first, with the exact total', async () => {
    const first = await call('GET', `${base}?limit=2&deleted=include`);
    const second = await call('GET', `${base}?limit=2&page=2&deleted=include`);
    expect(first.status).toBe(200);
    const total = first.body.pagination.total as number;
    expect(total).toBeGreaterThanOrEqual(c.path === 'images' ? 1 : 4);
    expect(first.body.pagination).toMatchObject({ page: 1, limit: 2, total, hasNext: total > 2 });
    expect(second.body.pagination).toMatchObject({ page: 2, total });
    const ids = [...first.body.data, ...second.body.data].map((row: { id: number }) => row.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);
    expectError(await call('GET', `${base}?limit=0`), 400, 'VALIDATION_FAILED');
    expectError(await call('GET', `${base}?deleted=maybe`), 400, 'VALIDATION_FAILED');
    expectError(await call('GET', `${base}?colour=red`), 400, 'UNKNOWN_PARAMETER');
  });

  it('answers an unknown id 404 and a malformed one 400', async () => {
    expectError(await call('GET', `${base}/2147483000`), 404, 'NOT_FOUND');
    expectError(await call('PATCH', `${base}/2147483000`, { payload: c.change, headers: ifMatch(1) }), 404, 'NOT_FOUND');
    expectError(await call('GET', `${base}/abc`), 400, 'VALIDATION_FAILED');
  });

  it('refuses unknown fields, wrong types and an empty change with 400', async () => {
    const unknown = await call('POST', base, { payload: { ...c.create, isAdmin: true } });
    expectError(unknown, 400, 'UNKNOWN_PARAMETER');
    expect(unknown.body.error.message).toMatch(/isAdmin/);
    const [field] = Object.keys(c.change);
    const wrongType = await call('POST', base, { payload: { ...c.create, [field!]: { nested: true } } });
    expectError(wrongType, 400, 'VALIDATION_FAILED');
    expect(wrongType.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    const { body } = await call('GET', `${base}?limit=1`);
    const row = body.data[0] as { id: number; version: number };
    expectError(await call('PATCH', `${base}/${row.id}`, { payload: {}, headers: ifMatch(row.version) }), 400, 'VALIDATION_FAILED');
    expectError(await call('PATCH', `${base}/${row.id}`, { payload: { id: 1 }, headers: ifMatch(row.version) }), 400, 'UNKNOWN_PARAMETER');
  });

  it('refuses a change that sends only the version: no new version, no audit entry', async () => {
    const { body } = await call('GET', `${base}?limit=1`);
    const row = body.data[0] as { id: number; version: number };
    const audited = async () => (await t.app.pg.query(`SELECT 1 FROM audit_log WHERE entity = $1 AND entity_id = $2`, [c.entity, String(row.id)])).rowCount;
    const before = await audited();
    const response = await call('PATCH', `${base}/${row.id}`, { payload: { version: row.version } });
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(response.body.error.message).toMatch(/^nothing to change/);
    expect((await call('GET', `${base}/${row.id}`)).body.data.version).toBe(row.version);
    expect(await audited()).toBe(before);
  });

  it.runIf(c.takenSlug !== undefined)('refuses a slug another row has with 409, on create and on change', async () => {
    const taken = await call('POST', base, { payload: { ...c.create, slug: c.takenSlug } });
    expectError(taken, 409, 'SLUG_TAKEN');
    expect(taken.body.error.message).toBe(`another ${c.entity} already uses that slug (deleted ones included: restore it instead)`);
    const { body } = await call('GET', `${base}?q=${c.term}`);
    const row = body.data[0] as { id: number; version: number };
    expectError(await call('PATCH', `${base}/${row.id}`, { payload: { slug: c.takenSlug }, headers: ifMatch(row.version) }), 409, 'SLUG_TAKEN');
    expectError(await call('POST', base, { payload: { ...c.create, slug: 'Not A Slug' } }), 400, 'VALIDATION_FAILED');
  });
});

describe('optimistic concurrency', () => {
  it('lets exactly one of two concurrent changes from the same version through', async () => {
    const created = await call('POST', '/api/admin/brands', { payload: { slug: 'race-motors', name: 'Race Motors', country: 'India', colour: '#101010' } });
    const url = `/api/admin/brands/${created.body.data.id}`;
    const results = await Promise.all(['First', 'Second'].map((name) => call('PATCH', url, { payload: { name }, headers: ifMatch(1) })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200)!.body.data.name;
    expect((await call('GET', url)).body.data).toMatchObject({ name: winner, version: 2 });
    const audit = await call('GET', `/api/admin/audit?entity=brand&entityId=${created.body.data.id}&action=update`, { as: admin });
    expect(audit.body.data).toHaveLength(1);
  });

  it('accepts the version in the body (or ?version=) instead of If-Match, and a weak or bare ETag', async () => {
    const created = await call('POST', '/api/admin/brands', { payload: { slug: 'body-motors', name: 'Body Motors', country: 'India', colour: '#101010' } });
    const url = `/api/admin/brands/${created.body.data.id}`;
    expect((await call('PATCH', url, { payload: { name: 'Body Motors 2', version: 1 } })).body.data.version).toBe(2);
    expectError(await call('PATCH', url, { payload: { name: 'Body Motors 3', version: 1 } }), 412, 'VERSION_CONFLICT');
    expect((await call('PATCH', url, { payload: { name: 'Body Motors 3' }, headers: { 'if-match': 'W/"v2"' } })).status).toBe(200);
    expect((await call('DELETE', `${url}?version=3`)).status).toBe(200);
    expect((await call('POST', `${url}/restore`, { headers: { 'if-match': '4' } })).status).toBe(200);
  });
});

describe('list filters', () => {
  it.each([
    ['models', 'brand', 'kia', (row: { brand: string }) => row.brand === 'kia'],
    ['variants', 'model', 'hyundai-creta', (row: { model: string }) => row.model === 'hyundai-creta'],
  ] as const)('/api/admin/%s?%s=%s', async (path, filter, slug, matches) => {
    const { status, body } = await call('GET', `/api/admin/${path}?${filter}=${slug}&limit=100`);
    expect(status).toBe(200);
    expect(body.data.length).toBeGreaterThan(3);
    expect(body.data.every(matches as (row: unknown) => boolean)).toBe(true);
    expect(body.pagination.total).toBe(body.data.length);
    expect((await call('GET', `/api/admin/${path}?${filter}=no-such-slug`)).body.data).toEqual([]);
  });
});

describe('plain-text fields', () => {
  const SCRIPT = '<script>alert(1)</script>';
  it.each([
    ['brands', { slug: 'x-motors', name: SCRIPT, country: 'India', colour: '#123456' }, 'name'],
    ['brands', { slug: 'x-motors', name: 'X Motors', country: 'India', colour: '#123456', description: 'Fast <img src=x onerror=alert(1)>' }, 'description'],
    ['models', { slug: 'hyundai-x', brand: 'hyundai', name: 'X', bodyType: 'suv', segment: 'B', launchDate: '2026-01-01', status: 'upcoming', features: ['ok', '<b>bold</b>'] }, 'features.1'],
    ['models', { slug: 'hyundai-x', brand: 'hyundai', name: 'X', bodyType: 'suv', segment: 'B', launchDate: '2026-01-01', status: 'upcoming', colours: [{ name: '<i>Red</i>', hex: '#ff0000' }] }, 'colours.0.name'],
    ['variants', { slug: 'hyundai-creta-x', model: 'hyundai-creta', name: '<svg onload=alert(1)>', priceInr: 1_000_000, fuel: 'petrol', transmission: 'manual', seats: 5, drivetrain: 'fwd', airbags: 6 }, 'name'],
    ['images', { model: 'hyundai-creta', path: '/media/x.jpg', alt: `front ${SCRIPT}`, width: 10, height: 10 }, 'alt'],
    ['articles', { slug: 'x-news', title: SCRIPT, summary: 'S', category: 'news', author: 'A', bodyHtml: '<p>x</p>' }, 'title'],
    ['comparisons', { models: ['hyundai-creta', 'kia-seltos'], slug: 'x-vs', title: `Creta ${SCRIPT}` }, 'title'],
  ])('refuse markup: %s %j', async (path, payload, field) => {
    const response = await call('POST', `/api/admin/${path}`, { payload });
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(response.body.error.message).toBe(`${field} must not contain HTML markup`);
  });

  it('refuses markup in a change too, and leaves the row as it was', async () => {
    const { body } = await call('GET', '/api/admin/brands?q=hyundai');
    const brand = body.data.find((b: { slug: string }) => b.slug === 'hyundai');
    expectError(await call('PATCH', `/api/admin/brands/${brand.id}`, { payload: { name: '<script>alert(1)</script>' }, headers: ifMatch(brand.version) }), 400, 'VALIDATION_FAILED');
    expect((await call('GET', `/api/admin/brands/${brand.id}`)).body.data).toMatchObject({ name: 'Hyundai', version: brand.version });
  });

  it.each(['javascript:alert(1)', '/media/../../etc/passwd', 'http://cdn.example/x.jpg', '/media/x.jpg"onerror="alert(1)'])('refuses the image path %s', async (path) => {
    expectError(await call('POST', '/api/admin/images', { payload: { model: 'hyundai-creta', path, alt: 'x', width: 1, height: 1 } }), 400, 'VALIDATION_FAILED');
  });

  it('keeps text that merely mentions < and cleans invisible characters', async () => {
    const response = await call('POST', '/api/admin/brands', { payload: { slug: 'lt-motors', name: 'Under <10 lakh\u200b  Motors', country: 'India', colour: '#123456' } });
    expect(response.status).toBe(201);
    expect(response.body.data.name).toBe('Under <10 lakh Motors');
  });
});

describe('article bodies', () => {
  const DANGEROUS = /<script|onerror|onclick|javascript:|<iframe|style=/i;
  const base = {
    title: 'Safety first', summary: 'What the stars mean.', category: 'guide', author: 'Test Author',
  };

  it('cleans HTML to the allowlist, in what is stored, returned and published', async () => {
    const bodyHtml = [
      '<h2>Stars</h2><p onclick="steal()" style="color:red">Five is <strong>best</strong>.</p>',
      '<script>alert(document.cookie)</script>',
      '<img src="https://cdn.example/crash.jpg" alt="crash test" onerror="alert(1)">',
      '<a href="javascript:alert(1)">click</a> <a href="https://example.com/ncap">NCAP</a>',
      '<iframe src="https://evil.example"></iframe><img src="javascript:alert(1)">',
    ].join('');
    const created = await call('POST', '/api/admin/articles', { payload: { ...base, slug: 'safety-first', bodyHtml } });
    expect(created.status).toBe(201);
    const html = created.body.data.bodyHtml as string;
    expect(html).not.toMatch(DANGEROUS);
    expect(html).toContain('<h2>Stars</h2><p>Five is <strong>best</strong>.</p>');
    expect(html).toContain('<img src="https://cdn.example/crash.jpg" alt="crash test" />');
    expect(html).toContain('<a href="https://example.com/ncap" rel="noopener nofollow">NCAP</a>');
    expect(created.body.data.bodyMarkdown).toBe('');
    const { rows } = await t.app.pg.query<{ body_html: string }>(`SELECT body_html FROM articles WHERE slug = 'safety-first'`);
    expect(rows[0]!.body_html).toBe(html);

    const published = await publicGet('/api/articles/safety-first');
    expect(published.statusCode).toBe(200);
    expect(published.body).not.toMatch(DANGEROUS);
    expect(json(published).data.bodyHtml).toBe(html);

    const changed = await call('PATCH', `/api/admin/articles/${created.body.data.id}`, {
      payload: { bodyHtml: '<p>Updated</p><script>alert(2)</script><svg onload="alert(3)"></svg>' },
      headers: ifMatch(1),
    });
    expect(changed.body.data.bodyHtml).toBe('<p>Updated</p>');
    const republished = await publicGet('/api/articles/safety-first');
    expect(json(republished).data.bodyHtml).toBe('<p>Updated</p>');
  });

  it('renders markdown to clean HTML, and publishes the source as written: raw HTML the allowlist keeps only', async () => {
    const bodyMarkdown = '## Verdict\n\nGood **value**, H<sub>2</sub>O-free.\n\n[NCAP](https://example.com/ncap) ![crash](https://cdn.example/c.jpg)\n';
    const created = await call('POST', '/api/admin/articles', { payload: { ...base, slug: 'safety-markdown', bodyMarkdown } });
    expect(created.status).toBe(201);
    expect(created.body.data.bodyMarkdown).toBe(bodyMarkdown);
    const html = created.body.data.bodyHtml as string;
    expect(html).toContain('<h2>Verdict</h2>');
    expect(html).toContain('<strong>value</strong>, H<sub>2</sub>O-free');
    expect(html).not.toMatch(DANGEROUS);
    const published = json(await publicGet('/api/articles/safety-markdown')).data;
    expect(published).toMatchObject({ bodyHtml: html, bodyMarkdown });
  });

  // The source is published too (clients may render it themselves), so what the HTML policy would drop is refused, named.
  it.each([
    ['<script>alert(1)</script>', /must not contain script/],
    ['[win](javascript:alert(1))', /must not contain script/],
    ['x <img src=x onerror=alert(1)>', /must not contain script/],
    ['<div class="box">\nhi\n</div>', /must not contain <div>/],
    ['<p style="color:red">red</p>', /must not contain the style attribute on <p>/],
    ['<a href="&#106;avascript:alert(1)">x</a>', /must not contain the href "javascript:alert\(1\)" on <a>/],
    ['<!-- <iframe src="https://evil.example"> -->', /must not contain HTML comments/],
    ['[x](data:text/html;base64,PHNjcmlwdD4=)', /must not contain links to data: URLs/],
  ])('refuses the markdown %j with a 400 naming what is wrong, and stores nothing', async (markdown, message) => {
    const response = await call('POST', '/api/admin/articles', { payload: { ...base, slug: 'unsafe-markdown', bodyMarkdown: `Intro.\n\n${markdown}\n` } });
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(response.body.error.message).toMatch(message);
    expect(response.body.error.details[0].field).toBe('bodyMarkdown');
    expect((await t.app.pg.query(`SELECT 1 FROM articles WHERE slug = 'unsafe-markdown'`)).rowCount).toBe(0);
  });

  it('needs a body to create an article', async () => {
    const response = await call('POST', '/api/admin/articles', { payload: { ...base, slug: 'no-body' } });
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(response.body.error.message).toMatch(/bodyHtml or bodyMarkdown/);
  });

  it('keeps a draft off the public site until it is published', async () => {
    const created = await call('POST', '/api/admin/articles', { payload: { ...base, slug: 'draft-piece', status: 'draft', bodyHtml: '<p>soon</p>' } });
    expect(created.status).toBe(201);
    expect((await cached('/api/articles/draft-piece')).statusCode).toBe(404);
    const published = await call('PATCH', `/api/admin/articles/${created.body.data.id}`, { payload: { status: 'published' }, headers: ifMatch(1) });
    expect(published.status).toBe(200);
    expect((await publicGet('/api/articles/draft-piece')).statusCode).toBe(200);
  });
});

describe('references', () => {
  const model = { slug: 'hyundai-orphan', name: 'Orphan', bodyType: 'suv', segment: 'B', launchDate: '2026-01-01', status: 'upcoming' };
  const variant = { name: 'Base', priceInr: 900_000, fuel: 'petrol', transmission: 'manual', seats: 5, drivetrain: 'fwd', airbags: 2 };

  it.each([
    ['models', { ...model, brand: 'no-such-brand' }, 'brand: no brand with slug "no-such-brand"'],
    ['variants', { ...variant, slug: 'nowhere-base', model: 'no-such-model' }, 'model: no model with slug "no-such-model"'],
    ['images', { model: 'no-such-model', path: '/media/x.jpg', alt: 'x', width: 1, height: 1 }, 'model: no model with slug "no-such-model"'],
    ['articles', { slug: 'x', title: 'X', summary: 'X', category: 'news', author: 'X', bodyHtml: '<p>x</p>', models: ['hyundai-creta', 'no-such-model'] }, 'models: no model with slug "no-such-model"'],
    ['comparisons', { models: ['hyundai-creta', 'no-such-model'] }, 'models: no model with slug "no-such-model"'],
  ])('refuses an unknown reference: %s', async (path, payload, message) => {
    const response = await call('POST', `/api/admin/${path}`, { payload });
    expectError(response, 400, 'VALIDATION_FAILED');
    expect(response.body.error.message).toBe(message);
  });

  it('refuses to delete a brand with live models, or a model with live variants', async () => {
    const brand = (await call('GET', '/api/admin/brands?q=hyundai')).body.data.find((b: { slug: string }) => b.slug === 'hyundai');
    const deleteBrand = await call('DELETE', `/api/admin/brands/${brand.id}`, { headers: ifMatch(brand.version) });
    expectError(deleteBrand, 409, 'REFERENCE_IN_USE');
    expect(deleteBrand.body.error.message).toMatch(/still has \d+ live model\(s\)/);
    const creta = (await call('GET', '/api/admin/models?q=hyundai-creta')).body.data.find((m: { slug: string }) => m.slug === 'hyundai-creta');
    const deleteModel = await call('DELETE', `/api/admin/models/${creta.id}`, { headers: ifMatch(creta.version) });
    expectError(deleteModel, 409, 'REFERENCE_IN_USE');
    expect(deleteModel.body.error.message).toMatch(/still has \d+ live variant\(s\)/);
  });

  it('refuses a reference to a deleted row, and restoring a row whose parent is deleted', async () => {
    const createdModel = await call('POST', '/api/admin/models', { payload: { ...model, brand: 'hyundai' } });
    expect(createdModel.status).toBe(201);
    const createdVariant = await call('POST', '/api/admin/variants', { payload: { ...variant, slug: 'hyundai-orphan-base', model: 'hyundai-orphan' } });
    expect(createdVariant.status).toBe(201);
    expect((await call('DELETE', `/api/admin/variants/${createdVariant.body.data.id}`, { headers: ifMatch(1) })).status).toBe(200);
    expect((await call('DELETE', `/api/admin/models/${createdModel.body.data.id}`, { headers: ifMatch(1) })).status).toBe(200);

    expectError(await call('POST', '/api/admin/variants', { payload: { ...variant, slug: 'hyundai-orphan-top', model: 'hyundai-orphan' } }), 400, 'VALIDATION_FAILED');
    const restore = await call('POST', `/api/admin/variants/${createdVariant.body.data.id}/restore`, { headers: ifMatch(2) });
    expectError(restore, 409, 'REFERENCE_IN_USE');
    expect(restore.body.error.message).toMatch(/model .*deleted/);
    expect((await publicGet('/api/variants/hyundai-orphan-base')).statusCode).toBe(404);
  });
});

describe('the public API after a change', () => {
  const variantId = async (slug: string) => (await call('GET', `/api/admin/variants?q=${slug}`)).body.data.find((v: { slug: string }) => v.slug === slug) as { id: number; version: number };

  it('shows a new variant price on the model, the variant and filtered lists immediately, with the derived price range', async () => {
    const modelUrl = '/api/models/hyundai-creta';
    const variantUrl = '/api/variants/hyundai-creta-e';
    const cheapSuvs = '/api/models?brand=hyundai&bodyType=suv&priceMax=1050000&limit=100';
    const before = json(await cached(modelUrl)).data;
    expect(before).toMatchObject({ priceMinInr: 1_073_000, priceMaxInr: 2_019_000 });
    expect(json(await cached(variantUrl)).data.priceInr).toBe(1_073_000);
    expect(json(await cached(cheapSuvs)).data.map((m: { slug: string }) => m.slug)).not.toContain('hyundai-creta');

    const { id, version } = await variantId('hyundai-creta-e');
    const cut = await call('PATCH', `/api/admin/variants/${id}`, { payload: { priceInr: 999_000 }, headers: ifMatch(version) });
    expect(cut.status).toBe(200);

    const model = await publicGet(modelUrl);
    expect(model.headers['x-cache']).toBe('MISS');
    expect(json(model).data).toMatchObject({ priceMinInr: 999_000, priceMaxInr: 2_019_000 });
    expect(json(model).data.variants.find((v: { slug: string }) => v.slug === 'hyundai-creta-e').priceInr).toBe(999_000);
    const variantPage = await publicGet(variantUrl);
    expect(variantPage.headers['x-cache']).toBe('MISS');
    expect(json(variantPage).data.priceInr).toBe(999_000);
    const list = await publicGet(cheapSuvs);
    expect(list.headers['x-cache']).toBe('MISS');
    expect(json(list).data.find((m: { slug: string }) => m.slug === 'hyundai-creta')).toMatchObject({ priceMinInr: 999_000 });
    expect((await call('GET', '/api/admin/models?q=hyundai-creta')).body.data.find((m: { slug: string }) => m.slug === 'hyundai-creta').priceMinInr).toBe(999_000);

    // The cheapest becomes the dearest: the range moves at both ends.
    await cached(modelUrl);
    await cached(cheapSuvs);
    const raise = await call('PATCH', `/api/admin/variants/${id}`, { payload: { priceInr: 2_100_000 }, headers: ifMatch(version + 1) });
    expect(raise.status).toBe(200);
    expect(json(await publicGet(modelUrl)).data).toMatchObject({ priceMinInr: 1_185_000, priceMaxInr: 2_100_000 });
    expect(json(await publicGet(cheapSuvs)).data.map((m: { slug: string }) => m.slug)).not.toContain('hyundai-creta');
  });

  it('drops a deleted variant from its model page and the price range at once', async () => {
    const modelUrl = '/api/models/kia-seltos';
    const before = json(await cached(modelUrl)).data as { priceMaxInr: number; variantCount: number; variants: { slug: string; priceInr: number }[] };
    const dearest = before.variants.reduce((a, b) => (b.priceInr > a.priceInr ? b : a));
    const { id, version } = await variantId(dearest.slug);
    expect((await call('DELETE', `/api/admin/variants/${id}`, { headers: ifMatch(version) })).status).toBe(200);
    const after = json(await publicGet(modelUrl)).data as typeof before;
    expect(after.variants.map((v) => v.slug)).not.toContain(dearest.slug);
    expect(after.variantCount).toBe(before.variantCount - 1);
    expect(after.priceMaxInr).toBe(Math.max(...after.variants.map((v) => v.priceInr)));
    expect((await publicGet(`/api/variants/${dearest.slug}`)).statusCode).toBe(404);
  });

  it('shows a brand rename on the brand list, the brand page and its models at once', async () => {
    const brands = '/api/brands';
    const modelUrl = '/api/models/kia-sonet';
    expect(json(await cached(brands)).data.find((b: { slug: string }) => b.slug === 'kia').name).toBe('Kia');
    await cached('/api/brands/kia');
    await cached(modelUrl);
    const kia = (await call('GET', '/api/admin/brands?q=kia')).body.data.find((b: { slug: string }) => b.slug === 'kia');
    expect((await call('PATCH', `/api/admin/brands/${kia.id}`, { payload: { name: 'Kia India' }, headers: ifMatch(kia.version) })).status).toBe(200);

    const list = await publicGet(brands);
    expect(list.headers['x-cache']).toBe('MISS');
    expect(json(list).data.find((b: { slug: string }) => b.slug === 'kia').name).toBe('Kia India');
    expect(json(await publicGet('/api/brands/kia')).data.name).toBe('Kia India');
    expect(json(await publicGet(modelUrl)).data.brand.name).toBe('Kia India');
  });

  it('moves a variant between model pages, and a renamed model slug between URLs, at once', async () => {
    const from = '/api/models/kia-seltos';
    const to = '/api/models/kia-carens';
    const slugs = (response: LightMyRequestResponse) => json(response).data.variants.map((v: { slug: string }) => v.slug) as string[];
    const moving = slugs(await cached(from))[0]!;
    expect(slugs(await cached(to))).not.toContain(moving);
    const { id, version } = await variantId(moving);
    expect((await call('PATCH', `/api/admin/variants/${id}`, { payload: { model: 'kia-carens' }, headers: ifMatch(version) })).status).toBe(200);
    expect(slugs(await publicGet(from))).not.toContain(moving);
    expect(slugs(await publicGet(to))).toContain(moving);
    expect(json(await publicGet(`/api/variants/${moving}`)).data.model.slug).toBe('kia-carens');

    const carens = (await call('GET', '/api/admin/models?q=kia-carens')).body.data.find((m: { slug: string }) => m.slug === 'kia-carens');
    await cached('/api/models/kia-carens-next');
    expect((await call('PATCH', `/api/admin/models/${carens.id}`, { payload: { slug: 'kia-carens-next' }, headers: ifMatch(carens.version) })).status).toBe(200);
    expect((await publicGet(to)).statusCode).toBe(404);
    expect(slugs(await publicGet('/api/models/kia-carens-next'))).toContain(moving);
  });

  it('drops a deleted article from the public list, and a deleted model from the articles about it', async () => {
    const list = '/api/articles?limit=100';
    const listed = (response: LightMyRequestResponse) => json(response).data.map((a: { slug: string }) => a.slug) as string[];
    const article = (await call('GET', '/api/admin/articles?limit=1')).body.data[0];
    expect(listed(await cached(list))).toContain(article.slug);
    expect((await call('DELETE', `/api/admin/articles/${article.id}`, { headers: ifMatch(article.version) })).status).toBe(200);
    expect(listed(await publicGet(list))).not.toContain(article.slug);

    const model = await call('POST', '/api/admin/models', {
      payload: { slug: 'tata-ghost', brand: 'tata', name: 'Ghost', bodyType: 'suv', segment: 'B', launchDate: '2026-01-01', status: 'upcoming' },
    });
    const about = await call('POST', '/api/admin/articles', {
      payload: { slug: 'ghost-spotted', title: 'Ghost spotted', summary: 'Seen testing.', category: 'news', author: 'A', bodyHtml: '<p>x</p>', models: ['tata-ghost', 'tata-nexon'] },
    });
    expect(about.status).toBe(201);
    const models = (response: LightMyRequestResponse) => json(response).data.models.map((m: { slug: string }) => m.slug) as string[];
    expect(models(await cached('/api/articles/ghost-spotted'))).toEqual(['tata-ghost', 'tata-nexon']);
    expect((await call('DELETE', `/api/admin/models/${model.body.data.id}`, { headers: ifMatch(1) })).status).toBe(200);
    expect(models(await publicGet('/api/articles/ghost-spotted'))).toEqual(['tata-nexon']);
  });

  it('shows a model rename on the articles about it at once', async () => {
    const articleUrl = '/api/articles/automatic-gearbox-types-explained';
    const list = '/api/articles?model=tata-altroz';
    const named = (response: LightMyRequestResponse) => (json(response).data.models ?? json(response).data[0].models).find((m: { slug: string }) => m.slug === 'tata-altroz').name;
    expect(named(await cached(articleUrl))).toBe('Altroz');
    expect(named(await cached(list))).toBe('Altroz');
    const altroz = (await call('GET', '/api/admin/models?q=tata-altroz')).body.data.find((m: { slug: string }) => m.slug === 'tata-altroz');
    expect((await call('PATCH', `/api/admin/models/${altroz.id}`, { payload: { name: 'Altroz Racer' }, headers: ifMatch(altroz.version) })).status).toBe(200);
    expect(named(await publicGet(articleUrl))).toBe('Altroz Racer');
    expect(named(await publicGet(list))).toBe('Altroz Racer');
  });
});

describe('the audit log', () => {
  it('records a change with its request id, and nothing for a refused one', async () => {
    const brand = (await call('GET', '/api/admin/brands?q=tesla')).body.data[0];
    const requestId = 'audit-test-request-1';
    const changed = await call('PATCH', `/api/admin/brands/${brand.id}`, { payload: { description: 'Electric cars.' }, headers: { ...ifMatch(brand.version), 'x-request-id': requestId } });
    expect(changed.status).toBe(200);
    expect(await call('PATCH', `/api/admin/brands/${brand.id}`, { payload: { description: 'Stale.' }, headers: ifMatch(brand.version) })).toMatchObject({ status: 412 });
    expect(await call('PATCH', `/api/admin/brands/${brand.id}`, { payload: { name: '<b>x</b>' }, headers: ifMatch(brand.version + 1) })).toMatchObject({ status: 400 });

    const { body } = await call('GET', `/api/admin/audit?entity=brand&entityId=${brand.id}`, { as: admin });
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({
      action: 'update', actorEmail: editor.user.email, requestId, ip: '127.0.0.1',
      before: { slug: 'tesla', description: brand.description, version: brand.version },
      after: { slug: 'tesla', description: 'Electric cars.', version: brand.version + 1 },
    });
  });

  it('lists newest first, filters by entity, id, action and actor, and pages', async () => {
    const other = await signedIn(t.app, 'editor');
    const created: number[] = [];
    for (const n of [1, 2, 3]) {
      const response = await call('POST', '/api/admin/brands', { payload: { slug: `audit-brand-${n}`, name: `Audit ${n}`, country: 'India', colour: '#000000' }, as: n === 3 ? other : editor });
      created.push(response.body.data.id);
    }
    const all = await call('GET', '/api/admin/audit?limit=100', { as: admin });
    expect(all.status).toBe(200);
    expect(all.headers['cache-control']).toBe('no-store');
    const ids = all.body.data.map((e: { id: number }) => e.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
    const ats = all.body.data.map((e: { at: string }) => Date.parse(e.at));
    expect(ats).toEqual([...ats].sort((a: number, b: number) => b - a));
    expect(all.body.data[0]).toMatchObject({ action: 'create', entity: 'brand', entityId: String(created[2]), actorEmail: other.user.email });

    const byActor = await call('GET', `/api/admin/audit?actor=${encodeURIComponent(other.user.email.toUpperCase())}`, { as: admin });
    expect(byActor.body.data.map((e: { entityId: string }) => e.entityId)).toEqual([String(created[2])]);
    const creates = await call('GET', '/api/admin/audit?entity=brand&action=create&limit=100', { as: admin });
    expect(creates.body.data.every((e: { entity: string; action: string }) => e.entity === 'brand' && e.action === 'create')).toBe(true);
    expect(creates.body.data.map((e: { entityId: string }) => Number(e.entityId))).toEqual(expect.arrayContaining(created));

    const page1 = await call('GET', '/api/admin/audit?entity=brand&action=create&limit=2', { as: admin });
    const page2 = await call('GET', '/api/admin/audit?entity=brand&action=create&limit=2&page=2', { as: admin });
    expect(page1.body.pagination).toMatchObject({ page: 1, limit: 2, total: creates.body.pagination.total, hasNext: true });
    expect([...page1.body.data, ...page2.body.data].map((e: { id: number }) => e.id)).toEqual(creates.body.data.slice(0, 4).map((e: { id: number }) => e.id));

    expectError(await call('GET', '/api/admin/audit?actor=not-an-email', { as: admin }), 400, 'VALIDATION_FAILED');
    expectError(await call('GET', '/api/admin/audit?who=me', { as: admin }), 400, 'UNKNOWN_PARAMETER');
  });

  it('is for admins only', async () => {
    expectError(await call('GET', '/api/admin/audit', { as: editor }), 403, 'FORBIDDEN');
    expectError(await call('GET', '/api/admin/audit', { as: viewer }), 403, 'FORBIDDEN');
    expectError(await call('GET', '/api/admin/audit', { headers: { authorization: '' } }), 401, 'UNAUTHENTICATED');
  });
});
