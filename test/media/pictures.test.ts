/**
 * Pictures end to end over a real database: artwork SVG before renditions exist, the media.render job
 * through the outbox, the hero picture and cache invalidation after it, immutable serving of renditions,
 * and names that try to leave MEDIA_DIR.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createPictureRepository } from '../../src/media/repository.js';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
let dir: string;
interface ModelRow {
  id: number;
  slug: string;
  name: string;
  brand: string;
}
/** Two live models of one brand and body type (they share an artwork), and one of another body type. */
let twins: [ModelRow, ModelRow];
let other: ModelRow;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gz-media-'));
  t = await buildTestApp({ config: { media: { ...loadConfig({}).media, dir } } });
  const { rows } = await t.app.pg.query<ModelRow & { body_type: string; brand_id: number }>(
    `SELECT m.id, m.slug, m.name, b.name AS brand, m.body_type, m.brand_id FROM models m JOIN brands b ON b.id = m.brand_id
      WHERE m.deleted_at IS NULL ORDER BY m.brand_id, m.body_type, m.id`,
  );
  const pair = rows.findIndex((row, i) => i > 0 && rows[i - 1]!.brand_id === row.brand_id && rows[i - 1]!.body_type === row.body_type);
  twins = [rows[pair - 1]!, rows[pair]!];
  other = rows.find((row) => row.body_type !== rows[pair]!.body_type)!;
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

describe('pictures', () => {
  it('gives a model without renditions its artwork SVG, served as image/svg+xml and cached', async () => {
    const pictures = await createPictureRepository(t.app.pg).forModels([other.id, twins[0].id, 2_000_000_000]);
    expect([...pictures.keys()].sort()).toEqual([other.id, twins[0].id].sort());
    const picture = pictures.get(other.id)!;
    expect(picture).toEqual({ src: `/media/art/${other.slug}.svg`, sources: [], width: 1280, height: 720, alt: `${other.brand} ${other.name} (illustration)` });
    const first = await get(picture.src);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(first.body).toMatch(/^<svg /);
    expect(first.headers.etag).toBeTruthy();
    const again = await get(picture.src, { 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect((await get('/media/art/no-such-model.svg')).statusCode).toBe(404);
    const twinSvg = await get(`/media/art/${twins[1].slug}.svg`);
    expect(twinSvg.body).not.toBe(first.body);
  });

  it('renders through the media.render job, then serves AVIF, WebP and JPEG and invalidates the model page', async () => {
    const cached = await get(`/api/models/${twins[0].slug}`);
    expect(cached.statusCode).toBe(200);
    expect((await get(`/api/models/${twins[0].slug}`)).headers['x-cache']).toBe('HIT');

    expect(await t.app.media.service.queueMissingArtwork([twins[0].id, twins[1].id])).toBe(2);
    expect(await t.app.media.service.queueMissingArtwork([twins[0].id, twins[1].id]), 'already pending').toBe(0);
    await t.app.outbox.drainNow('rest');

    const pictures = await createPictureRepository(t.app.pg).forModels([twins[0].id, twins[1].id]);
    const picture = pictures.get(twins[0].id)!;
    expect(picture.sources.map((s) => s.type)).toEqual(['image/avif', 'image/webp', 'image/jpeg']);
    expect(picture.sources[0]!.srcset).toMatch(/^\/media\/[0-9a-f]{16}-320\.avif 320w, .* 1280w$/);
    expect(picture.src).toMatch(/^\/media\/[0-9a-f]{16}-960\.jpg$/);
    expect({ width: picture.width, height: picture.height }).toEqual({ width: 1280, height: 720 });
    // Same body type and colour: the second model reuses the first one's files.
    expect(pictures.get(twins[1].id)!.sources).toEqual(picture.sources);

    const image = await get(picture.src);
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect(image.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(image.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect((await get(picture.src, { 'if-none-match': String(image.headers.etag) })).statusCode).toBe(304);
    const avif = picture.sources[0]!.srcset.split(' ')[0]!;
    expect((await get(avif)).headers['content-type']).toBe('image/avif');

    expect((await get(`/api/models/${twins[0].slug}`)).headers['x-cache'], 'the render invalidated the model').toBe('MISS');
    // Rendering again is a no-op.
    expect(await t.app.media.service.renderArtwork(twins[0].id)).toBe('unchanged');
  }, 60_000);

  it('queues a render when a page meets a model without renditions (once per process)', async () => {
    const count = () => t.app.pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'name' = 'media.render' AND payload->'payload'->>'id' = $1`, [String(other.id)]);
    const before = (await count()).rows[0]!.n;
    await t.app.media.pictures.forModels([other.id]);
    await t.app.media.pictures.forModels([other.id]);
    await expect.poll(async () => (await count()).rows[0]!.n, { timeout: 5_000 }).toBe(before + 1);
  });

  it('does not hold shutdown until every queued render has run', async () => {
    // Models whose artwork differs (distinct brand colour and body type), none rendered yet.
    const { rows } = await t.app.pg.query<{ id: number }>(
      `SELECT DISTINCT ON (b.colour, m.body_type) m.id FROM models m JOIN brands b ON b.id = m.brand_id
        WHERE m.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM model_artwork a WHERE a.model_id = m.id) ORDER BY b.colour, m.body_type, m.id LIMIT 6`,
    );
    const ids = rows.map((row) => row.id);
    const second = await buildTestApp({ database: t.database, config: { media: { ...loadConfig({}).media, dir } } });
    expect(await second.app.media.service.queueMissingArtwork(ids)).toBeGreaterThan(0);
    const draining = second.app.outbox.drainNow('rest').catch(() => 0);
    await expect.poll(() => second.app.media.queue.size, { timeout: 10_000 }).toBeGreaterThan(0);
    await second.close();
    await draining;
    const rendered = await t.app.pg.query('SELECT 1 FROM model_artwork WHERE model_id = ANY($1::int[])', [ids]);
    expect(rendered.rowCount, 'renders after the close began were left for the next process').toBeLessThan(ids.length);
    // Left, not failed: a deferral by shutdown uses no attempt and records no error.
    const failed = await t.app.pg.query("SELECT 1 FROM outbox WHERE last_error LIKE 'shutting down%'");
    expect(failed.rowCount, 'renders deferred by the shutdown were counted as failures').toBe(0);
  }, 60_000);

  it('answers 404 to names that are not media names, including ones that climb out', async () => {
    for (const url of [
      '/media/..%2F..%2Fetc%2Fpasswd',
      '/media/%2e%2e%2fpackage.json',
      '/media/0123456789abcdef-640.jpg',
      '/media/package.json',
      '/media/art/..%2F..%2Fpackage.json',
      '/media/art/%2e%2e.svg',
      '/media/0123456789abcdef-640.jpg%00.png',
    ]) {
      const response = await get(url);
      expect([400, 404], url).toContain(response.statusCode);
      expect(response.body, url).not.toContain('"name": "gadizone"');
    }
  });
});
