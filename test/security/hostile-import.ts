/**
 * The bulk import's part of the hostile-input sweep: CSV files whose cells (one payload per row, one file
 * per field) or header cells are payloads, the import's query parameters, and NDJSON lines and JSON array
 * rows carrying whole-body attacks. An import is all or nothing, so a file with refused rows is sent again
 * without them: the payloads that pass validation are then really written, for the stored-script check.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { ALL_PAYLOADS, bodyAttacks, percentEncode, SAMPLE } from './hostile-payloads.js';

type Send = (input: string, payload: string | readonly string[], options: InjectOptions) => Promise<LightMyRequestResponse>;
type Entity = 'brands' | 'models' | 'variants';
type Row = Record<string, string>;

/** Cells this long go in a file of their own: csv-parse refuses a record over 100 kB, and with it the whole file. */
const OWN_FILE_CHARS = 50_000;

const VALID: Record<Entity, (slug: string) => Row> = {
  brands: (slug) => ({ slug, name: 'Sweep CSV', country: 'India', colour: '#123456', foundedYear: '2001', description: 'From a CSV.' }),
  models: (slug) => ({
    slug, brand: 'hyundai', name: 'Sweep CSV', bodyType: 'suv', segment: 'B', launchDate: '2026-01-01', status: 'upcoming', popularity: '1',
    description: 'From a CSV.', colours: '[{"name":"Red","hex":"#ff0000"}]', features: 'ABS|Six airbags',
  }),
  variants: (slug) => ({ slug, model: 'hyundai-creta', name: 'Sweep CSV', priceInr: '1000000', fuel: 'petrol', transmission: 'manual', seats: '5', drivetrain: 'fwd', airbags: '6' }),
};

/** The cells swept: [entity, label, payloads, the cell a payload becomes]. */
const CELLS: [Entity, string, readonly string[], (payload: string) => Row][] = [
  ['brands', 'name', ALL_PAYLOADS, (p) => ({ name: p })],
  ...(['slug', 'country', 'description', 'colour', 'foundedYear'] as const).map((field): [Entity, string, readonly string[], (p: string) => Row] => ['brands', field, SAMPLE, (p) => ({ [field]: p })]),
  ...(['name', 'segment', 'description', 'features', 'launchDate', 'popularity'] as const).map((field): [Entity, string, readonly string[], (p: string) => Row] => ['models', field, SAMPLE, (p) => ({ [field]: p })]),
  ['models', 'colours[].name', SAMPLE, (p) => ({ colours: JSON.stringify([{ name: p, hex: '#ff0000' }]) })],
  ...(['name', 'priceInr', 'seats', 'powerBhp'] as const).map((field): [Entity, string, readonly string[], (p: string) => Row] => ['variants', field, SAMPLE, (p) => ({ [field]: p })]),
];

const quote = (cell: string) => `"${cell.replaceAll('"', '""')}"`;
const csvOf = (header: string[], rows: Row[]) => [header.map(quote).join(','), ...rows.map((row) => header.map((h) => quote(Object.hasOwn(row, h) ? row[h]! : '')).join(','))].join('\n');
const csvImport = (entity: string, csv: string): InjectOptions => ({ method: 'POST', url: `/api/admin/import?entity=${entity}`, payload: csv, headers: { 'content-type': 'text/csv' } });

/** Imports one payload per row; refused rows are dropped and the rest imported again. Returns what went wrong. */
async function importRows(send: Send, input: string, entity: Entity, rows: Row[], payloads: readonly string[]): Promise<string[]> {
  const header = Object.keys(rows[0]!);
  const first = await send(input, payloads, csvImport(entity, csvOf(header, rows)));
  if (first.statusCode !== 422) return [];
  const refused = new Set((first.json().error.details ?? []).map((d: { row?: number }) => d.row).filter((row: number | undefined) => row !== undefined && row > 0));
  if (refused.size === 0) return [];
  const kept = rows.map((row, i) => [row, payloads[i]!] as const).filter((_, i) => !refused.has(i + 1));
  if (kept.length === 0) return [];
  const second = await send(input, kept.map(([, p]) => p), csvImport(entity, csvOf(header, kept.map(([row]) => row))));
  return second.statusCode === 200 ? [] : [`${input}: the ${kept.length} rows left after the refused ones were answered ${second.statusCode} ${second.body.slice(0, 300)}`];
}

export async function importSweep(send: Send): Promise<string[]> {
  const problems: string[] = [];
  for (const [entity, label, payloads, cell] of CELLS) {
    const input = `POST /api/admin/import?entity=${entity} CSV cell ${label}`;
    const slug = (i: number) => `sweep-csv-${entity}-${label.replace(/[^a-z]/gi, '').toLowerCase()}-${i}`;
    const rowOf = (payload: string, i: number) => ({ ...VALID[entity](slug(i)), ...cell(payload) });
    const inFile = payloads.filter((p) => p.length < OWN_FILE_CHARS);
    problems.push(...(await importRows(send, input, entity, inFile.map(rowOf), inFile)));
    for (const [i, payload] of payloads.filter((p) => p.length >= OWN_FILE_CHARS).entries()) problems.push(...(await importRows(send, input, entity, [rowOf(payload, 100_000 + i)], [payload])));
  }

  const brand = VALID.brands('sweep-csv-header');
  for (const payload of SAMPLE.filter((p) => p.length < OWN_FILE_CHARS)) {
    await send('POST /api/admin/import?entity=brands CSV header cell', payload, csvImport('brands', csvOf([...Object.keys(brand), payload], [brand])));
  }
  for (const name of ['entity', 'dryRun']) {
    for (const payload of SAMPLE) {
      const query = name === 'entity' ? `entity=${percentEncode(payload)}&dryRun=true` : `entity=brands&dryRun=${percentEncode(payload)}`;
      await send(`POST /api/admin/import ?${name}`, payload, { ...csvImport('brands', csvOf(Object.keys(brand), [brand])), url: `/api/admin/import?${query}` });
    }
  }
  for (const [name, body] of bodyAttacks(VALID.brands('sweep-json-attack'), 'name')) {
    await send('POST /api/admin/import?entity=brands JSON array row', name, { method: 'POST', url: '/api/admin/import?entity=brands', payload: `[${body}]`, headers: { 'content-type': 'application/json' } });
    await send('POST /api/admin/import?entity=brands NDJSON line', name, { method: 'POST', url: '/api/admin/import?entity=brands', payload: `${body}\n`, headers: { 'content-type': 'application/x-ndjson' } });
  }
  return problems;
}
