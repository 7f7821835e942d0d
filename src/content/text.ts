/**
 * Plain-text hygiene for visitor input: Unicode-normalised, control and bidi-override characters removed,
 * whitespace collapsed. Markup is kept as literal text (it is escaped wherever it is rendered).
 */
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function sanitiseText(value: string): string {
  return value.normalize('NFC').replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
}
