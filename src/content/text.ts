/**
 * Plain-text hygiene for every text a person types (visitors and editors): Unicode-normalised, control and
 * bidi-override characters removed, whitespace collapsed, and markup refused: text that looks like an
 * HTML tag (`<` followed by a letter, `/`, `!` or `?`) is a 400, so no script is ever stored, whatever
 * later renders the value. "Under <10 lakh" and "a < b" are fine.
 */
import { AppError } from '../errors.js';

const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const MARKUP = /<[a-zA-Z!/?]/;

export function sanitiseText(value: string): string {
  return value.normalize('NFC').replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
}

/** Cleans `value` and refuses markup, naming `field` (e.g. `body.name`) in the error. */
export function plainText(field: string, value: string): string {
  if (MARKUP.test(value)) {
    throw new AppError('VALIDATION_FAILED', `${field} must not contain HTML markup`, [{ in: 'body', field, message: 'must not contain HTML markup' }]);
  }
  return sanitiseText(value);
}
