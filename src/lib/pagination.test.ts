/**
 * Cursors are opaque to clients and forgeable by anyone: what one decodes to is checked like any input. Over
 * HTTP (every paged list and sort, hostile payloads) see test/security/cursor-contents.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { buildPagination, decodeCursor, encodeCursor, project, type SortKind, type SortSpec } from './pagination.js';

const spec = (kind: SortKind): SortSpec => ({ column: 't.x', direction: 'asc', kind, key: () => 0 });
const specs: Record<string, SortSpec> = {
  smallint: spec('smallint'),
  integer: spec('integer'),
  bigint: spec('bigint'),
  text: spec('text'),
  date: spec('date'),
};
const cursorOf = (json: string) => Buffer.from(json).toString('base64url');

/** The error decodeCursor throws for `cursor`, or null when it decodes. */
function refusal(cursor: string, sortName: string, sortSpec: SortSpec): unknown {
  try {
    decodeCursor(cursor, sortName, sortSpec);
    return null;
  } catch (error) {
    return error;
  }
}

describe('decodeCursor', () => {
  it('accepts every key of the column type and refuses the rest, with the 400 the API answers', () => {
    const accepted: [string, unknown][] = [
      ['smallint', 32767], ['smallint', -32768], ['integer', 2147483647], ['integer', -1], ['bigint', 1_733_000_000_000_000], ['bigint', -9007199254740991],
      ['text', 'Hyundai Creta'], ['text', ''], ['text', '😀'.repeat(100)], ['date', '2024-02-29'], ['date', '0001-01-01'],
    ];
    for (const [kind, key] of accepted) expect(decodeCursor(encodeCursor(kind, key as string | number, 7), kind, specs[kind]!), `${kind} ${String(key)}`).toEqual([key, 7]);
    const refused: [string, unknown, number][] = [
      ['smallint', 32768, 1], ['integer', 2147483648, 1], ['bigint', Number.MAX_SAFE_INTEGER + 1, 1], ['bigint', 1.5, 1], ['text', 'a\u0000b', 1], ['text', '\udc00', 1],
      ['text', 'x'.repeat(301), 1], ['text', 5, 1], ['date', '2023-02-29', 1], ['date', 'today', 1], ['date', 20240101, 1], ['integer', 5, 0], ['integer', 5, 2147483648],
    ];
    for (const [kind, key, id] of refused) {
      const cursor = cursorOf(JSON.stringify({ s: kind, k: [key, id] }));
      expect(() => decodeCursor(cursor, kind, specs[kind]!), `${kind} ${JSON.stringify(key)} ${id}`).toThrow(AppError);
      try {
        decodeCursor(cursor, kind, specs[kind]!);
      } catch (error) {
        expect((error as AppError).code).toBe('INVALID_CURSOR');
      }
    }
  });

  it('gives back exactly what encodeCursor was given, at the edges of each type', () => {
    const cases: [SortKind, string | number][] = [
      ['smallint', -32_768], ['smallint', 0], ['integer', -2_147_483_648], ['bigint', Number.MAX_SAFE_INTEGER],
      ['text', 'Škoda Kushaq 1.0 TSI "Style"'], ['text', 'x'.repeat(300)], ['text', '\u2028,;&=?/'], ['date', '9999-12-31'], ['date', '2000-02-29'],
    ];
    for (const [kind, key] of cases) {
      for (const id of [1, 42, 2_147_483_647]) {
        const cursor = encodeCursor(`by-${kind}`, key, id);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(cursor, `by-${kind}`, spec(kind))).toEqual([key, id]);
      }
    }
  });

  it('refuses a cursor issued for another sort, even one reading the same column', () => {
    const cursor = encodeCursor('price', 500_000, 3);
    expect(refusal(cursor, '-price', specs.integer!)).toMatchObject({ code: 'INVALID_CURSOR', status: 400 });
    expect(decodeCursor(cursor, 'price', specs.integer!)).toEqual([500_000, 3]);
  });

  it('refuses every truncation of a genuine cursor, and what is not base64url JSON at all', () => {
    const cursor = encodeCursor('name', 'Hyundai Creta', 17);
    for (let length = 0; length < cursor.length; length++) {
      expect(refusal(cursor.slice(0, length), 'name', specs.text!), cursor.slice(0, length)).toMatchObject({ code: 'INVALID_CURSOR' });
    }
    for (const garbage of ['', '!!!!', '%7B%7D', 'bnVsbA', cursorOf('{"s":"name","k":["a",1]'), cursorOf('{"s":"name","k":["a",1],}')]) {
      expect(refusal(garbage, 'name', specs.text!), garbage).toMatchObject({ code: 'INVALID_CURSOR' });
    }
  });

  it('either decodes a tampered cursor to a valid key and row id or refuses it with INVALID_CURSOR, never anything else', () => {
    const alphabet = 'AZaz09-_';
    const sorts: [string, SortSpec, string | number][] = [['popularity', specs.smallint!, 120], ['name', specs.text!, 'Tata Nexon'], ['newest', specs.date!, '2024-05-01']];
    let tampered = 0;
    for (const [name, sortSpec, key] of sorts) {
      const cursor = encodeCursor(name, key, 9);
      for (let at = 0; at < cursor.length; at++) {
        for (const replacement of alphabet) {
          if (cursor[at] === replacement) continue;
          tampered += 1;
          const forged = `${cursor.slice(0, at)}${replacement}${cursor.slice(at + 1)}`;
          const error = refusal(forged, name, sortSpec);
          if (error !== null) {
            expect(error, forged).toBeInstanceOf(AppError);
            expect((error as AppError).code).toBe('INVALID_CURSOR');
            continue;
          }
          const [decodedKey, id] = decodeCursor(forged, name, sortSpec);
          expect(typeof decodedKey).toBe(typeof key);
          expect(Number.isSafeInteger(id) && id >= 1 && id <= 2_147_483_647).toBe(true);
        }
      }
    }
    expect(tampered).toBeGreaterThan(500);
  });
});

describe('buildPagination', () => {
  it('reports the page, the page count (rounded up) and whether there is a page before', () => {
    expect(buildPagination({ page: 3, limit: 20 }, 45, false, null)).toEqual({ page: 3, limit: 20, total: 45, pages: 3, hasNext: false, hasPrev: true, nextCursor: null });
    expect(buildPagination({ page: 1, limit: 20 }, 40, true, 'c')).toMatchObject({ page: 1, pages: 2, hasPrev: false, hasNext: true, nextCursor: 'c' });
    expect(buildPagination({ page: 1, limit: 20 }, 0, false, null)).toMatchObject({ pages: 0, hasPrev: false, hasNext: false });
    expect(buildPagination({ page: 1, limit: 20 }, 41, true, null).pages).toBe(3);
  });

  it('has no page number, and always a page before, when paging by cursor', () => {
    expect(buildPagination({ page: 1, limit: 10, cursor: 'abc' }, 95, true, 'def')).toEqual({
      page: null, limit: 10, total: 95, pages: 10, hasNext: true, hasPrev: true, nextCursor: 'def',
    });
  });
});

describe('project', () => {
  const items = [
    { id: 1, slug: 'creta', name: 'Creta', priceInr: 1_100_000 },
    { id: 2, slug: 'nexon', name: 'Nexon', priceInr: 800_000 },
  ];

  it('returns the items themselves when no fields are asked for', () => {
    expect(project(items, undefined)).toBe(items);
  });

  it('keeps only the fields asked for, skips names the items do not have, and leaves the items unchanged', () => {
    expect(project(items, 'slug,priceInr,nope')).toEqual([{ slug: 'creta', priceInr: 1_100_000 }, { slug: 'nexon', priceInr: 800_000 }]);
    expect(items[0]).toEqual({ id: 1, slug: 'creta', name: 'Creta', priceInr: 1_100_000 });
    expect(project(items, 'nope')).toEqual([{}, {}]);
  });

  it("answers in the items' own field order, whatever order and repeats the request used", () => {
    const asked = ['priceInr,slug', 'slug,priceInr', 'priceInr,slug,priceInr'].map((fields) => JSON.stringify(project(items, fields)));
    expect(new Set(asked).size).toBe(1);
    expect(Object.keys(project(items, 'priceInr,slug')[0]!)).toEqual(['slug', 'priceInr']);
  });
});
