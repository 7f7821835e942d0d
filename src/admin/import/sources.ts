/**
 * Rows of a bulk import, read as a stream: CSV (header row; `|`-separated lists, JSON for colours),
 * NDJSON (one JSON object per line), or a JSON array (parsed by Fastify within the route's body limit).
 * CSV cells are strings: each is turned into what the field's schema expects (numbers, null for an
 * empty nullable cell, lists), so validation reports real problems, not CSV's lack of types.
 */
import { createInterface } from 'node:readline';
import { pipeline, type Readable } from 'node:stream';
import type { TObject, TSchema } from '@sinclair/typebox';
import { parse } from 'csv-parse';
import { AppError, type ErrorDetail } from '../../errors.js';

export type Row = Record<string, unknown>;
export interface SourceRow {
  row: number;
  value: Row | null;
  /** Why the row could not be read at all (malformed JSON line). */
  problem?: string;
}

const MAX_CSV_RECORD_BYTES = 100_000;

function kinds(schema: TSchema | undefined): Set<string> {
  if (schema === undefined) return new Set();
  const own = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const nested = ((schema.anyOf ?? []) as TSchema[]).flatMap((branch) => [...kinds(branch)]);
  return new Set([...own, ...nested] as string[]);
}

function coerceCell(field: string, cell: string, types: Set<string>): unknown {
  if (cell === '') return types.has('null') ? null : undefined;
  if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?$/.test(cell.trim())) return Number(cell.trim());
  if (types.has('boolean') && /^(true|false)$/i.test(cell)) return cell.toLowerCase() === 'true';
  if (types.has('array')) {
    if (field === 'colours') {
      try {
        return JSON.parse(cell) as unknown;
      } catch {
        return cell;
      }
    }
    return cell
      .split('|')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  return cell;
}

/** The header's columns, or one IMPORT_INVALID naming unknown, repeated and missing columns (row 0), not one per row. */
function checkHeader(header: string[], schema: TObject): string[] {
  const known = Object.keys(schema.properties);
  const details: ErrorDetail[] = [];
  header.forEach((column, i) => {
    if (!known.includes(column)) details.push({ row: 0, field: column, message: 'is not a column of this entity' });
    else if (header.indexOf(column) !== i) details.push({ row: 0, field: column, message: 'appears twice in the header' });
  });
  for (const column of schema.required ?? []) if (!header.includes(column)) details.push({ row: 0, field: column, message: 'is a required column' });
  if (details.length === 0) return header;
  const problems = details.map((d) => `${d.field} ${d.message}`).join('; ');
  throw new AppError('IMPORT_INVALID', `the CSV header is wrong: ${problems}; the columns are ${known.join(', ')}`, details);
}

export async function* csvRows(stream: Readable, schema: TObject): AsyncGenerator<SourceRow> {
  const parser = parse({
    columns: (header: string[]) => checkHeader(header, schema),
    bom: true,
    skip_empty_lines: true,
    trim: false,
    max_record_size: MAX_CSV_RECORD_BYTES,
    relax_column_count: false,
  });
  pipeline(stream, parser, () => undefined);
  // The types each column takes, worked out once per file rather than once per cell.
  const types = new Map(Object.entries(schema.properties).map(([field, fieldSchema]) => [field, kinds(fieldSchema)]));
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      row += 1;
      const value: Row = {};
      for (const [field, cell] of Object.entries(record)) {
        const coerced = coerceCell(field, cell, types.get(field) ?? new Set());
        if (coerced !== undefined) value[field] = coerced;
      }
      yield { row, value };
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    // csv-parse names what broke (an unclosed quote, a row with more cells than the header, …) and counts the
    // records read before it; records already parsed may not have reached this loop yet.
    const read = (error as { records?: unknown }).records;
    throw new AppError('IMPORT_INVALID', `the CSV cannot be read at row ${(typeof read === 'number' ? read : row) + 1}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function* ndjsonRows(stream: Readable): AsyncGenerator<SourceRow> {
  let row = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    row += 1;
    try {
      const value = JSON.parse(line) as unknown;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) yield { row, value: null, problem: 'is not a JSON object' };
      else yield { row, value: value as Row };
    } catch {
      yield { row, value: null, problem: 'is not valid JSON' };
    }
  }
}

export async function* arrayRows(items: unknown[]): AsyncGenerator<SourceRow> {
  for (const [index, value] of items.entries()) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) yield { row: index + 1, value: null, problem: 'is not a JSON object' };
    else yield { row: index + 1, value: value as Row };
  }
}
