/**
 * The hostile-input sweep over every admin input and every public write: each field of each JSON body
 * (read from the OpenAPI document), each query parameter of the admin reads, each `:id`, the If-Match and
 * Authorization headers, bulk-import CSV cells and headers, and whole-body attacks (prototype keys, other
 * types, 10,000-deep nesting, duplicate keys). Strings get the Big List of Naughty Strings plus our own
 * payloads (all of them on a few representative fields, a fixed sample of 60 elsewhere); numeric fields get
 * raw JSON numbers. Every answer must be below 500, a 4xx with `error.code`; afterwards no text or JSON
 * column of any table holds a script, Object.prototype is untouched and the app is still ready.
 * The tally (inputs × payloads, requests, statuses) is printed and written to test-results/hostile-sweep.json.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';
import { createUser, signedIn, type TestSession } from '../admin/helpers.js';
import { ALL_PAYLOADS, bodyAttacks, eachLimit, EXTRA, NAUGHTY, NUMERIC_RAW, percentEncode, SAMPLE, SweepTally } from './hostile-payloads.js';
import { bodyWith, fieldsOf, NOT_BODY_SWEPT, runsOf, WRITE_TARGETS, type SweepContext } from './hostile-targets.js';
import { importSweep } from './hostile-import.js';

const SUMMARY_PATH = new URL('../../test-results/hostile-sweep.json', import.meta.url).pathname;
const CONCURRENCY = 4;
/** What a stored value must never contain, whatever column it is in. */
const SCRIPT_PATTERNS = ['%<script%', '%javascript:%', '%onerror=%'];
/**
 * A script URL spelled with a character reference for its colon or first letter, where a URL starts (not
 * after a slash: `/javascript&#58;x` is a path on this site, as an analytics event may record).
 */
const ENCODED_SCRIPT_URL = '(^|[^a-z0-9/._~-])(&#0*106;?|&#x0*6a;?|j)avascript(&#0*58;?|&#x0*3a;?|&colon;)';
/** Header values Node would refuse to send (control characters, non-Latin-1): they cannot arrive, so they are not sent. */
const SENDABLE_HEADER = /^[\t\x20-\x7e\x80-\xff]*$/;

interface Operation {
  requestBody?: { content?: Record<string, { schema: Parameters<typeof fieldsOf>[0] }> };
  parameters?: { in: string; name: string }[];
}

let t: TestApp;
let app: FastifyInstance;
let admin: TestSession;
let viewer: TestSession;
let operations: [method: string, path: string, operation: Operation][];
let context: SweepContext;
let ip = 0;
const tally = new SweepTally();
const started = Date.now();

beforeAll(async () => {
  t = await buildTestApp({ config: { overloadMaxEventLoopDelayMs: 0 } });
  app = t.app;
  [admin, viewer] = await Promise.all([signedIn(app, 'admin'), signedIn(app, 'viewer')]);
  const brand = await app.inject({ method: 'POST', url: '/api/admin/brands', headers: admin.headers, payload: { slug: 'sweep-patched', name: 'Patched', country: 'India', colour: '#123456' } });
  const user = await createUser(app, 'viewer');
  context = {
    patchBrandId: brand.json().data.id,
    patchUserId: user.id,
    version: async (table, id) => (await app.pg.query<{ version: number }>(`SELECT version FROM ${table} WHERE id = $1`, [id])).rows[0]!.version,
  };
  const paths = (app.swagger() as { paths: Record<string, Record<string, Operation>> }).paths;
  operations = Object.entries(paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [method.toUpperCase(), path, op] as [string, string, Operation]));
});

afterAll(async () => {
  tally.report(SUMMARY_PATH, {
    file: 'test/security/hostile-input-admin.test.ts',
    ranAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    payloadSets: { blns: NAUGHTY.length, extra: EXTRA.length, all: ALL_PAYLOADS.length, sample: SAMPLE.length, numericRaw: NUMERIC_RAW.length },
    checks,
  });
  await t?.close();
});

/** One request, tallied under `input`; a distinct client address each, so login lockouts per address never mask a field. */
async function send(input: string, payload: string | readonly string[], options: InjectOptions, asAdmin: boolean): Promise<LightMyRequestResponse> {
  ip += 1;
  const headers = { ...(asAdmin ? admin.headers : {}), ...(options.headers as Record<string, string> | undefined) };
  const response = await app.inject({ ...options, headers, remoteAddress: `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}` });
  tally.record(input, payload, response);
  return response;
}

const jsonPost = (method: string, url: string, payload: string): InjectOptions => ({ method: method as InjectOptions['method'], url, payload, headers: { 'content-type': 'application/json' } });
const writeOperations = () => operations.filter(([method, , op]) => method !== 'GET' && op.requestBody?.content?.['application/json'] !== undefined);
const bodySchema = (key: string) => writeOperations().find(([method, path]) => `${method} ${path}` === key)![2].requestBody!.content!['application/json']!.schema;

describe('the sweep', () => {
  it('covers every JSON write route the OpenAPI document lists', () => {
    const documented = writeOperations().map(([method, path]) => `${method} ${path}`);
    expect(documented.filter((key) => !(key in WRITE_TARGETS) && !(key in NOT_BODY_SWEPT))).toEqual([]);
    expect(Object.keys(WRITE_TARGETS).filter((key) => !documented.includes(key))).toEqual([]);
  });

  it.each(Object.keys(WRITE_TARGETS))('sends every field of %s the payloads', async (key) => {
    const before = tally.failures.length;
    const target = WRITE_TARGETS[key]!;
    const [method, path] = key.split(' ') as [string, string];
    const url = target.url?.(context) ?? path;
    const fields = fieldsOf(bodySchema(key));
    expect(fields.length).toBeGreaterThan(0);
    for (const field of fields) {
      for (const run of runsOf(target, field)) {
        await eachLimit(run.payloads, target.serial ? 1 : CONCURRENCY, async (payload) => {
          const body = bodyWith(await target.valid(context), field.path, run.prefix + payload, field.kind === 'raw');
          await send(`${key} body${run.label.startsWith('[') ? '' : '.'}${run.label}`, payload, jsonPost(method, url, body), target.admin);
        });
      }
    }
    expect(tally.failures.slice(before)).toEqual([]);
  }, 120_000);

  it('survives whole-body attacks on every write route: prototype keys, other types, deep nesting, duplicate keys', async () => {
    const before = tally.failures.length;
    for (const [key, target] of Object.entries(WRITE_TARGETS)) {
      const [method, path] = key.split(' ') as [string, string];
      const valid = await target.valid(context);
      const object = (Array.isArray(valid) ? valid[0] : valid)!;
      const firstString = fieldsOf(bodySchema(key)).find((f) => f.kind === 'string' && f.path.length === (Array.isArray(valid) ? 2 : 1))?.path.at(-1) as string | undefined;
      for (const [name, body] of bodyAttacks(object, firstString)) await send(`${key} whole body`, name, jsonPost(method, target.url?.(context) ?? path, body), target.admin);
    }
    expect(tally.failures.slice(before)).toEqual([]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  }, 60_000);

  it('sends every query parameter of every admin read the payloads', async () => {
    const before = tally.failures.length;
    const reads = operations.filter(([method, path]) => method === 'GET' && path.startsWith('/api/admin/') && !path.includes('{'));
    expect(reads.length).toBeGreaterThan(8);
    for (const [, path, op] of reads) {
      for (const { name } of (op.parameters ?? []).filter((p) => p.in === 'query')) {
        const payloads = path === '/api/admin/brands' && name === 'q' ? ALL_PAYLOADS : SAMPLE;
        await eachLimit(payloads, CONCURRENCY, async (payload) => {
          await send(`GET ${path} ?${name}`, payload, { method: 'GET', url: `${path}?${name}=${percentEncode(payload)}` }, true);
        });
      }
    }
    expect(tally.failures.slice(before)).toEqual([]);
  }, 60_000);

  it('sends the payloads as the path parameter of every admin route that has one', async () => {
    const before = tally.failures.length;
    const withParams = operations.filter(([, path]) => path.startsWith('/api/admin/') && /\{\w+\}/.test(path));
    expect(withParams.length).toBeGreaterThan(24);
    for (const [method, path, op] of withParams) {
      const hasBody = op.requestBody !== undefined;
      await eachLimit(
        SAMPLE.filter((p) => p !== ''),
        CONCURRENCY,
        async (payload) => {
          const url = path.replace(/\{\w+\}/, percentEncode(payload));
          await send(`${method} ${path} path parameter`, payload, hasBody ? jsonPost(method, url, '{"name":"x"}') : { method: method as InjectOptions['method'], url }, true);
        },
      );
    }
    expect(tally.failures.slice(before)).toEqual([]);
  }, 60_000);

  it('sends the payloads as If-Match and as the bearer token', async () => {
    const before = tally.failures.length;
    const sendable = SAMPLE.filter((p) => SENDABLE_HEADER.test(p));
    const url = WRITE_TARGETS['PATCH /api/admin/brands/{id}']!.url!(context);
    for (const payload of sendable) {
      await send('PATCH /api/admin/brands/{id} header If-Match', payload, { method: 'PATCH', url, payload: { description: 'If-Match sweep' }, headers: { 'if-match': payload } }, true);
    }
    await eachLimit(sendable, CONCURRENCY, async (payload) => {
      await send('GET /api/admin/brands header Authorization: Bearer', payload, { method: 'GET', url: '/api/admin/brands', headers: { authorization: `Bearer ${payload}` } }, false);
      await send('GET /api/admin/brands header Authorization', payload, { method: 'GET', url: '/api/admin/brands', headers: { authorization: payload } }, false);
    });
    expect(tally.failures.slice(before)).toEqual([]);
  }, 60_000);

  it('imports CSV files whose cells and header cells are payloads, and NDJSON and JSON rows with prototype keys', async () => {
    const before = tally.failures.length;
    const problems = await importSweep((input, payload, options) => send(input, payload, options, true));
    expect(tally.failures.slice(before)).toEqual([]);
    expect(problems).toEqual([]);
  }, 90_000);
});

const checks: Record<string, unknown> = {};

/**
 * Stored scripts in code another engineer is still writing (not to be edited from here): reported, kept out of
 * the main assertion, and pinned by an expected failure so the fix is noticed.
 */
const KNOWN_OPEN: Record<string, string> = {};

let scannedColumns = 0;
/** `table.column: value` for every stored value matching SCRIPT_PATTERNS, in every text, varchar, text[], json and jsonb column. */
async function storedScripts(): Promise<string[]> {
  if ('analytics' in app) await (app as unknown as { analytics: { flush(): Promise<void> } }).analytics.flush();
  const { rows: columns } = await app.pg.query<{ table: string; column: string }>(
    `SELECT c.table_name AS table, c.column_name AS column
       FROM information_schema.columns c JOIN pg_class r ON r.relname = c.table_name AND r.relnamespace = 'public'::regnamespace
      WHERE c.table_schema = 'public' AND r.relkind IN ('r', 'p') AND NOT r.relispartition
        AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb') OR c.udt_name IN ('_text', '_varchar'))
      ORDER BY 1, 2`,
  );
  expect(columns.length).toBeGreaterThan(40);
  scannedColumns = columns.length;
  const hits: string[] = [];
  for (const { table, column } of columns) {
    const { rows } = await app.pg.query<{ value: string }>(
      `SELECT left("${column}"::text, 120) AS value FROM "${table}" WHERE "${column}"::text ILIKE ANY ($1) OR "${column}"::text ~* $2 LIMIT 5`,
      [SCRIPT_PATTERNS, ENCODED_SCRIPT_URL],
    );
    for (const row of rows) hits.push(`${table}.${column}: ${row.value}`);
  }
  return hits;
}

describe('after the sweep', () => {
  it('stored something: the sweep reached the writes, not only validation', async () => {
    const tables = ['brands', 'models', 'variants', 'model_images', 'articles', 'popular_comparisons', 'leads', 'newsletter_subscribers', 'admin_users'];
    const { rows } = await app.pg.query<{ written: Record<string, number> }>(
      `SELECT json_build_object(${tables.map((table) => `'${table}', (SELECT count(*) FROM ${table} WHERE created_at >= $1)`).join(', ')},
         'audit_log', (SELECT count(*) FROM audit_log WHERE at >= $1)) AS written`,
      [new Date(started)],
    );
    checks.rowsWrittenBySweep = rows[0]!.written;
    expect(rows[0]!.written.brands).toBeGreaterThan(100);
    expect(rows[0]!.written.articles).toBeGreaterThan(100);
    expect(rows[0]!.written.leads).toBeGreaterThan(100);
  });

  it('left no script in any text or JSON column of any table', async () => {
    const hits = await storedScripts();
    checks.storedScript = { columnsScanned: scannedColumns, patterns: [...SCRIPT_PATTERNS, ENCODED_SCRIPT_URL], hits, knownOpen: KNOWN_OPEN };
    expect(hits.filter((hit) => !Object.keys(KNOWN_OPEN).some((column) => hit.startsWith(`${column}:`)))).toEqual([]);
  });


  it('left Object.prototype alone, and authorisation as it was', async () => {
    const probe = {} as Record<string, unknown>;
    expect([probe.isAdmin, probe.admin, probe.polluted]).toEqual([undefined, undefined, undefined]);
    const list = await app.inject({ method: 'GET', url: '/api/admin/brands?q=sweep', headers: viewer.headers });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.length).toBeGreaterThan(0);
    const write = await app.inject({ method: 'POST', url: '/api/admin/brands', headers: viewer.headers, payload: { slug: 'viewer-brand', name: 'V', country: 'India', colour: '#123456' } });
    expect(write.statusCode).toBe(403);
    checks.prototypeUntouched = true;
  });

  it('refuses a change that names only the version (it would bump the version and write an audit entry for nothing)', async () => {
    for (const [table, url] of [['brands', `/api/admin/brands/${context.patchBrandId}`], ['admin_users', `/api/admin/users/${context.patchUserId}`]] as const) {
      const id = Number(url.split('/').at(-1));
      const version = await context.version(table, id);
      const response = await app.inject({ method: 'PATCH', url, headers: admin.headers, payload: { version } });
      expect({ status: response.statusCode, message: response.json().error.message }).toMatchObject({ status: 400, message: expect.stringMatching(/^nothing to change/) });
      expect(await context.version(table, id)).toBe(version);
    }
  });

  it('is still ready', async () => {
    const ready = await app.inject('/api/monitoring/ready');
    expect(ready.statusCode).toBe(200);
    checks.readyAfterSweep = ready.statusCode;
  });
});
