/**
 * What an admin resource is (brands, models, variants, images, articles, comparisons): its table, the
 * view it answers with, the TypeBox schemas of create and update bodies, how validated input becomes
 * column values, and which cache tags a change to a row invalidates. One generic set of routes
 * (resource-routes.ts) and one repository (resource-repository.ts) serve them all.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import type { Permission } from '../permissions.js';
import type { Executor } from '../../platform/db.js';

// A type alias, not an interface: the route schemas' inferred types need an index signature.
export type ResourceView = {
  id: number;
  version: number;
  deletedAt: string | null;
};

export interface ListFilter {
  /** Query-string schema of the filter value. */
  schema: TSchema;
  /** SQL condition on the table (alias `t`), with `$` placeholders from `param`. */
  condition(param: (value: unknown) => string, value: unknown): string;
}

export interface ResourceSpec<V extends ResourceView = ResourceView> {
  /** URL segment under /api/admin, e.g. `brands`. */
  path: string;
  /** Singular name in messages and the audit log, e.g. `brand`. */
  entity: string;
  table: string;
  read: Permission;
  write: Permission;
  View: TObject;
  Create: TObject;
  Update: TObject;
  /** `SELECT … FROM <table> t [JOIN …]` producing the View's fields (camelCase aliases). */
  select: string;
  /** Columns `?q=` matches (case-insensitive substring). */
  search: string[];
  filters?: Record<string, ListFilter>;
  /**
   * Validated input → column values (only the fields present). `current` is the row before an update,
   * null on create. Resolves references (slugs → ids) and cleans text; throws AppError for bad input.
   */
  toColumns(input: Record<string, unknown>, tx: Executor, current: V | null): Promise<Record<string, unknown>>;
  /** Writes dependent rows (join tables) after the row itself. */
  afterWrite?(tx: Executor, id: number, input: Record<string, unknown>): Promise<void>;
  /** Refuses a delete that would orphan live rows (throw REFERENCE_IN_USE). */
  beforeDelete?(tx: Executor, view: V): Promise<void>;
  /** Refuses a restore that would put a live row under a deleted parent (throw REFERENCE_IN_USE). */
  beforeRestore?(tx: Executor, view: V): Promise<void>;
  /** Cache tags that answers showing this row carry. */
  tags(view: V): string[];
}

/** Narrows a spec's view type for the generic code, which only needs the common fields. */
export const defineResource = <V extends ResourceView>(spec: ResourceSpec<V>): ResourceSpec<ResourceView> => spec as unknown as ResourceSpec<ResourceView>;
