/**
 * The field registry (src/catalogue/fields) and the Drizzle tables (the database's truth) must agree: every
 * registry field is a column of its table with a compatible type and nullability, and every column is either
 * a registry field or listed here as a non-field column, with the reason. Both sides are TypeScript
 * declarations (the registry, and the Drizzle tables drizzle-kit generates migrations from), so this is a
 * unit test: it needs no database, and fails in seconds (`npm run test:unit`).
 */
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { BRAND_FIELDS, MODEL_FIELDS, VARIANT_FIELDS, type FieldDef, type SqlType } from './index.js';
import { brands, models, variants } from '../../db/schema/catalogue.js';

/** The Drizzle column type each registry storage type must have. */
const DRIZZLE_TYPE: Record<SqlType, string> = {
  smallint: 'PgSmallInt',
  integer: 'PgInteger',
  float8: 'PgDoublePrecision',
  text: 'PgText',
  date: 'PgDateString',
};

const ROW = ['id', 'created_at', 'updated_at', 'deleted_at', 'version', 'change_seq'];
/** Columns that are not catalogue fields: identity, references, search, lists, derived or copied columns. */
const NON_FIELD_COLUMNS: Record<string, string[]> = {
  brands: [...ROW, 'slug', 'name'],
  models: [
    ...ROW, 'slug', 'name', 'brand_id', 'search_name', 'search_vector', 'colours', 'features',
    // derived from the variants by trigger
    'price_min_inr', 'price_max_inr', 'price_sort_asc', 'price_sort_desc', 'fuels', 'transmissions', 'seat_options', 'variant_count',
  ],
  variants: [
    ...ROW, 'slug', 'name', 'model_id', 'search_name', 'search_vector', 'colours', 'features',
    // copies of the model's columns, kept by trigger
    'brand_id', 'body_type', 'status', 'popularity', 'launch_date',
  ],
};

const REGISTRIES: [PgTable, Record<string, FieldDef>][] = [
  [brands, BRAND_FIELDS],
  [models, MODEL_FIELDS],
  [variants, VARIANT_FIELDS],
];

/** Every disagreement between a registry and its table, each naming the field or column. */
function disagreements(table: PgTable, fields: Record<string, FieldDef>): string[] {
  const { name, columns } = getTableConfig(table);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const problems: string[] = [];
  for (const def of Object.values(fields)) {
    const column = byName.get(def.column);
    if (!column) {
      problems.push(`${name}: field ${def.key} names column ${def.column}, which the Drizzle table does not have`);
      continue;
    }
    if (column.columnType !== DRIZZLE_TYPE[def.value.sqlType]) {
      problems.push(`${name}: field ${def.key} is ${def.value.sqlType} but column ${def.column} is ${column.columnType}`);
    }
    if (column.notNull === def.nullable) {
      problems.push(`${name}: field ${def.key} is ${def.nullable ? 'nullable' : 'not nullable'} but column ${def.column} is ${column.notNull ? 'NOT NULL' : 'nullable'}`);
    }
  }
  const declared = new Set([...Object.values(fields).map((def) => def.column), ...(NON_FIELD_COLUMNS[name] ?? [])]);
  for (const column of columns) {
    if (!declared.has(column.name)) problems.push(`${name}: column ${column.name} is neither a registry field nor a listed non-field column`);
  }
  return problems;
}

describe('field registry', () => {
  it.each(REGISTRIES.map(([table, fields]) => [getTableConfig(table).name, table, fields] as const))('agrees with the Drizzle table %s', (_name, table, fields) => {
    expect(disagreements(table, fields)).toEqual([]);
  });

  it('names the field when a registry entry and its column disagree', () => {
    const wrongType = { ...VARIANT_FIELDS.bootLitres, value: { ...VARIANT_FIELDS.bootLitres.value, sqlType: 'float8' as const } };
    const notNullable = { ...VARIANT_FIELDS.priceInr, nullable: true };
    const missing = { ...VARIANT_FIELDS.seats, key: 'wheelCount', column: 'wheel_count' };
    const problems = disagreements(variants, { ...VARIANT_FIELDS, bootLitres: wrongType, priceInr: notNullable, wheelCount: missing });
    expect(problems).toEqual([
      'variants: field priceInr is nullable but column price_inr is NOT NULL',
      'variants: field bootLitres is float8 but column boot_litres is PgInteger',
      'variants: field wheelCount names column wheel_count, which the Drizzle table does not have',
    ]);
  });

  it('names a column that is neither a field nor a listed non-field column', () => {
    const { airbags: _airbags, ...withoutAirbags } = VARIANT_FIELDS;
    expect(disagreements(variants, withoutAirbags)).toEqual(['variants: column airbags is neither a registry field nor a listed non-field column']);
  });
});
