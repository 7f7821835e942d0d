/**
 * List filters declared in the field registry (a field's `filter`, e.g. `safetyMin` on a model's crash-test
 * adult stars): their query parameters, and their WHERE conditions on either list. A model-level field
 * filters variants through their model, a variant-level one filters models through any of their variants.
 */
import { Type, type TInteger, type TOptional } from '@sinclair/typebox';
import type { Params } from '../lib/sql.js';
import { MODEL_FIELDS, VARIANT_FIELDS, type FieldDef } from './fields/index.js';

type Entity = 'models' | 'variants';
type Registry = typeof MODEL_FIELDS & typeof VARIANT_FIELDS;
type FilterParam = { [K in keyof Registry]: Registry[K] extends { filter: { param: infer P extends string } } ? P : never }[keyof Registry];

interface FieldFilter {
  param: string;
  def: FieldDef;
  entity: Entity;
}

const FIELD_FILTERS: readonly FieldFilter[] = [
  ...Object.values(MODEL_FIELDS).map((def) => ({ def, entity: 'models' as const })),
  ...Object.values(VARIANT_FIELDS).map((def) => ({ def, entity: 'variants' as const })),
].flatMap(({ def, entity }) => (def.filter === null ? [] : [{ param: def.filter.param, def, entity }]));

function minimumOf(def: FieldDef): { minimum?: number; maximum?: number } {
  const { minimum, maximum } = def.value.schema as { minimum?: number; maximum?: number };
  return { ...(minimum === undefined ? {} : { minimum }), ...(maximum === undefined ? {} : { maximum }) };
}

/** The query parameters of the registry's filters (optional integers within the field's bounds). */
export const fieldFilterQuery = Object.fromEntries(
  FIELD_FILTERS.map(({ param, def }) => [param, Type.Optional(Type.Integer({ ...minimumOf(def), description: def.filter?.description ?? '' }))]),
) as { [P in FilterParam]: TOptional<TInteger> };

/** WHERE conditions (on alias `t` of `list`) for the registry filters present in `filters`. */
export function fieldFilterConditions(filters: object, params: Params, list: Entity): string[] {
  const where: string[] = [];
  for (const { param, def, entity } of FIELD_FILTERS) {
    const value = (filters as Record<string, unknown>)[param];
    if (value === undefined) continue;
    const condition = `${def.column} >= ${params.add(value)}`;
    if (entity === list) where.push(`t.${condition}`);
    else if (entity === 'models') where.push(`t.model_id IN (SELECT id FROM models WHERE ${condition})`);
    else where.push(`t.id IN (SELECT model_id FROM variants WHERE ${condition} AND deleted_at IS NULL)`);
  }
  return where;
}
