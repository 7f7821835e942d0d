/**
 * What the rest of the code derives from a field registry: TypeBox properties for answers and admin input,
 * SELECT lists, the row → answer copy, column values for writes, and json_to_recordset column lists for
 * the bulk import and the seed loader.
 */
import { Type, type TNull, type TOptional, type TSchema, type TUnion } from '@sinclair/typebox';
import { plainText } from '../../content/text.js';
import type { ApiPlace, FieldDef } from './define-field.js';

/** A field registry as `defineFields` returns it. */
export type Fields = Record<string, FieldDef>;

/** The schema of a field's value in answers and writes: its value schema, or null too. */
export type ValueSchema<F> = F extends { value: { schema: infer S extends TSchema }; nullable: infer N } ? (N extends true ? TUnion<[S, TNull]> : S) : never;

/** Keys of the fields shown in `place`; `summary` fields are shown in details too. */
export type KeysIn<F extends Fields, P extends ApiPlace> = { [K in keyof F]: F[K]['api'] extends P ? K : never }[keyof F];

const valueSchema = (def: FieldDef): TSchema => {
  const options = def.description === null ? {} : { description: def.description };
  return def.nullable ? Type.Union([def.value.schema, Type.Null()], options) : ({ ...def.value.schema, ...options } as TSchema);
};

/**
 * The schema of a field's value in admin and import input. A nullable one is a single schema whose type
 * includes null (`type: ['integer', 'null']`), not a union: the admin API's Ajv coerces types, and in a
 * union `null` is coerced to 0 by the integer branch before the null branch is tried (a cleared star
 * rating would be stored as 0 stars).
 */
const writeSchema = (def: FieldDef): TSchema => {
  // The title is the admin form's label.
  const title = def.unit === null || def.unit === 'INR' ? def.label : `${def.label} (${def.unit})`;
  const schema = { ...def.value.schema, title, ...(def.description === null ? {} : { description: def.description }) } as TSchema;
  if (!def.nullable) return schema;
  const values = schema.enum as unknown[] | undefined;
  return Type.Unsafe({ ...schema, type: [schema.type as string, 'null'], ...(values ? { enum: [...values, null] } : {}) });
};

/** The fields of `fields` shown in `place`, in declaration order. */
export function fieldsIn(fields: Fields, place: ApiPlace): FieldDef[] {
  return Object.values(fields).filter((def) => def.api === place);
}

/** TypeBox properties of the fields shown in `place` (answers), in declaration order. */
export function apiProperties<F extends Fields, P extends ApiPlace>(fields: F, place: P): { [K in KeysIn<F, P>]: ValueSchema<F[K]> } {
  return Object.fromEntries(fieldsIn(fields, place).map((def) => [def.key, valueSchema(def)])) as { [K in KeysIn<F, P>]: ValueSchema<F[K]> };
}

type EditableKeys<F extends Fields> = { [K in keyof F]: F[K]['editable'] extends false ? never : K }[keyof F];

/** TypeBox properties of the editable fields, all present (an admin view or update; see writeSchema). */
export function writableProperties<F extends Fields>(fields: F): { [K in EditableKeys<F>]: ValueSchema<F[K]> } {
  const editable = Object.values(fields).filter((def) => def.editable);
  return Object.fromEntries(editable.map((def) => [def.key, writeSchema(def)])) as { [K in EditableKeys<F>]: ValueSchema<F[K]> };
}

/** TypeBox properties of the editable fields for a create: the required ones required, the rest optional (see writeSchema). */
export function createProperties<F extends Fields>(fields: F): { [K in EditableKeys<F>]: ValueSchema<F[K]> | TOptional<ValueSchema<F[K]>> } {
  const editable = Object.values(fields).filter((def) => def.editable);
  return Object.fromEntries(editable.map((def) => [def.key, def.required ? writeSchema(def) : Type.Optional(writeSchema(def))])) as {
    [K in EditableKeys<F>]: ValueSchema<F[K]>;
  };
}

/** `alias.column AS "key"` for each field (the bare column when the names agree), comma-separated. */
export function selectList(defs: readonly FieldDef[], alias: string): string {
  return defs.map((def) => (def.column === def.key ? `${alias}.${def.column}` : `${alias}.${def.column} AS "${def.key}"`)).join(', ');
}

/** Copies the fields shown in `place` from a row selected with `selectList`, in declaration order. */
export function pickFields<T>(row: Record<string, unknown>, defs: readonly FieldDef[]): T {
  const out: Record<string, unknown> = {};
  for (const def of defs) out[def.key] = row[def.key] ?? null;
  return out as T;
}

/** Column values of the editable fields present in `input` (an admin write): plain text cleaned, markup refused. */
export function columnValues(fields: Fields, input: Record<string, unknown>): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const def of Object.values(fields)) {
    if (!def.editable || !(def.key in input)) continue;
    const value = input[def.key];
    columns[def.column] = def.value.plainText && typeof value === 'string' ? plainText(def.key, value) : value;
  }
  return columns;
}

/** The editable fields, as written by the bulk import and the seed loader. */
export function editableFields(fields: Fields): FieldDef[] {
  return Object.values(fields).filter((def) => def.editable);
}

/** `"key" sqltype` for each field: the column list of `json_to_recordset(...) AS r(...)`. */
export function recordsetColumns(defs: readonly FieldDef[]): string {
  return defs.map((def) => `"${def.key}" ${def.value.sqlType}`).join(', ');
}

/** `r."key"` for each field (or its fallback when left out): the values of an INSERT ... SELECT from that recordset. */
export function recordsetValues(defs: readonly FieldDef[]): string {
  return defs.map((def) => (def.fallback === null ? `r."${def.key}"` : `coalesce(r."${def.key}", ${def.fallback})`)).join(', ');
}

/** The column names, comma-separated (an INSERT's column list). */
export function columnList(defs: readonly FieldDef[]): string {
  return defs.map((def) => def.column).join(', ');
}

/** `column = EXCLUDED.column` for each field (an upsert's update list). */
export function excludedUpdates(defs: readonly FieldDef[]): string {
  return defs.map((def) => `${def.column} = EXCLUDED.${def.column}`).join(', ');
}

/**
 * The first field of a `together` set that `row` leaves null while giving another of the set, with why;
 * null when every set is complete or absent. For whole records (an import row, a seed model).
 */
export function incompleteSet(fields: Fields, row: Record<string, unknown>): { field: string; message: string } | null {
  const sets = new Map<string, FieldDef[]>();
  for (const def of Object.values(fields)) if (def.together !== null) sets.set(def.together, [...(sets.get(def.together) ?? []), def]);
  for (const [name, defs] of sets) {
    const missing = defs.filter((def) => row[def.key] === undefined || row[def.key] === null);
    if (missing.length > 0 && missing.length < defs.length) {
      return { field: missing[0]!.key, message: `the ${name} fields (${defs.map((def) => def.key).join(', ')}) are given all together or not at all` };
    }
  }
  return null;
}
