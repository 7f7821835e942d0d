/**
 * What a page needs to draw one image: a `<picture>` with one `<source>` per modern format and a JPEG
 * fallback, and the intrinsic size so the browser reserves the space before the bytes arrive (no layout
 * shift). Produced by the media pipeline (src/media), consumed by the pages (src/web).
 */
export interface PictureSource {
  /** MIME type of every candidate in `srcset`. */
  type: 'image/avif' | 'image/webp' | 'image/jpeg' | 'image/svg+xml';
  /** `url 320w, url 640w, …`, content-hashed URLs served with immutable caching. */
  srcset: string;
}

export interface Picture {
  /** The `<img src>` fallback (a JPEG rendition, or the SVG artwork before renditions exist). */
  src: string;
  /** Best format first: AVIF, then WebP, then JPEG. */
  sources: PictureSource[];
  /** Intrinsic width and height of the image, in CSS pixels at 1x, for the `width`/`height` attributes. */
  width: number;
  height: number;
  alt: string;
}
