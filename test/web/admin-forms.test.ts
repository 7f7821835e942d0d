/**
 * Changing things through the admin pages: the forms post to /admin/*, which runs the admin API, so the
 * API's validation messages, version conflicts (412), soft delete/restore and CSRF rule reach the editor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';
import { createUser, login, type TestSession } from '../admin/helpers.js';
import { encode, formHeaders, getPage, signInPage, type PageSession } from './admin-helpers.js';

let t: TestApp;
let editor: PageSession;
let viewer: PageSession;
let api: TestSession;
let variant: { id: number; version: number; priceInr: number; slug: string };

const post = (url: string, session: PageSession | undefined, fields: Record<string, string>, origin?: string | null) =>
  t.app.inject({ method: 'POST', url, headers: formHeaders(session?.cookie, origin), payload: encode(fields) });

const readVariant = async (id: number) => (await t.app.inject({ method: 'GET', url: `/api/admin/variants/${id}`, headers: api.headers })).json().data;

beforeAll(async () => {
  t = await buildTestApp();
  const editorUser = await createUser(t.app, 'editor');
  editor = await signInPage(t.app, editorUser);
  viewer = await signInPage(t.app, await createUser(t.app, 'viewer'));
  api = await login(t.app, editorUser);
  const list = (await t.app.inject({ method: 'GET', url: '/api/admin/variants?limit=1', headers: api.headers })).json().data;
  variant = list[0];
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('editing a variant', () => {
  it('finds it by search and saves a new price (only that field), then shows "Saved"', async () => {
    const list = await getPage(t.app, `/admin/variants?q=${variant.slug}`, editor);
    expect(list.body).toContain(`href="/admin/variants/${variant.id}"`);
    const current = await readVariant(variant.id);
    const response = await post(`/admin/variants/${variant.id}`, editor, { version: String(current.version), priceInr: '1,234,567', name: current.name });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/admin/variants/${variant.id}?done=saved`);
    const after = await readVariant(variant.id);
    expect(after.priceInr).toBe(1_234_567);
    expect(after.version).toBe(current.version + 1);
    expect(after.name).toBe(current.name);
    const audit = await t.app.pg.query(`SELECT after FROM audit_log WHERE entity = 'variant' AND entity_id = $1 ORDER BY id DESC LIMIT 1`, [String(variant.id)]);
    expect(audit.rows[0]!.after.priceInr).toBe(1_234_567);
    expect((await getPage(t.app, response.headers.location as string, editor)).body).toContain('role="status">Saved.');
  });

  it('shows the API message next to the price when it is out of range, and keeps what was typed', async () => {
    const current = await readVariant(variant.id);
    const response = await post(`/admin/variants/${variant.id}`, editor, { version: String(current.version), priceInr: '12' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/<input id="field-priceInr" name="priceInr" aria-invalid="true" aria-describedby="field-priceInr-hint field-priceInr-error"[^>]*value="12"/);
    expect(response.body).toMatch(/id="field-priceInr-error">must be >= 100000</);
    expect(response.body).toContain(`name="slug" aria-describedby="field-slug-hint" required type="text" value="${current.slug}"`);
    expect((await readVariant(variant.id)).version).toBe(current.version);
  });

  it('explains a conflict (412) when someone else saved first, and writes nothing', async () => {
    const seen = await readVariant(variant.id);
    const other = await t.app.inject({ method: 'PATCH', url: `/api/admin/variants/${variant.id}`, headers: { ...api.headers, 'if-match': `"v${seen.version}"` }, payload: { airbags: 4 } });
    expect(other.statusCode).toBe(200);
    const response = await post(`/admin/variants/${variant.id}`, editor, { version: String(seen.version), priceInr: '2000000' });
    expect(response.statusCode).toBe(412);
    expect(response.body).toContain('role="alert" id="form-error">Someone else changed this record after you opened it');
    expect(response.body).toContain('value="2000000"');
    expect((await readVariant(variant.id)).priceInr).not.toBe(2_000_000);
  });

  it('says so when nothing changed', async () => {
    const current = await readVariant(variant.id);
    const response = await post(`/admin/variants/${variant.id}`, editor, { version: String(current.version), priceInr: String(current.priceInr) });
    expect(response.headers.location).toBe(`/admin/variants/${variant.id}?done=unchanged`);
  });

  it('refuses a form posted from another site or without Origin (CSRF), changing nothing', async () => {
    const current = await readVariant(variant.id);
    for (const origin of ['https://evil.example', null]) {
      const response = await post(`/admin/variants/${variant.id}`, editor, { version: String(current.version), priceInr: '3000000' }, origin);
      expect(response.statusCode).toBe(403);
    }
    expect((await readVariant(variant.id)).version).toBe(current.version);
  });

  it('refuses a viewer (403) even when the form is forged', async () => {
    const current = await readVariant(variant.id);
    const response = await post(`/admin/variants/${variant.id}`, viewer, { version: String(current.version), priceInr: '3000000' });
    expect(response.statusCode).toBe(403);
    expect((await readVariant(variant.id)).version).toBe(current.version);
  });

  it('sends a signed-out form post to the login page', async () => {
    const response = await post(`/admin/variants/${variant.id}`, undefined, { version: '1', priceInr: '3000000' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(/^\/admin\/login\?next=/);
  });
});

describe('a brand from creation to deletion and back', () => {
  it('creates, validates, deletes and restores through the forms', async () => {
    const invalid = await post('/admin/brands/new', editor, { slug: 'Bad Slug', name: '', country: 'India', colour: 'red', foundedYear: '', description: '' });
    expect(invalid.statusCode).toBe(400);
    for (const field of ['slug', 'name', 'colour']) expect(invalid.body, field).toContain(`id="field-${field}-error"`);

    const created = await post('/admin/brands/new', editor, { slug: 'pagetest-motors', name: 'Pagetest Motors', country: 'India', colour: '#112233', foundedYear: '1999', description: '' });
    expect(created.statusCode).toBe(303);
    const id = Number(/\/admin\/brands\/(\d+)\?done=created/.exec(created.headers.location as string)![1]);
    const page = await getPage(t.app, `/admin/brands/${id}`, editor);
    expect(page.body).toContain('value="Pagetest Motors"');

    const taken = await post('/admin/brands/new', editor, { slug: 'pagetest-motors', name: 'Again', country: 'India', colour: '#112233' });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('role="alert"');

    const deleted = await post(`/admin/brands/${id}/delete`, editor, { version: '1' });
    expect(deleted.headers.location).toBe(`/admin/brands/${id}?done=deleted`);
    const deletedPage = (await getPage(t.app, `/admin/brands/${id}`, editor)).body;
    expect(deletedPage).toContain('was deleted on');
    expect(deletedPage).toContain('Restore brand');
    expect((await getPage(t.app, '/admin/brands?deleted=only&q=pagetest', editor)).body).toContain('Pagetest Motors');

    const stale = await post(`/admin/brands/${id}/restore`, editor, { version: '1' });
    expect(stale.statusCode).toBe(412);
    const restored = await post(`/admin/brands/${id}/restore`, editor, { version: '2' });
    expect(restored.headers.location).toBe(`/admin/brands/${id}?done=restored`);
  });

  it('refuses to delete a brand that still has models, with the API reason', async () => {
    const { rows } = await t.app.pg.query<{ id: number; version: number }>('SELECT b.id, b.version FROM brands b WHERE EXISTS (SELECT 1 FROM models m WHERE m.brand_id = b.id AND m.deleted_at IS NULL) LIMIT 1');
    const response = await post(`/admin/brands/${rows[0]!.id}/delete`, editor, { version: String(rows[0]!.version) });
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('live model(s)');
  });
});

describe('image upload', () => {
  it('passes the multipart form to the media API and never answers 500', async () => {
    const { rows } = await t.app.pg.query<{ id: number }>('SELECT min(id) AS id FROM models');
    const boundary = 'gzboundary';
    const body = [`--${boundary}`, 'Content-Disposition: form-data; name="alt"', '', 'front', `--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="x.txt"', 'Content-Type: text/plain', '', 'not an image', `--${boundary}--`, ''].join('\r\n');
    const response = await t.app.inject({
      method: 'POST',
      url: `/admin/models/${rows[0]!.id}/images/new`,
      headers: { ...formHeaders(editor.cookie), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.body).toContain('role="alert"');
    expect(response.body).toContain('id="upload-form"');
  });
});
