/**
 * Plain-text hygiene for every text a person types (visitors and editors): Unicode-normalised, control and
 * bidi-override characters removed, whitespace collapsed, and markup refused: text that looks like an
 * HTML tag (`<` followed by a letter, `/`, `!` or `?`) is a 400, so no script is ever stored, whatever
 * later renders the value. "Under <10 lakh" and "a < b" are fine.
 */
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

const refuse = (field: string, message: string) => new AppError('VALIDATION_FAILED', `${field} ${message}`, [{ in: 'body', field, message }]);

export function sanitiseText(value: string): string {
  return value.normalize('NFC').replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
}

/** Refuses script (see SCRIPT) in `value`, naming `field`; used on plain text, markdown sources and cleaned HTML. */
export function refuseScript(field: string, value: string): void {
  if (SCRIPT.test(value)) throw refuse(field, 'must not contain script (script elements, javascript: URLs or on…= event handlers)');
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
