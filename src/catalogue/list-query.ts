/**
 * Runs a filtered, sorted, paginated list over one catalogue table: the page (offset or keyset) and the
 * total are two prepared statements sharing one WHERE clause. Sorts always end in the primary key, so the
 * order is total and a keyset cursor is exact.
 */
import { AppError } from '../errors.js';
import { buildPagination, decodeCursor, encodeCursor, type SortSpec } from '../lib/pagination.js';
import { MAX_OFFSET_ROWS, type Pagination } from '../lib/schemas.js';
import { Params } from '../lib/sql.js';
import { query, type Executor } from '../platform/db.js';

/** What every list request carries: a named sort and page or cursor. */
export interface ListRequest {
  sort: string;
  page: number;
  limit: number;
  cursor?: string;
}

export interface ListTable<F extends ListRequest> {
  /** FROM clause of the page query; the listed table's alias is `t`. */
  from: string;
  /** FROM clause of the total: the listed table alone, since every condition is on `t` (no join to plan). */
  countFrom: string;
  columns: string;
  /** WHERE conditions for the filters (the caller adds the soft-delete condition). */
  conditions(filters: F, params: Params): string[];
  sorts: Record<F['sort'], SortSpec>;
}

export interface ListResult<Row> {
  rows: Row[];
  pagination: Pagination;
}

/** The last page offset paging reaches at `limit` rows a page (links past it would answer 400). */
export function lastOffsetPage(limit: number): number {
  return Math.floor(MAX_OFFSET_ROWS / limit) + 1;
}

/** Rows before the requested page; a 400 past MAX_OFFSET_ROWS, before any statement runs. */
export function offsetOf(request: ListRequest): number {
  if (request.cursor !== undefined) return 0;
  const offset = (request.page - 1) * request.limit;
  if (offset <= MAX_OFFSET_ROWS) return offset;
  const message =
    `page ${request.page} of ${request.limit} starts after row ${offset}, and offset paging stops at row ${MAX_OFFSET_ROWS} ` +
    `(page ${lastOffsetPage(request.limit)} at this limit): to read further, follow pagination.nextCursor with the cursor parameter`;
  throw new AppError('VALIDATION_FAILED', message, [{ in: 'querystring', field: 'page', message }]);
}

export async function runList<Row extends { id: number }, F extends ListRequest>(
  executor: Executor,
  table: ListTable<F>,
  filters: F,
): Promise<ListResult<Row>> {
  const params = new Params();
  const conditions = ['t.deleted_at IS NULL', ...table.conditions(filters, params)];
  const countParams = params.values.length;
  const spec = table.sorts[filters.sort as F['sort']];
  const op = spec.direction === 'asc' ? '>' : '<';
  const offset = offsetOf(filters);
  const pageConditions = [...conditions];
  if (filters.cursor !== undefined) {
    const [key, id] = decodeCursor(filters.cursor, filters.sort, spec);
    pageConditions.push(`(${spec.column}, t.id) ${op} (${params.add(key)}, ${params.add(id)})`);
  }
  const direction = spec.direction === 'asc' ? 'ASC' : 'DESC';
  const pageText = `SELECT ${table.columns} FROM ${table.from} WHERE ${pageConditions.join(' AND ')}
    ORDER BY ${spec.column} ${direction}, t.id ${direction} LIMIT ${params.add(filters.limit + 1)} OFFSET ${params.add(offset)}`;
  const countText = `SELECT count(*)::int AS total FROM ${table.countFrom} WHERE ${conditions.join(' AND ')}`;

  const [rows, counted] = await Promise.all([
    query<Row>(executor, pageText, params.values),
    query<{ total: number }>(executor, countText, params.values.slice(0, countParams)),
  ]);
  const hasNext = rows.length > filters.limit;
  const pageRows = hasNext ? rows.slice(0, filters.limit) : rows;
  const last = pageRows.at(-1);
  const nextCursor = hasNext && last ? encodeCursor(filters.sort, spec.key(last), last.id) : null;
  return { rows: pageRows, pagination: buildPagination(filters, counted[0]?.total ?? 0, hasNext, nextCursor) };
}
