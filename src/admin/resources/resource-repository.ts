/** The SQL every admin resource shares: list, find, insert, versioned update, soft delete and restore. */
import { AppError } from '../../errors.js';
import { Params } from '../../lib/sql.js';
import type { Executor } from '../../platform/db.js';
import type { ResourceSpec, ResourceView } from './resource.js';

export type DeletedFilter = 'exclude' | 'include' | 'only';

export interface ListRequest {
  q?: string;
  deleted: DeletedFilter;
  page: number;
  limit: number;
  filters: Record<string, unknown>;
}

const PG_UNIQUE_VIOLATION = '23505';
const PG_CHECK_VIOLATION = '23514';
const PG_FOREIGN_KEY_VIOLATION = '23503';

/** Turns constraint violations the input caused into 4xx answers; anything else stays a 5xx. */
export function translateDatabaseError(error: unknown, entity: string): never {
  const code = (error as { code?: string }).code;
  const constraint = (error as { constraint?: string }).constraint ?? '';
  if (code === PG_UNIQUE_VIOLATION) {
    throw new AppError('SLUG_TAKEN', `another ${entity} already uses that ${constraint.includes('email') ? 'email' : 'slug'} (deleted ones included: restore it instead)`);
  }
  if (code === PG_CHECK_VIOLATION) throw new AppError('VALIDATION_FAILED', `the ${entity} breaks the rule ${constraint}`);
  if (code === PG_FOREIGN_KEY_VIOLATION) throw new AppError('REFERENCE_IN_USE', `the ${entity} is still referenced elsewhere (${constraint})`);
  throw error;
}

export function createResourceRepository<V extends ResourceView>(spec: ResourceSpec<V>) {
  const conditions = (request: Pick<ListRequest, 'q' | 'deleted' | 'filters'>, params: Params): string[] => {
    const where: string[] = [];
    if (request.deleted === 'exclude') where.push('t.deleted_at IS NULL');
    if (request.deleted === 'only') where.push('t.deleted_at IS NOT NULL');
    if (request.q !== undefined && request.q !== '') {
      const like = params.add(`%${request.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(${spec.search.map((column) => `${column} ILIKE ${like}`).join(' OR ')})`);
    }
    for (const [name, filter] of Object.entries(spec.filters ?? {})) {
      const value = request.filters[name];
      if (value !== undefined) where.push(filter.condition((v) => params.add(v), value));
    }
    return where;
  };

  return {
    async list(executor: Executor, request: ListRequest): Promise<{ rows: V[]; total: number }> {
      const params = new Params();
      const where = conditions(request, params);
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const countValues = [...params.values];
      const page = await executor.query<V>(
        `${spec.select} ${clause} ORDER BY t.id DESC LIMIT ${params.add(request.limit)} OFFSET ${params.add((request.page - 1) * request.limit)}`,
        params.values,
      );
      const counted = await executor.query<{ total: number }>(`SELECT count(*)::int AS total FROM ${spec.table} t ${clause}`, countValues);
      return { rows: page.rows, total: counted.rows[0]?.total ?? 0 };
    },

    async find(executor: Executor, id: number, lock = false): Promise<V | null> {
      const { rows } = await executor.query<V>(`${spec.select} WHERE t.id = $1${lock ? ' FOR UPDATE OF t' : ''}`, [id]);
      return rows[0] ?? null;
    },

    async insert(tx: Executor, columns: Record<string, unknown>): Promise<number> {
      const params = new Params();
      const names = Object.keys(columns);
      const values = names.map((name) => params.add(columns[name]));
      const { rows } = await tx
        .query<{ id: number }>(`INSERT INTO ${spec.table} (${names.join(', ')}) VALUES (${values.join(', ')}) RETURNING id`, params.values)
        .catch((error: unknown) => translateDatabaseError(error, spec.entity));
      return rows[0]!.id;
    },

    /** Applies `columns` when the row is still at `version`; false otherwise. */
    async update(tx: Executor, id: number, version: number, columns: Record<string, unknown>): Promise<boolean> {
      const params = new Params();
      const sets = Object.entries(columns).map(([name, value]) => `${name} = ${params.add(value)}`);
      const { rowCount } = await tx
        .query(
          `UPDATE ${spec.table} SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
            WHERE id = ${params.add(id)} AND version = ${params.add(version)}`,
          params.values,
        )
        .catch((error: unknown) => translateDatabaseError(error, spec.entity));
      return rowCount === 1;
    },

    async setDeleted(tx: Executor, id: number, version: number, deleted: boolean): Promise<boolean> {
      const { rowCount } = await tx
        .query(
          `UPDATE ${spec.table} SET deleted_at = ${deleted ? 'now()' : 'NULL'}, version = version + 1, updated_at = now()
            WHERE id = $1 AND version = $2 AND deleted_at IS ${deleted ? 'NULL' : 'NOT NULL'}`,
          [id, version],
        )
        .catch((error: unknown) => translateDatabaseError(error, spec.entity));
      return rowCount === 1;
    },
  };
}
export type ResourceRepository<V extends ResourceView> = ReturnType<typeof createResourceRepository<V>>;
