/**
 * Media file names. Every file under MEDIA_DIR is named after a hash of its bytes, so a name never
 * changes meaning and can be cached forever; the strict pattern is also what keeps a request inside
 * MEDIA_DIR (no slashes, no dots but the one before the extension).
 *   <hash>-<width>.<avif|webp|jpg>   a rendition
 *   <hash>.<jpg|png|webp|avif>       an uploaded original
 */
import { createHash } from 'node:crypto';

export const MEDIA_FORMATS = ['avif', 'webp', 'jpeg'] as const;
export type MediaFormat = (typeof MEDIA_FORMATS)[number];

/** Hex digits of the sha256 kept in a name: 64 bits, so two different images never share one in practice. */
const HASH_HEX_DIGITS = 16;

/** Widths from 1 px (the upload rules keep sources at 16 px or more; the pattern never is what refuses one). */
export const MEDIA_NAME_PATTERN = /^([0-9a-f]{16})(?:-([1-9][0-9]{0,4}))?\.(avif|webp|jpg|png)$/;

export const EXTENSION: Record<MediaFormat | 'png', string> = { avif: 'avif', webp: 'webp', jpeg: 'jpg', png: 'png' };

export const CONTENT_TYPE: Record<string, string> = {
  avif: 'image/avif',
  webp: 'image/webp',
  jpg: 'image/jpeg',
  png: 'image/png',
};

export function hashBytes(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, HASH_HEX_DIGITS);
}

/** The hash of hashBytes, fed chunk by chunk (an upload streamed to disk). */
export function createNameHash(): { update(chunk: Buffer): void; digest(): string } {
  const hash = createHash('sha256');
  return {
    update: (chunk) => void hash.update(chunk),
    digest: () => hash.digest('hex').slice(0, HASH_HEX_DIGITS),
  };
}

export function renditionName(bytes: Buffer, width: number, format: MediaFormat): string {
  return `${hashBytes(bytes)}-${width}.${EXTENSION[format]}`;
}

/** An uploaded original's name, from the hash of its bytes (hashBytes or createNameHash). */
export function originalName(hash: string, format: MediaFormat | 'png'): string {
  return `${hash}.${EXTENSION[format]}`;
}

/** The name's hash and Content-Type, or null when the name is not one this store could have written. */
export function parseMediaName(name: string): { hash: string; contentType: string } | null {
  const match = MEDIA_NAME_PATTERN.exec(name);
  if (!match) return null;
  return { hash: match[1]!, contentType: CONTENT_TYPE[match[3]!]! };
}

export const mediaUrl = (name: string): string => `/media/${name}`;
