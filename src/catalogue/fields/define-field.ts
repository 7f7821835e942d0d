/**
 * The shape of a catalogue field: one entry says what a brand, model or variant field is (its column, type,
 * bounds, unit, label, group) and what it takes part in (public answers, spec sheet, key specs, filters,
 * admin editing and bulk import). Schemas, SELECT lists, spec sheets, admin resources, the importer and the
 * seed loader derive from these entries (./derive.ts), so a new field is declared once.
 */
import { Type, type TInteger, type TNumber, type TSchema, type TString } from '@sinclair/typebox';
import { StringEnum } from '../../lib/schemas.js';

/** How the value is stored: the type the importer and seed loader cast to, and the Drizzle column's type. */
export type SqlType = 'smallint' | 'integer' | 'float8' | 'text' | 'date';

/** Spec sheet groups, in display order. */
export const SPEC_GROUPS = ['Price', 'Engine & transmission', 'Efficiency', 'Dimensions & capacity', 'Safety'] as const;
export type SpecGroupName = (typeof SPEC_GROUPS)[number];

/** Where a field appears in public answers: list items and details, details only, or neither. */
export type ApiPlace = 'summary' | 'detail' | 'none';

/** The stored type and the bounded TypeBox schema of a field's (non-null) value. */
export interface FieldValue<S extends TSchema = TSchema> {
  sqlType: SqlType;
  schema: S;
  /** Free text: cleaned and refused when it holds markup, on every write. */
  plainText: boolean;
}

/** A list filter on a field: `param` (e.g. `safetyMin`) keeps rows whose value is at least the given one. */
export interface MinFilter {
  param: string;
  description: string;
}

export interface FieldDef {
  /** camelCase name in answers, admin input, import rows and seed files; stamped by `defineFields`. */
  key: string;
  /** snake_case column of the entity's table. */
  column: string;
  value: FieldValue;
  nullable: boolean;
  api: ApiPlace;
  /** Must be given when a row is created (admin create, bulk import); defaults to `!nullable`. */
  required: boolean;
  /** Written by the admin API and the bulk import; false for columns derived by triggers. */
  editable: boolean;
  /** SQL value the bulk import writes when an optional, non-null field is left out (its column default). */
  fallback: string | null;
  label: string;
  unit: string | null;
  /** Spec sheet group (SPEC_GROUPS). */
  group: SpecGroupName | null;
  /** A row of the spec sheet (variant page) and of the comparison. */
  specSheet: boolean;
  /** A min-max range in the model page's key specs (variant fields). */
  keySpec: boolean;
  filter: MinFilter | null;
  /** Fields sharing this name are null together or set together (the crash test); a CHECK constraint agrees. */
  together: string | null;
  description: string | null;
}

/** What a registry entry must state; the rest (FieldOptions) has defaults. */
export type FieldInput = Pick<FieldDef, 'column' | 'value' | 'nullable' | 'api' | 'label'> & Partial<FieldOptions>;
type FieldOptions = Omit<FieldDef, 'key' | 'column' | 'value' | 'nullable' | 'api' | 'label'>;

const DEFAULTS = {
  editable: true,
  fallback: null,
  unit: null,
  group: null,
  specSheet: false,
  keySpec: false,
  filter: null,
  together: null,
  description: null,
} satisfies Omit<FieldOptions, 'required'>;

/**
 * One field, its literal types kept (nullable, api place, filter parameter) so that schemas derived from it
 * are typed; the unlisted parts default to: required unless nullable, editable, no fallback, unit, group,
 * spec sheet row, key spec or filter.
 */
export function field<const I extends FieldInput>(input: I): Omit<typeof DEFAULTS & { key: string; required: boolean }, keyof I> & I {
  return { key: '', required: !input.nullable, ...DEFAULTS, ...input };
}

/** A registry: every field stamped with its key, in declaration order (the order of the API's properties). */
export function defineFields<const F extends Record<string, FieldDef>>(fields: F): { [K in keyof F]: F[K] & { key: K } } {
  for (const [key, def] of Object.entries(fields)) {
    if (def.column !== key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)) throw new Error(`field ${key}: column ${def.column} is not its snake_case name`);
    def.key = key;
  }
  return fields as { [K in keyof F]: F[K] & { key: K } };
}

/** Whole numbers in [min, max], stored as `smallint` or `integer`. */
export const integer = (minimum: number, maximum: number, sqlType: 'smallint' | 'integer' = 'integer'): FieldValue<TInteger> => ({
  sqlType,
  schema: Type.Integer({ minimum, maximum }),
  plainText: false,
});

/** Decimal figures in [min, max], stored as `double precision`. */
export const decimal = (minimum: number, maximum: number): FieldValue<TNumber> => ({ sqlType: 'float8', schema: Type.Number({ minimum, maximum }), plainText: false });

/** One of a closed vocabulary (src/catalogue/vocabulary.ts). */
export const oneOf = <const T extends readonly string[]>(values: T) => ({ sqlType: 'text' as const, schema: StringEnum(values), plainText: false });

/** Free text of at most `maxLength` characters (plain text: markup is refused). */
export const text = (maxLength: number, minLength = 1): FieldValue<TString> => ({ sqlType: 'text', schema: Type.String({ minLength, maxLength }), plainText: true });

/** A formatted string (a colour, a pattern-checked code), stored as text and taken as it is. */
export const pattern = (regex: string): FieldValue<TString> => ({ sqlType: 'text', schema: Type.String({ pattern: regex }), plainText: false });

/** A calendar date, YYYY-MM-DD. */
export const isoDate = (): FieldValue<TString> => ({
  sqlType: 'date',
  schema: Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
  plainText: false,
});
