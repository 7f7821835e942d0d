/**
 * CSV cells that a spreadsheet reads back as the text they are and never runs (OWASP, "CSV Injection"):
 *
 * - A cell whose first character, past any blanks and double quotes, is `=`, `+`, `-` or `@` (or their
 *   full-width forms, which East Asian spreadsheets may take for them), or that begins with a tab, CR or
 *   LF, is prefixed with a single quote: the spreadsheet shows it as text instead of evaluating it.
 * - A spreadsheet in a locale whose separator is `;` (or a tab) opens a comma-separated file by splitting
 *   on that, and does not take our quotes for quotes when they are not at the start of its cell; a line
 *   break ends its row. So the same rule holds wherever one of those could start a cell: a formula
 *   character after `,` `;` tab or a line break inside a value (past blanks and double quotes) gets a single
 *   quote before it, which makes that cell text too. In ` ;-2+3+cmd|x` the `;` would otherwise start the
 *   cell `-2+3+cmd|x`, which ran as a formula.
 * - A cell holding a separator of any locale (`,` `;` tab), a double quote or a line break, or changed
 *   above, is quoted with its quotes doubled (RFC 4180), so a comma-locale spreadsheet reads it as one cell.
 *
 * One exception: a value that is exactly an international phone number (E.164: `+`, then 7 to 15 digits;
 * leads' phones are stored so) is quoted but keeps no single quote. As a formula it can only be the number
 * it spells: it holds no function, reference, separator or DDE pipe, so there is nothing to run, while the
 * single quote would show in every phone cell (`'+919876543210`). A spreadsheet may show the column as
 * numbers (919876543210); importing it as text keeps the `+`.
 */

/** Characters a spreadsheet takes as the start of a formula. */
const FORMULA = '=+\\-@\\uff1d\\uff0b\\uff0d\\uff20';
const FORMULA_AT_START = new RegExp(`^(?:[\\t\\r\\n]|[\\s"]*[${FORMULA}])`);
/** A separator of any locale or a line break, then blanks and double quotes, before a formula character. */
const FORMULA_AFTER_SEPARATOR = new RegExp(`([,;\\t\\r\\n][\\s"]*)(?=[${FORMULA}])`, 'g');
const NEEDS_QUOTES = /[",;\t\r\n]/;
const E164_PHONE = /^\+[1-9][0-9]{6,14}$/;

/** One CSV cell for `value` (null and undefined are empty; dates in ISO 8601). */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (E164_PHONE.test(text)) return `"${text}"`;
  let cell = text.replace(FORMULA_AFTER_SEPARATOR, "$1'");
  if (FORMULA_AT_START.test(cell)) cell = `'${cell}`;
  return cell !== text || NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** One CSV record (CRLF-terminated, RFC 4180). */
export const csvLine = (values: unknown[]): string => `${values.map(csvCell).join(',')}\r\n`;
