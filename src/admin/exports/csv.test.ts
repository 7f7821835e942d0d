/**
 * CSV cells a spreadsheet reads back as the text they are and never runs (see csv.ts for the rules). The
 * exports that use them are tested over HTTP in test/admin/exports.test.ts.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from './csv.js';

const FORMULA_CHARACTERS = ['=', '+', '-', '@', '\uff1d', '\uff0b', '\uff0d', '\uff20'];
/** A cell starting (past blanks and double quotes) with a formula character, unless it is a defused one. */
const FORMULA_START = /^[\s"]*[=+\-@\uff1d\uff0b\uff0d\uff20]/;
/** What a spreadsheet that takes no quote for a quote and splits on every locale's separator sees. */
const quoteBlindCells = (line: string): string[] => line.split(/[,;\t\r\n]/);

describe('csvCell', () => {
  it.each([
    ['Ravi Kumar', 'Ravi Kumar'],
    ["it's fine", "it's fine"],
    ['=1+1', `"'=1+1"`],
    ['+cmd|calc', `"'+cmd|calc"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    // The tab is a separator too (a tab-separated reading starts a cell after it): defused twice.
    ['\t=1+1', `"'\t'=1+1"`],
    ['\tplain', `"'\tplain"`],
    ['\rplain', `"'\rplain"`],
    ['\nplain', `"'\nplain"`],
    [' =1+1', `"' =1+1"`],
    ['\u00a0\u3000=1+1', `"'\u00a0\u3000=1+1"`],
    ['"=1+1"', `"'""=1+1"""`],
    ['\uff1d1+1', `"'\uff1d1+1"`],
    [' ;-2+3+cmd|x', `" ;'-2+3+cmd|x"`],
    ['a;=cmd|x', `"a;'=cmd|x"`],
    ['a; "=cmd|x"', `"a; ""'=cmd|x"""`],
    ['a,@SUM(1)', `"a,'@SUM(1)"`],
    ['a\t+1', `"a\t'+1"`],
    ['first line\r\n=third', `"first line\r\n'=third"`],
    ["a;'=cmd|x", `"a;'=cmd|x"`],
    ['a,b', '"a,b"'],
    ['a;b', '"a;b"'],
    ['a\tb', '"a\tb"'],
    ['Sharma, "Raj" Kumar', '"Sharma, ""Raj"" Kumar"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['5-6 lakh', '5-6 lakh'],
    ['a=b', 'a=b'],
    ['+919876543210', '"+919876543210"'],
    ['+14155550123', '"+14155550123"'],
    ['+91 98765 43210', `"'+91 98765 43210"`],
    ['+123456', `"'+123456"`],
    ['+9198765432101234', `"'+9198765432101234"`],
    ['+0123456789', `"'+0123456789"`],
    ['+919876543210;=cmd|x', `"'+919876543210;'=cmd|x"`],
    ['-', `"'-"`],
    ['', ''],
  ])('%j → %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    [null, ''],
    [undefined, ''],
    [42, '42'],
    [-5, `"'-5"`],
    [new Date('2024-01-15T10:00:00Z'), '2024-01-15T10:00:00.000Z'],
  ])('%j → %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('reads back as written in an RFC 4180 reader, but for the defusing single quotes', () => {
    for (const value of ['Sharma, "Raj" Kumar', ' ;-2+3+cmd|x', 'first line\r\n=third', '+919876543210', 'x'.repeat(10)]) {
      const cell = (parse(`${csvCell(value)}\r\n`) as string[][])[0]![0]!;
      expect(cell.replaceAll("'", '')).toBe(value);
    }
  });
});

describe('csvCell, every formula character after every separator', () => {
  it('leaves no cell that starts a formula, whichever separator a spreadsheet splits on', () => {
    const leads = ['', 'a', ' ', '"', ' "'];
    const separators = ['', ',', ';', '\t', '\r', '\n', '\r\n'];
    const blanks = ['', ' ', '  "', '\u00a0'];
    let checked = 0;
    for (const lead of leads) {
      for (const separator of separators) {
        for (const blank of blanks) {
          for (const formula of FORMULA_CHARACTERS) {
            const value = `${lead}${separator}${blank}${formula}1+cmd|x`;
            const running = quoteBlindCells(csvCell(value)).filter((cell) => FORMULA_START.test(cell));
            expect(running, JSON.stringify(value)).toEqual([]);
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBe(leads.length * separators.length * blanks.length * FORMULA_CHARACTERS.length);
  });

  it('quotes a cell only when it must: plain text and numbers stay bare', () => {
    for (const value of ['Hyundai Creta', '12.5', 'SX(O) 1.5 Turbo', 'a=b', "O'Brien", '5-6 lakh']) expect(csvCell(value)).toBe(value);
  });
});

describe('csvLine', () => {
  it('joins cells with commas and ends the record with CRLF, null and undefined as empty cells', () => {
    expect(csvLine([1, 'a', null, undefined, ''])).toBe('1,a,,,\r\n');
    expect(csvLine([])).toBe('\r\n');
  });

  it('reads back as one record of as many cells in an RFC 4180 reader', () => {
    const values = ['Sharma, "Raj"', 'line\nbreak', 'a;b', '+919876543210', 42, null];
    const records = parse(csvLine(values) + csvLine(values)) as string[][];
    expect(records).toHaveLength(2);
    expect(records[0]).toEqual(['Sharma, "Raj"', 'line\nbreak', 'a;b', '+919876543210', '42', '']);
  });
});
