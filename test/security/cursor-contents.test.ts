/**
 * Keyset cursors are input: base64url JSON that anyone can forge. Whatever one decodes to (NUL or a lone
 * surrogate in the key, numbers beyond the column's type, other types, deep nesting, long strings, dates
 * that are not dates), the answer is 400 INVALID_CURSOR, never a 500; cursors the API issued keep working.
 * The routes and their sorts are read from the OpenAPI document, so a new paged list is covered at once.
 * decodeCursor itself is unit-tested beside it (src/lib/pagination.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
/** [path, sort] for every GET that takes `cursor`, each sort its `sort` parameter allows. */
const pagedSorts: [path: string, sort: string][] = [];

interface Parameter {
  in: string;
  name: string;
  schema?: { enum?: string[] };
}

beforeAll(async () => {
  t = await buildTestApp();
  const paths = (t.app.swagger() as { paths: Record<string, Record<string, { parameters?: Parameter[] }>> }).paths;
  for (const [path, operations] of Object.entries(paths)) {
    const query = operations.get?.parameters?.filter((p) => p.in === 'query') ?? [];
    if (!query.some((p) => p.name === 'cursor')) continue;
    for (const sort of query.find((p) => p.name === 'sort')?.schema?.enum ?? []) pagedSorts.push([path, sort]);
  }
});
afterAll(() => t.close());

const cursorOf = (json: string) => Buffer.from(json).toString('base64url');
/** As deep as nesting goes within the 500 characters the query schema lets a cursor have. */
const DEPTH = 150;

/** Decoded contents that no sort accepts: [what, JSON text given the sort name and a genuine key and id]. */
const HOSTILE: [string, (sort: string, key: unknown, id: number) => string][] = [
  ['NUL in a string key', (s, _k, id) => JSON.stringify({ s, k: ['a\u0000b', id] })],
  ['NUL alone as the key', (s, _k, id) => JSON.stringify({ s, k: ['\u0000', id] })],
  ['lone surrogate key', (s, _k, id) => JSON.stringify({ s, k: ['x\ud800', id] })],
  ['301-character key', (s, _k, id) => JSON.stringify({ s, k: ['x'.repeat(301), id] })],
  ['key 1e400', (s, _k, id) => `{"s":${JSON.stringify(s)},"k":[1e400,${id}]}`],
  ['key -1e400', (s, _k, id) => `{"s":${JSON.stringify(s)},"k":[-1e400,${id}]}`],
  ['key 9007199254740993', (s, _k, id) => `{"s":${JSON.stringify(s)},"k":[9007199254740993,${id}]}`],
  ['key 1.5', (s, _k, id) => JSON.stringify({ s, k: [1.5, id] })],
  ['key true', (s, _k, id) => JSON.stringify({ s, k: [true, id] })],
  ['key null', (s, _k, id) => JSON.stringify({ s, k: [null, id] })],
  ['key object', (s, _k, id) => JSON.stringify({ s, k: [{ a: 1 }, id] })],
  ['key array', (s, k, id) => JSON.stringify({ s, k: [[k], id] })],
  ['key nested 150 deep', (s, _k, id) => `{"s":${JSON.stringify(s)},"k":[${'['.repeat(DEPTH)}${']'.repeat(DEPTH)},${id}]}`],
  ['key __proto__ object', (s, _k, id) => `{"s":${JSON.stringify(s)},"k":[{"__proto__":{"x":1}},${id}]}`],
  ['id 0', (s, k) => JSON.stringify({ s, k: [k, 0] })],
  ['id -1', (s, k) => JSON.stringify({ s, k: [k, -1] })],
  ['id 2147483648 (beyond the integer primary key)', (s, k) => JSON.stringify({ s, k: [k, 2147483648] })],
  ['id 9007199254740993', (s, k) => `{"s":${JSON.stringify(s)},"k":[${JSON.stringify(k)},9007199254740993]}`],
  ['id 1e400', (s, k) => `{"s":${JSON.stringify(s)},"k":[${JSON.stringify(k)},1e400]}`],
  ['id as a string', (s, k, id) => JSON.stringify({ s, k: [k, String(id)] })],
  ['id 1.5', (s, k) => JSON.stringify({ s, k: [k, 1.5] })],
  ['three-element key', (s, k, id) => JSON.stringify({ s, k: [k, id, id] })],
  ['key not an array', (s, k) => JSON.stringify({ s, k })],
  ['another sort', (_s, k, id) => JSON.stringify({ s: 'no-such-sort', k: [k, id] })],
  ['sort NUL', (_s, k, id) => JSON.stringify({ s: '\u0000', k: [k, id] })],
  ['no sort', (_s, k, id) => JSON.stringify({ k: [k, id] })],
  ['whole payload nested 150 deep', () => `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`],
  ['objects nested 60 deep', () => `${'{"s":'.repeat(60)}1${'}'.repeat(60)}`],
  ['null', () => 'null'],
  ['a string', () => '"cursor"'],
  ['an array', () => '[]'],
  ['a number', () => '1e400'],
  ['truncated JSON', (s, k, id) => JSON.stringify({ s, k: [k, id] }).slice(0, -1)],
  ['not JSON', () => '\u0000\u0001\u0002'],
  ['empty object', () => '{}'],
];

/** Keys out of the range of the column a sort reads (smallint, integer) or not a date: [column kind, key]. */
const OUT_OF_TYPE: Record<string, unknown[]> = {
  smallint: [32768, -32769, 2147483648],
  integer: [2147483648, -2147483649],
  date: ['not-a-date', '2024-02-30', '2024-13-01', '99999-01-01', '2024-1-1', '20240101', 'infinity', 'epoch', 'today'],
};

async function get(url: string) {
  const response = await t.app.inject({ method: 'GET', url });
  return { status: response.statusCode, code: response.statusCode >= 400 ? (response.json().error?.code as string) : undefined, body: response.body };
}

/** The first page's cursor and what it decodes to. */
async function genuine(path: string, sort: string) {
  const first = await t.app.inject({ method: 'GET', url: `${path}?sort=${sort}&limit=1` });
  expect(first.statusCode, first.body).toBe(200);
  const cursor = first.json().pagination.nextCursor as string;
  expect(cursor, `${path} ${sort} has a second page`).toBeTypeOf('string');
  const { k } = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { k: [unknown, number] };
  return { cursor, key: k[0], id: k[1] };
}

describe('a cursor whose decoded contents are hostile', () => {
  it('is found on every paged list, for every sort', () => {
    expect(pagedSorts.map(([path]) => path)).toEqual(expect.arrayContaining(['/api/models', '/api/variants', '/api/articles']));
    expect(pagedSorts.length).toBeGreaterThanOrEqual(11);
  });

  it('gets 400 INVALID_CURSOR on every paged list and sort, and a genuine cursor still pages', async () => {
    const wrong: string[] = [];
    for (const [path, sort] of pagedSorts) {
      const { cursor, key, id } = await genuine(path, sort);
      const next = await get(`${path}?sort=${sort}&limit=1&cursor=${cursor}`);
      expect(next.status, `${path} ${sort} genuine cursor`).toBe(200);
      for (const [what, contents] of HOSTILE) {
        const answer = await get(`${path}?sort=${sort}&cursor=${cursorOf(contents(sort, key, id))}`);
        if (answer.status !== 400 || answer.code !== 'INVALID_CURSOR') wrong.push(`${path} ${sort} ${what}: ${answer.status} ${answer.body.slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('gets 400 VALIDATION_FAILED when it is longer than the 500 characters a cursor may have (deeper nesting, longer keys)', async () => {
    for (const contents of [`{"s":"popularity","k":[${'['.repeat(5_000)}${']'.repeat(5_000)},1]}`, JSON.stringify({ s: 'name', k: ['x'.repeat(10_000), 1] })]) {
      const answer = await get(`/api/models?sort=popularity&cursor=${cursorOf(contents)}`);
      expect({ status: answer.status, code: answer.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    }
  });

  it('gets 400 INVALID_CURSOR for a key outside the type of the column its sort reads', async () => {
    const { rows } = await t.app.pg.query<{ table: string; column: string; type: string }>(
      `SELECT table_name AS table, column_name AS column, data_type AS type FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name IN ('models', 'variants') AND column_name IN ('popularity', 'price_sort_asc', 'price_sort_desc', 'price_inr', 'launch_date')`,
    );
    const typeOf = (table: string, column: string) => rows.find((r) => r.table === table && r.column === column)!.type;
    const columns: Record<string, Record<string, string>> = {
      '/api/models': { popularity: typeOf('models', 'popularity'), price: typeOf('models', 'price_sort_asc'), '-price': typeOf('models', 'price_sort_desc'), newest: typeOf('models', 'launch_date') },
      '/api/variants': { popularity: typeOf('variants', 'popularity'), price: typeOf('variants', 'price_inr'), '-price': typeOf('variants', 'price_inr'), newest: typeOf('variants', 'launch_date') },
    };
    const wrong: string[] = [];
    let sent = 0;
    for (const [path, sorts] of Object.entries(columns)) {
      for (const [sort, type] of Object.entries(sorts)) {
        const keys = OUT_OF_TYPE[type];
        expect(keys, `${path} ${sort} reads a ${type}`).toBeDefined();
        const { id } = await genuine(path, sort);
        for (const key of keys!) {
          sent += 1;
          const answer = await get(`${path}?sort=${sort}&cursor=${cursorOf(JSON.stringify({ s: sort, k: [key, id] }))}`);
          if (answer.status !== 400 || answer.code !== 'INVALID_CURSOR') wrong.push(`${path} ${sort} (${type}) key ${JSON.stringify(key)}: ${answer.status} ${answer.body.slice(0, 120)}`);
        }
      }
    }
    expect(sent).toBeGreaterThan(20);
    expect(wrong).toEqual([]);
  });
});
