/**
 * The bytes of a cached answer: the serialised body, its precompressed brotli and gzip forms, and a strong
 * ETag per representation (`"<hash>"`, `"<hash>-br"`, `"<hash>-gz"`: a strong validator names exact bytes,
 * and the encodings differ). `If-None-Match` matches any representation of the same body.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Below this size compression saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 1_024;
/** Brotli 5 compresses JSON within a few percent of 11 at a fraction of the time; it runs once per entry. */
const BROTLI_QUALITY = 5;
const GZIP_LEVEL = 6;

export type Encoding = 'br' | 'gzip' | 'identity';

export interface EncodedBody {
  raw: Buffer;
  br: Buffer | null;
  gzip: Buffer | null;
  /** The body's hash, without quotes or encoding suffix. */
  hash: string;
}

export function hashBody(body: string): string {
  return createHash('sha1').update(body).digest('base64url').slice(0, 22);
}

export async function encodeBody(body: string, hash: string): Promise<EncodedBody> {
  const raw = Buffer.from(body);
  if (raw.length < MIN_COMPRESS_BYTES) return { raw, br: null, gzip: null, hash };
  const [br, gz] = await Promise.all([
    brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
    gzipAsync(raw, { level: GZIP_LEVEL }),
  ]);
  return { raw, br: br.length < raw.length ? br : null, gzip: gz.length < raw.length ? gz : null, hash };
}

/** Picks the best encoding the client accepts; `q=0` refuses one. */
export function negotiate(acceptEncoding: string | undefined, body: EncodedBody): Encoding {
  if (acceptEncoding === undefined || body.gzip === null) return 'identity';
  if (body.br !== null && accepts(acceptEncoding, 'br')) return 'br';
  if (accepts(acceptEncoding, 'gzip')) return 'gzip';
  return 'identity';
}

function accepts(header: string, coding: string): boolean {
  const at = header.indexOf(coding);
  if (at === -1) return false;
  const rest = header.slice(at + coding.length, header.indexOf(',', at) === -1 ? undefined : header.indexOf(',', at));
  return !/;\s*q=0(\.0*)?\s*$/.test(rest);
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
