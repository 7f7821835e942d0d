/**
 * Offset and keyset paging. A cursor is opaque to clients: base64url JSON of the sort it belongs to and
 * the last row's sort key and id. Anyone can forge one, so what it decodes to is checked like any input
 * (structure, types, the range of the sort column's SQL type, NUL and lone surrogates): a forged or stale
 * cursor is a 400 INVALID_CURSOR, never a statement PostgreSQL refuses with a 500.
 */
import { AppError } from '../errors.js';
import { findUnstorable } from '../platform/storable-input.js';
import type { Pagination } from './schemas.js';

export type SortKey = string | number;

/** The SQL type of a sort column, which bounds what a cursor key for it may hold. */
export type SortKind = 'smallint' | 'integer' | 'bigint' | 'text' | 'date';

export interface SortSpec {
  /** SQL expression of the sort column (qualified). */
  column: string;
  direction: 'asc' | 'desc';
  /** SQL type of the column's values (a `date` is read as 'YYYY-MM-DD'), used to validate decoded cursors. */
  kind: SortKind;
  /** Reads the sort value from a result row. */
  key: (row: Record<string, unknown>) => SortKey;
}

interface CursorPayload {
  s: string;
  k: [SortKey, number];
}

/** Integer kinds: PostgreSQL's ranges; bigint keys travel as JSON numbers, so only the safe ones. */
const INTEGER_RANGES: Record<Exclude<SortKind, 'text' | 'date'>, [min: number, max: number]> = {
  smallint: [-32_768, 32_767],
  integer: [-2_147_483_648, 2_147_483_647],
  bigint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
/** Paged tables have `serial` primary keys. */
const MAX_ROW_ID = 2_147_483_647;
/** Longer than any name a sort reads (names are at most 200 characters). */
const MAX_TEXT_KEY_LENGTH = 300;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day from year 1 (PostgreSQL has no year 0) to 9999, written as the API writes dates. */
function isIsoDate(value: string): boolean {
  const parts = ISO_DATE.exec(value);
  if (parts === null || Number(parts[1]) < 1) return false;
  const day = new Date(0);
  day.setUTCFullYear(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
  return day.getUTCFullYear() === Number(parts[1]) && day.getUTCMonth() === Number(parts[2]) - 1 && day.getUTCDate() === Number(parts[3]);
}

/** Whether `key` is a value of a column of `kind`, one PostgreSQL takes as a parameter of that type. */
function isKeyOf(kind: SortKind, key: unknown): key is SortKey {
  if (kind === 'text') return typeof key === 'string' && key.length <= MAX_TEXT_KEY_LENGTH && findUnstorable(key, '') === null;
  if (kind === 'date') return typeof key === 'string' && isIsoDate(key);
  const [min, max] = INTEGER_RANGES[kind];
  return Number.isSafeInteger(key) && (key as number) >= min && (key as number) <= max;
}

const isRowId = (id: unknown): id is number => Number.isSafeInteger(id) && (id as number) >= 1 && (id as number) <= MAX_ROW_ID;

export function encodeCursor(sortName: string, key: SortKey, id: number): string {
  return Buffer.from(JSON.stringify({ s: sortName, k: [key, id] } satisfies CursorPayload)).toString('base64url');
}

export function decodeCursor(cursor: string, sortName: string, spec: SortSpec): [SortKey, number] {
  const invalid = () => new AppError('INVALID_CURSOR', 'cursor is malformed or belongs to a different sort; start again without it');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof payload !== 'object' || payload === null) throw invalid();
  const { s, k } = payload as Partial<CursorPayload>;
  if (s !== sortName || !Array.isArray(k) || k.length !== 2) throw invalid();
  const [key, id] = k;
  if (!isKeyOf(spec.kind, key) || !isRowId(id)) throw invalid();
  return [key, id];
}

export interface PageRequest {
  page: number;
  limit: number;
  cursor?: string;
}

export function buildPagination(request: PageRequest, total: number, hasNext: boolean, nextCursor: string | null): Pagination {
  const byCursor = request.cursor !== undefined;
  return {
    page: byCursor ? null : request.page,
    limit: request.limit,
    total,
    pages: Math.ceil(total / request.limit),
    hasNext,
    hasPrev: byCursor || request.page > 1,
    nextCursor,
  };
}

/** Keeps only the requested properties of each item (`fields=`); all of them when none were asked for. */
export function project<T extends object>(items: T[], fields: string | undefined): Partial<T>[] {
  if (fields === undefined) return items;
  // In the item's own order, whatever order the fields were asked in: one answer per set of fields.
  const keep = new Set(fields.split(','));
  return items.map((item) => Object.fromEntries(Object.entries(item).filter(([name]) => keep.has(name))) as Partial<T>);
}
