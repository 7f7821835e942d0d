/**
 * The rendition pipeline without a database: formats, widths, hashed names, no upscaling, bounded memory
 * over many renders, and artwork that differs per body type and rasterises.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_TYPES } from '../../src/catalogue/vocabulary.js';
import { renderArtworkSvg } from '../../src/media/artwork.js';
import { hashBytes, MEDIA_NAME_PATTERN, parseMediaName } from '../../src/media/names.js';
import { configureSharp, createRenderQueue, renderRenditions, RENDITION_WIDTHS, widthsFor } from '../../src/media/renditions.js';
import { createMediaStore, type MediaStore } from '../../src/media/store.js';

let dir: string;
let store: MediaStore;

beforeAll(async () => {
  configureSharp();
  dir = await mkdtemp(join(tmpdir(), 'gz-media-'));
  store = createMediaStore(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A photo-like PNG of the given size: gradients and shapes, so encoders work as they would on a picture. */
async function photo(width: number, height: number, hue = 200): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},60%,30%)"/><stop offset="1" stop-color="hsl(${hue + 40},70%,70%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width / 3}" cy="${height / 2}" r="${height / 4}" fill="#fff" opacity="0.5"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('renditions', () => {
  it('renders AVIF, WebP and JPEG at every width up to the source, named by the hash of their bytes', async () => {
    const set = await renderRenditions(await photo(1600, 900), store);
    expect(set.width).toBe(1280);
    expect(set.height).toBe(720);
    expect(set.files).toHaveLength(RENDITION_WIDTHS.length * 3);
    for (const file of set.files) {
      const bytes = await store.read(file.name);
      expect(file.name).toMatch(MEDIA_NAME_PATTERN);
      expect(file.name.startsWith(`${hashBytes(bytes)}-${file.width}.`)).toBe(true);
      const meta = await sharp(bytes).metadata();
      expect({ format: meta.format === 'heif' ? 'avif' : meta.format, width: meta.width }).toEqual({ format: file.format, width: file.width });
      expect(file.height).toBe(Math.round((file.width * 900) / 1600));
    }
    expect(new Set(set.files.map((f) => `${f.format}@${f.width}`)).size).toBe(12);
  });

  it('never upscales: a 700 px source gives 320, 640 and 700', async () => {
    expect(widthsFor(700)).toEqual([320, 640, 700]);
    expect(widthsFor(200)).toEqual([200]);
    expect(widthsFor(5000)).toEqual([...RENDITION_WIDTHS]);
    const set = await renderRenditions(await photo(700, 400, 100), store);
    expect(Math.max(...set.files.map((f) => f.width))).toBe(700);
    expect([...new Set(set.files.map((f) => f.width))].sort((a, b) => a - b)).toEqual([320, 640, 700]);
  });

  it('writes each name once: rendering the same source again leaves the same files', async () => {
    const source = await photo(400, 300, 20);
    const first = await renderRenditions(source, store);
    const before = (await readdir(dir)).length;
    const second = await renderRenditions(source, store);
    expect(second.files.map((f) => f.name)).toEqual(first.files.map((f) => f.name));
    expect((await readdir(dir)).length).toBe(before);
    expect(second.source).toBe(hashBytes(source));
  });

  it('refuses bytes that are not an image', async () => {
    await expect(renderRenditions(Buffer.from('not an image at all'), store)).rejects.toThrow();
  });

  it('keeps names to the strict pattern (no traversal)', () => {
    for (const name of ['../etc/passwd', '0123456789abcdef.svg', '0123456789abcdef-640.jpg/../x', '0123456789ABCDEF.jpg', '.0123456789abcdef.jpg', '0123456789abcdef-0640.jpg']) {
      expect(parseMediaName(name), name).toBeNull();
    }
    expect(parseMediaName('0123456789abcdef-640.avif')?.contentType).toBe('image/avif');
    expect(() => store.pathOf('../x.jpg')).toThrow();
  });
});

describe('artwork', () => {
  it('is a valid SVG per body type, different for each, with no text drawn', async () => {
    const svgs = BODY_TYPES.map((bodyType) => renderArtworkSvg(bodyType, '#1c3f94'));
    expect(new Set(svgs).size).toBe(BODY_TYPES.length);
    for (const svg of svgs) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg).not.toMatch(/<text|<script|href=/);
      const meta = await sharp(Buffer.from(svg)).metadata();
      expect(meta).toMatchObject({ format: 'svg', width: 1280, height: 720 });
    }
  });

  it("is painted in the brand's colour, and a bad colour falls back to grey", () => {
    expect(renderArtworkSvg('suv', '#CC0033')).toContain('stop-color="#cc0033"');
    expect(renderArtworkSvg('suv', 'red"/><script>')).not.toContain('script');
    expect(renderArtworkSvg('rocket', '#cc0033')).toBe(renderArtworkSvg('sedan', '#cc0033'));
  });
});

describe('memory', () => {
  it('does not grow RSS without bound over many renders in a row, one at a time', async () => {
    const queue = createRenderQueue();
    // 960 px sources: three widths each, enough to see a leak, cheap enough for a shared machine.
    const sources = await Promise.all(Array.from({ length: 8 }, (_, i) => photo(960, 540, i * 40)));
    // Warm up: the first renders load codecs and grow the allocator's pools.
    for (const source of sources.slice(0, 2)) await queue.run(() => renderRenditions(source, store));
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const renders = sources.slice(2, 8).map((source) => queue.run(async () => {
      const set = await renderRenditions(source, store);
      peak = Math.max(peak, process.memoryUsage().rss);
      return set;
    }));
    expect(queue.size).toBe(6);
    await Promise.all(renders);
    // Loose on purpose (RSS is noisy): catches runaway growth (libvips cache, renders in parallel), not a small leak.
    expect(peak - baseline).toBeLessThan(150 * 1024 * 1024);
  }, 120_000);
});
