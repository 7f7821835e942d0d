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
/**
 * Each side of a source at least this many pixels. The smallest picture a page draws is a colour swatch of
 * 24-32 px; anything narrower shows nothing recognisable, so it is a mistake or a probe, not a photo.
 */
export const MIN_SIDE_PX = 16;
/**
 * The longer side at most this many times the shorter, either way. A gallery's widest panorama strip is
 * about 4:1. At 8:1 a tall source rendered 1,280 px wide is 10,240 px high, inside WebP's 16,383 px and
 * AVIF's limits; a 1 x 3,000,000 strip got past every check and then failed in the HEIF encoder.
 */
export const MAX_ASPECT_RATIO = 8;
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

/** A source this pipeline cannot render (unreadable bytes, a size outside the bounds, an encoder's refusal); retrying cannot help. */
export class RenderError extends Error {
  override name = 'RenderError';
}

/** Why a picture of this displayed size cannot be rendered, or null when it can. */
export function sizeProblem(width: number, height: number): string | null {
  if (width < MIN_SIDE_PX || height < MIN_SIDE_PX) return `the image is ${width} x ${height} px: each side must be at least ${MIN_SIDE_PX} px`;
  if (Math.max(width, height) > MAX_ASPECT_RATIO * Math.min(width, height)) {
    return `the image is ${width} x ${height} px: its longer side may be at most ${MAX_ASPECT_RATIO} times its shorter side`;
  }
  return null;
}

/** Orientations 5-8 turn the image a quarter: its displayed width is the stored height. */
const QUARTER_TURN_ORIENTATION = 5;

/** The size a picture is displayed at, from sharp's metadata (EXIF orientation applied). */
export function displayedSize(meta: { width?: number; height?: number; orientation?: number }): { width: number; height: number } {
  const turned = (meta.orientation ?? 1) >= QUARTER_TURN_ORIENTATION;
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  return turned ? { width: height, height: width } : { width, height };
}

/** Runs a sharp step; its failure (the bytes or the size, never the disk) becomes a RenderError. */
async function sharpStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new RenderError(`cannot render this image: ${error instanceof Error ? error.message : String(error)}`);
  }
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

/**
 * Renders `source` into the store. Throws RenderError for bytes that are not an image sharp can read, a
 * size outside MIN_SIDE_PX / MAX_ASPECT_RATIO (checked from the header, before decoding) or an encoder's
 * refusal; a failed write to the store is thrown as it is.
 */
export async function renderRenditions(source: Buffer, store: MediaStore): Promise<RenditionSet> {
  const size = displayedSize(await sharpStep(() => sharp(source).metadata()));
  const problem = sizeProblem(size.width, size.height);
  if (problem !== null) throw new RenderError(`cannot render this image: ${problem}`);
  const base = await sharpStep(() =>
    sharp(source, { limitInputPixels: MAX_INPUT_PIXELS }).rotate().resize({ width: MAX_WIDTH, withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true }),
  );
  const raw = { width: base.info.width, height: base.info.height, channels: base.info.channels };
  const files: Rendition[] = [];
  for (const width of widthsFor(base.info.width)) {
    for (const format of MEDIA_FORMATS) {
      const { data, info } = await sharpStep(() => encode(sharp(base.data, { raw }).resize({ width }), format).toBuffer({ resolveWithObject: true }));
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
