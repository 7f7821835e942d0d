/**
 * Image uploads are streamed, never held in memory (issue 11, item 1): the admin page passes the multipart
 * body through to the media API as it arrives, and the API writes the file to disk while it is still
 * being received. Bodies that announce more than the limit are refused before they are read, and a chunked
 * body (no length announced) is cut off at the limit.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createUser, signedIn, type TestSession } from '../admin/helpers.js';
import { buildTestApp, type TestApp } from '../helpers.js';
import { SITE, signInPage, type PageSession } from '../web/admin-helpers.js';

const MAX_MB = 2;
const BOUNDARY = 'gzstreamboundary';
let t: TestApp;
let dir: string;
let page: PageSession;
let api: TestSession;
let model: { id: number; slug: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gz-upload-stream-'));
  t = await buildTestApp({ config: { media: { ...loadConfig({}).media, dir, uploadMaxBytes: MAX_MB * 1024 * 1024 } } });
  page = await signInPage(t.app, await createUser(t.app, 'editor'));
  api = await signedIn(t.app, 'editor');
  model = (await t.app.pg.query<{ id: number; slug: string }>('SELECT id, slug FROM models WHERE deleted_at IS NULL ORDER BY id LIMIT 1')).rows[0]!;
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A PNG of noise (it does not compress): about 1.4 MB. */
const noisePng = () => sharp(Buffer.from(Array.from({ length: 700 * 700 * 3 }, () => Math.floor(Math.random() * 256))), { raw: { width: 700, height: 700, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();

const partHead = (filename: string) =>
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="alt"\r\n\r\nNoise\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`);
const partTail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
const pageHeaders = () => ({ host: SITE.host, origin: SITE.origin, cookie: page.cookie, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` });

const temporaryFiles = async () => {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.startsWith('.upload-'));
  return Promise.all(names.map(async (name) => (await stat(join(dir, name))).size));
};

describe('an upload through the admin page', () => {
  it('reaches the disk while the body is still arriving, and lands as a content-hashed original', async () => {
    const image = await noisePng();
    const half = Math.floor(image.length / 2);
    const body = new PassThrough();
    const answer = t.app.inject({ method: 'POST', url: `/admin/models/${model.id}/images/new`, headers: pageHeaders(), payload: body });
    body.write(partHead('noise.png'));
    body.write(image.subarray(0, half));
    // Half the file sent and the request not finished: a buffering route would not have written a byte yet.
    let sizes: number[] = [];
    for (let waited = 0; waited < 10_000 && !(sizes[0]! > 0); waited += 50) {
      sizes = await temporaryFiles();
      await sleep(50);
    }
    expect(sizes.length).toBe(1);
    expect(sizes[0]).toBeGreaterThan(0);
    expect(sizes[0]).toBeLessThanOrEqual(half);
    body.end(Buffer.concat([image.subarray(half), partTail]));
    const response = await answer;
    expect(response.statusCode, response.body.slice(0, 500)).toBe(303);
    expect(response.headers.location).toBe(`/admin/images?model=${encodeURIComponent(model.slug)}&done=created`);
    expect(await temporaryFiles()).toEqual([]);
    const row = (await t.app.pg.query<{ path: string; bytes: number }>('SELECT path, bytes FROM model_images WHERE model_id = $1 ORDER BY id DESC LIMIT 1', [model.id])).rows[0]!;
    expect(row.bytes).toBe(image.length);
    expect((await stat(join(dir, row.path.replace('/media/', '')))).size).toBe(image.length);
  }, 60_000);

  it('refuses a body that announces more than the limit before reading it, with the limit on the page', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/admin/models/${model.id}/images/new`,
      headers: { ...pageHeaders(), 'content-length': String(3 * 1024 * 1024) },
      payload: new PassThrough(),
    });
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain(`at most ${MAX_MB} MB`);
    expect(response.headers.connection).toBe('close');
  });

  it('cuts off a chunked body at the limit (413), keeping nothing', async () => {
    const body = new PassThrough();
    const answer = t.app.inject({ method: 'POST', url: `/admin/models/${model.id}/images/new`, headers: { ...pageHeaders(), 'transfer-encoding': 'chunked' }, payload: body });
    body.write(partHead('big.png'));
    const megabyte = Buffer.alloc(1024 * 1024, 1);
    for (let i = 0; i < 4; i += 1) body.write(megabyte);
    body.end(partTail);
    const response = await answer;
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain('role="alert"');
    expect(await temporaryFiles()).toEqual([]);
  }, 30_000);
});

describe('the media API', () => {
  it('refuses a body that announces more than the limit before reading it', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/admin/models/${model.id}/images`,
      headers: { ...api.headers, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(3 * 1024 * 1024) },
      payload: new PassThrough(),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(response.headers.connection).toBe('close');
  });
});
