/**
 * POST /api/admin/models/:id/images end to end: 202 with the row and the original served at once, the
 * media.render job, then AVIF/WebP/JPEG sources from forModels and gallery; and clean 4xx for what must
 * be refused (not an image, too big, wrong role, not multipart, cookie without Origin, unknown model).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { signedIn, type TestSession } from '../admin/helpers.js';
import { buildTestApp, type TestApp } from '../helpers.js';

const MAX_MB = 1;
let t: TestApp;
let dir: string;
let editor: TestSession;
let viewer: TestSession;
let model: { id: number; slug: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gz-media-'));
  t = await buildTestApp({ config: { media: { ...loadConfig({}).media, dir, uploadMaxBytes: MAX_MB * 1024 * 1024 } } });
  editor = await signedIn(t.app, 'editor');
  viewer = await signedIn(t.app, 'viewer');
  model = (await t.app.pg.query<{ id: number; slug: string }>('SELECT id, slug FROM models WHERE deleted_at IS NULL ORDER BY id LIMIT 1')).rows[0]!;
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

/** A multipart body as a browser would send it: text fields first, then the file. */
async function form(file: Buffer, filename: string, fields: Record<string, string> = {}) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  data.append('file', new Blob([new Uint8Array(file)]), filename);
  const request = new Request('http://localhost/', { method: 'POST', body: data });
  return { payload: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

async function upload(file: Buffer, options: { headers?: Record<string, string>; fields?: Record<string, string>; filename?: string; modelId?: number } = {}) {
  const { payload, contentType } = await form(file, options.filename ?? 'photo.jpg', options.fields);
  return t.app.inject({
    method: 'POST',
    url: `/api/admin/models/${options.modelId ?? model.id}/images`,
    headers: { ...(options.headers ?? editor.headers), 'content-type': contentType },
    payload,
  });
}

const photo = (width: number, height: number) =>
  sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#2a5"/><circle cx="50%" cy="50%" r="30%" fill="#fd3"/></svg>`))
    .webp()
    .toBuffer();

describe('image upload', () => {
  it('answers 202 with the row, then the job renders AVIF, WebP and JPEG for the pages', async () => {
    const response = await upload(await photo(1500, 1000), { fields: { alt: 'Front three-quarter view', kind: 'exterior', position: '0' }, filename: 'looks-like.png' });
    expect(response.statusCode, response.body).toBe(202);
    const row = response.json().data;
    expect(row).toMatchObject({ model: model.slug, kind: 'exterior', alt: 'Front three-quarter view', width: 1500, height: 1000, position: 0, renditions: null });
    expect(row.path).toMatch(/^\/media\/[0-9a-f]{16}\.webp$/);
    const original = await t.app.inject({ method: 'GET', url: row.path });
    expect(original.statusCode).toBe(200);
    expect(original.headers['content-type']).toBe('image/webp');

    const audit = await t.app.pg.query(`SELECT 1 FROM audit_log WHERE entity = 'image' AND entity_id = $1 AND action = 'create'`, [String(row.id)]);
    expect(audit.rowCount).toBe(1);

    await t.app.outbox.drainNow('rest');
    await expect.poll(async () => (await t.app.pg.query('SELECT renditions FROM model_images WHERE id = $1', [row.id])).rows[0].renditions, { timeout: 30_000 }).not.toBeNull();
    const hero = (await t.app.media.pictures.forModels([model.id])).get(model.id)!;
    expect(hero.alt).toBe('Front three-quarter view');
    expect(hero.sources.map((s) => s.type)).toEqual(['image/avif', 'image/webp', 'image/jpeg']);
    expect({ width: hero.width, height: hero.height }).toEqual({ width: 1280, height: 853 });
    expect(await t.app.media.pictures.gallery(model.id)).toEqual([hero]);
    for (const source of hero.sources) {
      const url = source.srcset.split(' ')[0]!;
      const served = await t.app.inject({ method: 'GET', url });
      expect(served.headers['content-type']).toBe(source.type);
      expect(served.headers['cache-control']).toContain('immutable');
    }
  }, 60_000);

  it('refuses bytes that are not an image with 415, whatever the file name says', async () => {
    const response = await upload(Buffer.from('<html>not an image</html>'), { filename: 'photo.jpg' });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const gif = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } }).gif().toBuffer();
    expect((await upload(gif, { filename: 'x.png' })).statusCode).toBe(415);
  });

  it('refuses a file over the limit with 413', async () => {
    const response = await upload(randomBytes(MAX_MB * 1024 * 1024 + 1), { filename: 'big.jpg' });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses the wrong role, no sign-in, a cookie without Origin, a JSON body, bad fields and an unknown model', async () => {
    const image = await photo(400, 300);
    expect((await upload(image, { headers: viewer.headers })).statusCode).toBe(403);
    expect((await upload(image, { headers: {} })).statusCode).toBe(401);
    const cookie = await upload(image, { headers: { cookie: `gz_access=${editor.accessToken}` } });
    expect(cookie.statusCode).toBe(403);
    expect(cookie.json().error.code).toBe('ORIGIN_REJECTED');
    const json = await t.app.inject({ method: 'POST', url: `/api/admin/models/${model.id}/images`, headers: editor.headers, payload: { path: '/etc/passwd' } });
    expect(json.statusCode).toBe(415);
    expect((await upload(image, { fields: { kind: 'sideways' } })).statusCode).toBe(400);
    expect((await upload(image, { fields: { alt: '<img src=x onerror=alert(1)>' } })).statusCode).toBe(400);
    expect((await upload(image, { modelId: 2_000_000_000 })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/api/admin/models/abc/images', headers: editor.headers })).statusCode).toBe(400);
  });
});
