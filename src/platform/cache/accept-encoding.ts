/**
 * Accept-Encoding, read as RFC 9110 §12.5.3 defines it: a list of codings, each with an optional weight
 * (`;q=` 0 to 1, three decimals at most); `q=0` refuses a coding; `*` stands for every coding not named;
 * `identity` (no encoding) is acceptable unless refused by name or by `*;q=0`, and when not named it ranks
 * with the lowest weight the client gave (so it never beats a coding the client asked for, as the
 * `negotiator` package does); `x-gzip` is gzip; names are case-insensitive. The header is scanned in place
 * without allocating, and the few distinct headers clients send are remembered: it is read on every hit.
 */

export type Encoding = 'br' | 'gzip' | 'identity';

const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const SPACE = 0x20;
const TAB = 0x09;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const UPPER_TO_LOWER = 0x20;
/** A weight that says "not listed" (any real weight is 0 to 1). */
const UNLISTED = -1;
/** A malformed weight: the member is ignored, as if it were not there. */
const MALFORMED = -2;

const isSpace = (c: number) => c === SPACE || c === TAB;
/** RFC 9110 tchar (letters, digits and !#$%&'*+-.^_`|~), as a table by character code. */
const TOKEN_CHARS = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN_CHARS[c.charCodeAt(0)] = 1;
const isTokenChar = (c: number) => c < 128 && TOKEN_CHARS[c] === 1;

/** True when header[start, end) equals `name` (lower case), ignoring case. */
function tokenIs(header: string, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if ((header.charCodeAt(start + i) | UPPER_TO_LOWER) !== name.charCodeAt(i)) return false;
  return true;
}

/** qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in header[start, end); MALFORMED otherwise. */
function parseWeight(header: string, start: number, end: number): number {
  const first = header.charCodeAt(start);
  if (end === start || (first !== DIGIT_0 && first !== DIGIT_1)) return MALFORMED;
  if (end === start + 1) return first - DIGIT_0;
  if (header.charCodeAt(start + 1) !== DOT || end - start > 5) return MALFORMED;
  let fraction = 0;
  let scale = 1;
  for (let i = start + 2; i < end; i++) {
    const c = header.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9 || (first === DIGIT_1 && c !== DIGIT_0)) return MALFORMED;
    fraction = fraction * 10 + (c - DIGIT_0);
    scale *= 10;
  }
  return first - DIGIT_0 + fraction / scale;
}

const skipSpace = (header: string, at: number) => {
  while (at < header.length && isSpace(header.charCodeAt(at))) at++;
  return at;
};
const tokenEnd = (header: string, at: number) => {
  while (at < header.length && isTokenChar(header.charCodeAt(at))) at++;
  return at;
};
/** Past a quoted-string starting at `at` (a parameter value that is not a token). */
function quotedEnd(header: string, at: number): number {
  for (let i = at + 1; i < header.length; i++) {
    const c = header.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return header.length;
}

/** Weights are thousandths (three decimals at most): packed as br, gzip and identity in base WEIGHT_BASE. */
const THOUSANDTHS = 1_000;
const WEIGHT_BASE = THOUSANDTHS + 1;
/** Parsed headers remembered (clients send a handful of distinct ones); emptied when full. */
const REMEMBERED_HEADERS = 64;
const remembered = new Map<string, number>();

/** The weights the header gives brotli, gzip and identity (the wildcard applied), packed in one number. */
function weigh(header: string): number {
  let br = UNLISTED;
  let gzip = UNLISTED;
  let identity = UNLISTED;
  let star = UNLISTED;
  /** The lowest positive weight of any coding named (unknown ones included). */
  let lowestWeight = 1;
  let at = 0;
  while (at < header.length) {
    at = skipSpace(header, at);
    const nameStart = at;
    at = tokenEnd(header, at);
    const nameEnd = at;
    let weight = 1;
    at = skipSpace(header, at);
    while (at < header.length && header.charCodeAt(at) === SEMICOLON) {
      const paramStart = skipSpace(header, at + 1);
      const paramEnd = tokenEnd(header, paramStart);
      at = skipSpace(header, paramEnd);
      if (header.charCodeAt(at) !== EQUALS) {
        weight = MALFORMED;
        break;
      }
      const valueStart = skipSpace(header, at + 1);
      const valueEnd = header.charCodeAt(valueStart) === QUOTE ? quotedEnd(header, valueStart) : tokenEnd(header, valueStart);
      if (tokenIs(header, paramStart, paramEnd, 'q')) weight = parseWeight(header, valueStart, valueEnd);
      at = skipSpace(header, valueEnd);
    }
    // Anything else before the next comma makes the member malformed.
    if (at < header.length && header.charCodeAt(at) !== COMMA) weight = MALFORMED;
    while (at < header.length && header.charCodeAt(at) !== COMMA) at++;
    at++;
    if (weight === MALFORMED || nameEnd === nameStart) continue;
    if (weight > 0) lowestWeight = Math.min(lowestWeight, weight);
    if (tokenIs(header, nameStart, nameEnd, 'br')) br = Math.max(br, weight);
    else if (tokenIs(header, nameStart, nameEnd, 'gzip') || tokenIs(header, nameStart, nameEnd, 'x-gzip')) gzip = Math.max(gzip, weight);
    else if (tokenIs(header, nameStart, nameEnd, 'identity')) identity = Math.max(identity, weight);
    else if (tokenIs(header, nameStart, nameEnd, '*')) star = Math.max(star, weight);
  }
  const brWeight = br !== UNLISTED ? br : Math.max(star, 0);
  const gzipWeight = gzip !== UNLISTED ? gzip : Math.max(star, 0);
  const identityWeight = identity !== UNLISTED ? identity : star !== UNLISTED ? star : lowestWeight;
  const thousandths = (weight: number) => Math.round(weight * THOUSANDTHS);
  return (thousandths(brWeight) * WEIGHT_BASE + thousandths(gzipWeight)) * WEIGHT_BASE + thousandths(identityWeight);
}

/**
 * Which representation to send, given the header and which compressed forms exist. Highest weight wins;
 * on a tie brotli (smallest), then gzip, then identity. When everything is refused, identity is sent anyway
 * (RFC 9110 allows it, and a 406 helps nobody).
 */
export function acceptedEncoding(header: string, hasBr: boolean, hasGzip: boolean): Encoding {
  let packed = remembered.get(header);
  if (packed === undefined) {
    packed = weigh(header);
    if (remembered.size >= REMEMBERED_HEADERS) remembered.clear();
    remembered.set(header, packed);
  }
  const identity = packed % WEIGHT_BASE;
  const gzip = hasGzip ? Math.floor(packed / WEIGHT_BASE) % WEIGHT_BASE : 0;
  const br = hasBr ? Math.floor(packed / (WEIGHT_BASE * WEIGHT_BASE)) : 0;
  if (br > 0 && br >= gzip && br >= identity) return 'br';
  if (gzip > 0 && gzip >= identity) return 'gzip';
  return 'identity';
}
