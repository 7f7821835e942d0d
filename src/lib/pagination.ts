/**
 * Offset and keyset paging. A cursor is opaque to clients: base64url JSON of the sort it belongs to and
 * the last row's sort key, checked on the way in so a forged or stale cursor is a 400, never a 500.
 */
import { AppError } from '../errors.js';
import type { Pagination } from './schemas.js';

export type SortKey = string | number;

export interface SortSpec {
  /** SQL expression of the sort column (qualified). */
  column: string;
  direction: 'asc' | 'desc';
  /** Kind of the column's values, used to validate decoded cursors. */
  kind: 'number' | 'string';
  /** Reads the sort value from a result row. */
  key: (row: Record<string, unknown>) => SortKey;
}

interface CursorPayload {
  s: string;
  k: [SortKey, number];
}

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
  if (typeof key !== spec.kind || !Number.isSafeInteger(id) || (spec.kind === 'number' && !Number.isSafeInteger(key))) throw invalid();
  if (typeof key === 'string' && key.length > 300) throw invalid();
  return [key as SortKey, id as number];
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
  const keep = fields.split(',') as (keyof T)[];
  return items.map((item) => Object.fromEntries(keep.filter((f) => f in item).map((f) => [f, item[f]])) as Partial<T>);
}
