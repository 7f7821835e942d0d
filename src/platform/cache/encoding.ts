/**
 * The bytes of a cached answer: the serialised body, its precompressed brotli and gzip forms, and a strong
 * ETag per representation (`"<hash>"`, `"<hash>-br"`, `"<hash>-gz"`: a strong validator names exact bytes,
 * and the encodings differ). `If-None-Match` matches any representation of the same body.
 *
 * Memory: an entry's bytes are what the cache's budget counts, so they must be all it holds. zlib's one-shot
 * functions return a view into a 16 KB output buffer and Buffer.from(string) a view into an 8 KB shared slab:
 * kept as they are, a 2 KB body held 34 KB (measured: 100,000 misses took a 256 MB cache to 915 MB RSS).
 * So the raw body and the two compressed forms are copied into exactly sized buffers of their own.
 *
 * A body starts as identity only (`identityBody`, what a miss answers with) and gains its compressed forms
 * later (`compressBody`, run off the request path and bounded by background-encoding.ts: each compression
 * holds about a megabyte of native encoder state, and a flood of misses must not start one per request).
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { acceptedEncoding, type Encoding } from './accept-encoding.js';

export type { Encoding } from './accept-encoding.js';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Below this size compression saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 1_024;
/** Brotli 5 compresses JSON within a few percent of 11 at a fraction of the time; it runs once per entry. */
const BROTLI_QUALITY = 5;
const GZIP_LEVEL = 6;
/** Brotli's window, fitted to the body (a larger one only costs encoder memory): 2^10 to 2^22 bytes. */
const BROTLI_MIN_WINDOW_BITS = 10;
const BROTLI_MAX_WINDOW_BITS = 22;

export interface EncodedBody {
  raw: Buffer;
  br: Buffer | null;
  gzip: Buffer | null;
  /** The body's hash, without quotes or encoding suffix. */
  hash: string;
  /** True once the compressed forms were made, or the body is too small to be worth compressing. */
  encoded: boolean;
}

export function hashBody(body: string): string {
  return createHash('sha1').update(body).digest('base64url').slice(0, 22);
}

/** `source` in a buffer of its own, exactly its length (never a view into a larger, shared one). */
function exactCopy(source: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(source.length);
  source.copy(copy);
  return copy;
}

/** The body as exactly sized bytes, without compressed forms yet: all a miss needs to answer. */
export function identityBody(body: string, hash: string): EncodedBody {
  const raw = Buffer.allocUnsafeSlow(Buffer.byteLength(body));
  raw.write(body);
  return { raw, br: null, gzip: null, hash, encoded: raw.length < MIN_COMPRESS_BYTES };
}

/** `body` with its brotli and gzip forms (each kept only when smaller than the raw body); null if already encoded. */
export async function compressBody(body: EncodedBody): Promise<EncodedBody | null> {
  if (body.encoded) return null;
  const { raw } = body;
  const windowBits = Math.min(BROTLI_MAX_WINDOW_BITS, Math.max(BROTLI_MIN_WINDOW_BITS, Math.ceil(Math.log2(raw.length))));
  const [br, gz] = await Promise.all([
    brotli(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
        [constants.BROTLI_PARAM_LGWIN]: windowBits,
      },
    }),
    gzipAsync(raw, { level: GZIP_LEVEL }),
  ]);
  return { raw, br: br.length < raw.length ? exactCopy(br) : null, gzip: gz.length < raw.length ? exactCopy(gz) : null, hash: body.hash, encoded: true };
}

/** The body with its compressed forms, at once (static assets, tests): identityBody then compressBody. */
export async function encodeBody(body: string, hash: string): Promise<EncodedBody> {
  const identity = identityBody(body, hash);
  return (await compressBody(identity)) ?? identity;
}

/** Bytes an encoded body holds (its buffers). */
export function encodedBytes(body: EncodedBody): number {
  return body.raw.length + (body.br?.length ?? 0) + (body.gzip?.length ?? 0);
}

/** The best representation of `body` that `Accept-Encoding` allows (RFC 9110 §12.5.3). */
export function negotiate(acceptEncoding: string | undefined, body: EncodedBody): Encoding {
  if (acceptEncoding === undefined || (body.br === null && body.gzip === null)) return 'identity';
  return acceptedEncoding(acceptEncoding, body.br !== null, body.gzip !== null);
}

export function etagFor(hash: string, encoding: Encoding): string {
  return encoding === 'identity' ? `"${hash}"` : `"${hash}-${encoding === 'br' ? 'br' : 'gz'}"`;
}

/** True when `If-None-Match` names this body in any encoding (weak comparison, as RFC 9110 asks for GET). */
export function matchesEtag(ifNoneMatch: string | undefined, hash: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  for (const candidate of ifNoneMatch.split(',')) {
    const tag = candidate.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
    if (tag === hash || tag === `${hash}-br` || tag === `${hash}-gz`) return true;
  }
  return false;
}
