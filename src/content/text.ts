/**
 * Plain-text hygiene for every text a person types (visitors and editors): Unicode-normalised, control and
 * bidi-override characters removed, whitespace collapsed, and markup refused: text that looks like an
 * HTML tag (`<` followed by a letter, `/`, `!` or `?`) is a 400, so no script is ever stored, whatever
 * later renders the value. "Under <10 lakh" and "a < b" are fine.
 */
import sanitizeHtml from 'sanitize-html';
import { AppError } from '../errors.js';

const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const MARKUP = /<[a-zA-Z!/?]/;
/**
 * Script in any form a later consumer might execute without a tag of ours around it: a script element, a
 * script URL (a value that ends up in an href or src) or an inline event handler (a value that ends up in
 * an attribute). None of them is ever part of a car's name, an article or a visitor's message, so they
 * are refused rather than trusted to every renderer's escaping.
 */
/** Script in any form a browser would run: a script element, a javascript:/vbscript: URL, an on…= handler. */
export const SCRIPT = /<\s*script|\b(?:java|vb)script\s*:|\bon[a-z]{3,}\s*=/i;
/** A script URL's scheme, looked for again once the text is decoded as a URL parser would (see decodedUrlText). */
const SCRIPT_URL = /\b(?:java|vb)script\s*:/i;

/**
 * What a URL parser drops or a renderer ignores inside a URL: ASCII tab and line breaks (removed anywhere by
 * the WHATWG URL parser, so `java\tscript:` is `javascript:`), the other C0 controls, DEL and the invisible
 * format characters. Spaces are kept here (prose); urlScheme drops them too.
 */
const IGNORED_IN_URL = /[\u0000-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
/** Text holding none of these reads the same decoded: the decoding is skipped (most text a person types). */
const DECODABLE = /[&%\u0000-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
/** Entities and percent-escapes nested deeper than this are not unwrapped further; urlScheme refuses such a URL. */
const MAX_DECODE_ROUNDS = 4;

const refuse = (field: string, message: string) => new AppError('VALIDATION_FAILED', `${field} ${message}`, [{ in: 'body', field, message }]);

export function sanitiseText(value: string): string {
  return value.normalize('NFC').replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
}

/**
 * HTML character references decoded the way a browser decodes an attribute value (`&#58`, `&#x6A;`, `&colon;`,
 * `&Tab;`, with or without the semicolon where HTML allows it), by the HTML parser sanitize-html already uses,
 * so the rules are the browser's, not a list of our own.
 */
function decodeEntities(value: string): string {
  let decoded: string | undefined;
  sanitizeHtml(`<a href="${value.replaceAll('"', '&quot;')}">`, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    onOpenTag(_tag, attributes) {
      decoded ??= attributes.href;
    },
  });
  return decoded ?? value;
}

/** Percent-escapes of ASCII characters undone (`%6A` → `j`); other bytes are kept as written. */
const decodePercentAscii = (value: string) => value.replace(/%([0-7][0-9a-f])/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/**
 * `value` as the most forgiving consumer would read it as a URL: entities and ASCII percent-escapes decoded,
 * again and again while that changes anything (`&amp;#58;` is `:` to a renderer that decodes twice), and the
 * characters of IGNORED_IN_URL removed. `settled` is false when nesting went deeper than MAX_DECODE_ROUNDS.
 */
export function decodedUrlText(value: string): { text: string; settled: boolean } {
  let text = value;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = (text.includes('&') ? decodeEntities(text) : text).replace(IGNORED_IN_URL, '');
    const decoded = next.includes('%') ? decodePercentAscii(next) : next;
    if (decoded === text) return { text, settled: true };
    text = decoded;
  }
  return { text, settled: false };
}

const LEADING_SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/**
 * The scheme (lower case) any consumer of `href` would act on, `//` for a protocol-relative URL (another
 * host), or null for a path on this site; read after decodedUrlText and with spaces dropped too (a
 * renderer that strips them must not find a scheme we did not). A backslash counts as a slash, as browsers
 * read it. A URL still encoded after MAX_DECODE_ROUNDS answers `undecodable`, which no allowlist holds.
 */
export function urlScheme(href: string): string | null {
  const { text, settled } = decodedUrlText(href);
  if (!settled) return 'undecodable';
  const plain = text.replace(/\s+/g, '').replaceAll('\\', '/');
  const scheme = LEADING_SCHEME.exec(plain)?.[1];
  if (scheme !== undefined) return scheme.toLowerCase();
  return plain.startsWith('//') ? '//' : null;
}

/**
 * Refuses script (see SCRIPT) in `value`, naming `field`; used on plain text, markdown sources and cleaned
 * HTML. A script URL is also looked for in the decoded text, so `javascript&#58;` or `java&Tab;script:` in a
 * source that another renderer decodes is refused like the plain spelling; `asWritten` skips that part (a
 * caller that first names what is wrong more precisely, then calls again).
 */
export function refuseScript(field: string, value: string, spelling: 'any' | 'asWritten' = 'any'): void {
  if (SCRIPT.test(value) || (spelling === 'any' && DECODABLE.test(value) && SCRIPT_URL.test(decodedUrlText(value).text))) {
    throw refuse(field, 'must not contain script (script elements, javascript: URLs or on…= event handlers)');
  }
}

/**
 * Cleans `value` and refuses markup and script, naming `field` (e.g. `body.name`) in the error. Text made
 * only of invisible characters is refused too: it would be stored as an empty name.
 */
export function plainText(field: string, value: string): string {
  if (MARKUP.test(value)) throw refuse(field, 'must not contain HTML markup');
  const text = sanitiseText(value);
  refuseScript(field, text);
  if (text === '' && value !== '') throw refuse(field, 'needs visible characters');
  return text;
}
