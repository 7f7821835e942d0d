/**
 * Pictures for the pages: the hero picture of many models in one query, and a model's gallery. A model
 * shows, in order of preference: its first rendered photo (exterior first, then by position), the
 * renditions of its generated artwork, or, before those exist, the artwork SVG itself (served at
 * /media/art/<slug>.svg), so a page never lacks a picture. Models whose artwork is missing or out of date
 * are reported to `onMissing` (the media plugin queues their render job).
 */
import { renderArtworkSvg, ARTWORK_HEIGHT, ARTWORK_WIDTH } from './artwork.js';
import { hashBytes, mediaUrl, MEDIA_FORMATS, type MediaFormat } from './names.js';
import type { Picture, PictureSource } from './picture.js';
import type { RenditionSet } from './renditions.js';
import type { Executor } from '../platform/db.js';

export interface PictureRepository {
  /** The hero picture of each model that exists (deleted models included: pages decide what to show). */
  forModels(modelIds: number[]): Promise<Map<number, Picture>>;
  /** The model's rendered photos, by position; empty when it has none (its hero is then the artwork). */
  gallery(modelId: number): Promise<Picture[]>;
}

export interface PictureRepositoryOptions {
  /** Called with the ids of models whose artwork has no renditions, or renditions of an older SVG. */
  onMissing?(modelIds: number[]): void;
}

const MIME: Record<MediaFormat, PictureSource['type']> = { avif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg' };
/** The `<img src>` fallback: the widest JPEG at most this wide (a sensible default before `srcset` is read). */
const FALLBACK_MAX_WIDTH = 960;

export const artworkUrl = (modelSlug: string): string => `/media/art/${modelSlug}.svg`;
export const artworkAlt = (brand: string, model: string): string => `${brand} ${model} (illustration)`;

/** A `<picture>` for a rendered image: one source per format, best first, and a JPEG `src`. */
export function pictureOf(set: RenditionSet, alt: string): Picture {
  const sources = MEDIA_FORMATS.map((format) => {
    const files = set.files.filter((file) => file.format === format).sort((a, b) => a.width - b.width);
    return { type: MIME[format], srcset: files.map((file) => `${mediaUrl(file.name)} ${file.width}w`).join(', '), files };
  }).filter((source) => source.files.length > 0);
  const jpegs = sources.find((source) => source.type === 'image/jpeg')?.files ?? [];
  const fallback = jpegs.filter((file) => file.width <= FALLBACK_MAX_WIDTH).at(-1) ?? jpegs[0];
  return {
    src: fallback ? mediaUrl(fallback.name) : '',
    sources: sources.map(({ type, srcset }) => ({ type, srcset })),
    width: set.width,
    height: set.height,
    alt,
  };
}

interface HeroRow {
  id: number;
  slug: string;
  name: string;
  body_type: string;
  brand: string;
  colour: string;
  image_alt: string | null;
  image_renditions: RenditionSet | null;
  art_hash: string | null;
  art_renditions: RenditionSet | null;
}

const HERO_SQL = `
  SELECT m.id, m.slug, m.name, m.body_type, b.name AS brand, b.colour,
         hero.alt AS image_alt, hero.renditions AS image_renditions,
         a.source_hash AS art_hash, a.renditions AS art_renditions
    FROM models m
    JOIN brands b ON b.id = m.brand_id
    LEFT JOIN LATERAL (
      SELECT i.alt, i.renditions FROM model_images i
       WHERE i.model_id = m.id AND i.deleted_at IS NULL AND i.renditions IS NOT NULL
       ORDER BY (i.kind = 'exterior') DESC, i.position, i.id
       LIMIT 1) hero ON true
    LEFT JOIN model_artwork a ON a.model_id = m.id
   WHERE m.id = ANY($1::int[])`;

const GALLERY_SQL = `
  SELECT alt, renditions FROM model_images
   WHERE model_id = $1 AND deleted_at IS NULL AND renditions IS NOT NULL
   ORDER BY position, id`;

/** Distinct (body type, colour) drawings remembered; a catalogue has a few hundred (brands × body types). */
const MAX_REMEMBERED_ARTWORK = 2_000;
const artworkMemo = new Map<string, { svg: string; hash: string }>();

/**
 * The artwork SVG of a model and the hash its renditions must carry to be current. A pure function of its
 * two inputs, remembered: drawing and hashing cost ~25 µs, and the start-up sweep asks once per model
 * (25,000 on the 200,000-variant catalogue) while only a few hundred drawings exist.
 */
export function artworkOf(bodyType: string, colour: string): { svg: string; hash: string } {
  const key = `${bodyType}|${colour}`;
  let artwork = artworkMemo.get(key);
  if (artwork === undefined) {
    const svg = renderArtworkSvg(bodyType, colour);
    artwork = { svg, hash: hashBytes(svg) };
    if (artworkMemo.size >= MAX_REMEMBERED_ARTWORK) artworkMemo.clear();
    artworkMemo.set(key, artwork);
  }
  return artwork;
}

export function createPictureRepository(pool: Executor, options: PictureRepositoryOptions = {}): PictureRepository {
  return {
    async forModels(modelIds) {
      const pictures = new Map<number, Picture>();
      if (modelIds.length === 0) return pictures;
      const { rows } = await pool.query<HeroRow>({ name: 'media.hero-pictures', text: HERO_SQL, values: [modelIds] });
      const missing: number[] = [];
      for (const row of rows) {
        const alt = artworkAlt(row.brand, row.name);
        if (row.art_hash !== artworkOf(row.body_type, row.colour).hash) missing.push(row.id);
        if (row.image_renditions) pictures.set(row.id, pictureOf(row.image_renditions, row.image_alt ?? alt));
        else if (row.art_renditions) pictures.set(row.id, pictureOf(row.art_renditions, alt));
        else pictures.set(row.id, { src: artworkUrl(row.slug), sources: [], width: ARTWORK_WIDTH, height: ARTWORK_HEIGHT, alt });
      }
      if (missing.length > 0) options.onMissing?.(missing);
      return pictures;
    },
    async gallery(modelId) {
      const { rows } = await pool.query<{ alt: string; renditions: RenditionSet }>({ name: 'media.gallery', text: GALLERY_SQL, values: [modelId] });
      return rows.map((row) => pictureOf(row.renditions, row.alt));
    },
  };
}
