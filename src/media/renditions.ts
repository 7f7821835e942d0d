/**
 * One source image (a photo, or the SVG artwork) → AVIF, WebP and JPEG at up to four widths, never wider
 * than the source, each named after a hash of its bytes. The source is decoded once, at the largest width
 * needed, and every rendition is encoded from those pixels. Renders run one at a time in a process (the
 * queue below) with libvips' cache off and few threads, so memory stays bounded however many are queued.
 */
import sharp, { type Sharp } from 'sharp';
import { MEDIA_FORMATS, hashBytes, renditionName, type MediaFormat } from './names.js';
import type { MediaStore } from './store.js';

/** Widths offered in `srcset`, in CSS pixels: phones at 1x to desktops and 2x phones. */
export const RENDITION_WIDTHS = [320, 640, 960, 1280] as const;
const MAX_WIDTH = RENDITION_WIDTHS[RENDITION_WIDTHS.length - 1]!;
/** Larger inputs are refused before they are decoded (a decompression bomb would take gigabytes). */
export const MAX_INPUT_PIXELS = 40_000_000;
/** libvips worker threads per image: two cores are shared with the web server and the database. */
const SHARP_THREADS = 1;
const QUALITY: Record<MediaFormat, number> = { avif: 50, webp: 75, jpeg: 80 };
/**
 * AVIF encoder effort (0-9). Measured on a 1280 px artwork with one thread: effort 4 (sharp's default)
 * takes 3.4 s, effort 2 0.7 s for 14% more bytes; renders are queued one at a time, so speed is capacity.
 */
const AVIF_EFFORT = 2;
/** JPEG has no transparency: transparent pixels become this. */
const JPEG_BACKGROUND = '#ffffff';

export interface Rendition {
  format: MediaFormat;
  width: number;
  height: number;
  name: string;
  bytes: number;
}

/** What a model_images row (or model_artwork row) records after rendering. */
export interface RenditionSet {
  /** Hash of the source's bytes: rendering the same source again is skipped. */
  source: string;
  /** Size of the largest rendition (the aspect ratio every rendition shares). */
  width: number;
  height: number;
  files: Rendition[];
}

/** Process-wide libvips settings for bounded memory; called by the media plugin (idempotent). */
export function configureSharp(): void {
  sharp.cache(false);
  sharp.concurrency(SHARP_THREADS);
}

/** The widths to render for a source `sourceWidth` wide: never upscaled; the source's own width when it falls between. */
export function widthsFor(sourceWidth: number): number[] {
  const widths: number[] = RENDITION_WIDTHS.filter((width) => width <= sourceWidth);
  if (sourceWidth < MAX_WIDTH && !widths.includes(sourceWidth)) widths.push(sourceWidth);
  return widths;
}

function encode(pipeline: Sharp, format: MediaFormat): Sharp {
  if (format === 'avif') return pipeline.avif({ quality: QUALITY.avif, effort: AVIF_EFFORT });
  if (format === 'webp') return pipeline.webp({ quality: QUALITY.webp });
  return pipeline.flatten({ background: JPEG_BACKGROUND }).jpeg({ quality: QUALITY.jpeg, mozjpeg: true });
}

/** Renders `source` into the store; throws sharp's error for bytes that are not an image it can read. */
export async function renderRenditions(source: Buffer, store: MediaStore): Promise<RenditionSet> {
  const base = await sharp(source, { limitInputPixels: MAX_INPUT_PIXELS })
    .rotate()
    .resize({ width: MAX_WIDTH, withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { width: base.info.width, height: base.info.height, channels: base.info.channels };
  const files: Rendition[] = [];
  for (const width of widthsFor(base.info.width)) {
    for (const format of MEDIA_FORMATS) {
      const resized = sharp(base.data, { raw }).resize({ width });
      const { data, info } = await encode(resized, format).toBuffer({ resolveWithObject: true });
      const name = renditionName(data, width, format);
      await store.write(name, data);
      files.push({ format, width: info.width, height: info.height, name, bytes: data.length });
    }
  }
  const largest = files.reduce((a, b) => (b.width > a.width ? b : a));
  return { source: hashBytes(source), width: largest.width, height: largest.height, files };
}

/** Runs tasks one at a time, in order; a failed task does not stop the ones after it. */
export function createRenderQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      waiting += 1;
      const result = tail.then(task, task).finally(() => {
        waiting -= 1;
      });
      tail = result.catch(() => undefined);
      return result;
    },
    /** Tasks queued or running. */
    get size(): number {
      return waiting;
    },
  };
}
export type RenderQueue = ReturnType<typeof createRenderQueue>;
