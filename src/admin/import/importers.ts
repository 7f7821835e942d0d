/**
 * What a bulk import writes, per entity: rows are whole records keyed by slug (a new slug is created, a
 * known one is replaced and undeleted), upserted in chunks through json_to_recordset, one statement per
 * chunk, references (brand or model slug) resolved in SQL after being checked.
 */
import { brandChanged, modelChanged, variantChanged } from '../../catalogue/cache-tags.js';
import {
  BRAND_FIELDS,
  columnList,
  editableFields,
  excludedUpdates,
  MODEL_FIELDS,
  recordsetColumns,
  recordsetValues,
  VARIANT_FIELDS,
  type FieldDef,
  type Fields,
} from '../../catalogue/fields/index.js';
import type { ResourceSpec } from '../resources/resource.js';
import { brandsResource } from '../resources/specs/brands.js';
import { modelsResource } from '../resources/specs/models.js';
import { variantsResource } from '../resources/specs/variants.js';

export const IMPORT_ENTITIES = ['brands', 'models', 'variants'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];

export interface Importer {
  spec: ResourceSpec;
  /** The entity's field registry (rules across fields, such as the crash test's all-or-none). */
  fields: Fields;
  /** Fields of plain text (markup refused). */
  textFields: string[];
  /** A field naming a parent by slug, and the parent's table. */
  reference?: { field: string; table: 'brands' | 'models' };
  /** The stored rows' current parent slug (`parent`) and brand slug (`brand`), for slugs `$1` (text[]). */
  current?: string;
  /** Upserts `$1` (a JSON array of rows), returning `inserted` per row. */
  upsert: string;
  /** Tags a row's change invalidates; `brandOf` gives the brand slug of the row's parent reference. */
  tags(row: Record<string, unknown>, brandOf: (parentSlug: string) => string): string[];
}

/** The registry's editable fields of each entity: the typed columns every import row is read as, and written to. */
const BRAND = editableFields(BRAND_FIELDS);
const MODEL = editableFields(MODEL_FIELDS);
const VARIANT = editableFields(VARIANT_FIELDS);
const plainTextKeys = (defs: FieldDef[]) => defs.filter((def) => def.value.plainText).map((def) => def.key);

export const IMPORTERS: Record<ImportEntity, Importer> = {
  brands: {
    spec: brandsResource,
    fields: BRAND_FIELDS,
    textFields: ['name', ...plainTextKeys(BRAND)],
    upsert: `INSERT INTO brands (slug, name, ${columnList(BRAND)})
      SELECT r.slug, r.name, ${recordsetValues(BRAND)} FROM json_to_recordset($1::json) AS r(slug text, name text, ${recordsetColumns(BRAND)})
      ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, ${excludedUpdates(BRAND)}, deleted_at = NULL, version = brands.version + 1, updated_at = now()
      RETURNING (xmax = 0) AS inserted`,
    tags: (row) => brandChanged(String(row.slug)),
  },
  models: {
    spec: modelsResource,
    fields: MODEL_FIELDS,
    textFields: ['name', ...plainTextKeys(MODEL)],
    reference: { field: 'brand', table: 'brands' },
    current: 'SELECT m.slug, b.slug AS parent, b.slug AS brand FROM models m JOIN brands b ON b.id = m.brand_id WHERE m.slug = ANY($1::text[])',
    upsert: `INSERT INTO models (brand_id, slug, name, ${columnList(MODEL)}, colours, features)
      SELECT b.id, r.slug, r.name, ${recordsetValues(MODEL)}, coalesce(r.colours, '[]'), ARRAY(SELECT json_array_elements_text(coalesce(r.features, '[]')))
        FROM json_to_recordset($1::json) AS r(slug text, brand text, name text, ${recordsetColumns(MODEL)}, colours jsonb, features json)
        JOIN brands b ON b.slug = r.brand
      ON CONFLICT (slug) DO UPDATE SET brand_id = EXCLUDED.brand_id, name = EXCLUDED.name, ${excludedUpdates(MODEL)},
        colours = EXCLUDED.colours, features = EXCLUDED.features, deleted_at = NULL, version = models.version + 1, updated_at = now()
      RETURNING (xmax = 0) AS inserted`,
    tags: (row) => modelChanged(String(row.slug), String(row.brand)),
  },
  variants: {
    spec: variantsResource,
    fields: VARIANT_FIELDS,
    textFields: ['name', ...plainTextKeys(VARIANT)],
    reference: { field: 'model', table: 'models' },
    current: `SELECT v.slug, m.slug AS parent, b.slug AS brand
      FROM variants v JOIN models m ON m.id = v.model_id JOIN brands b ON b.id = m.brand_id WHERE v.slug = ANY($1::text[])`,
    upsert: `INSERT INTO variants (model_id, slug, name, ${columnList(VARIANT)}, colours, features)
      SELECT m.id, r.slug, r.name, ${recordsetValues(VARIANT)}, coalesce(r.colours, '[]'),
             ARRAY(SELECT json_array_elements_text(coalesce(r.features, '[]')))
        FROM json_to_recordset($1::json) AS r(slug text, model text, name text, ${recordsetColumns(VARIANT)}, colours jsonb, features json)
        JOIN models m ON m.slug = r.model
      ON CONFLICT (slug) DO UPDATE SET model_id = EXCLUDED.model_id, name = EXCLUDED.name, ${excludedUpdates(VARIANT)},
        colours = EXCLUDED.colours, features = EXCLUDED.features, deleted_at = NULL, version = variants.version + 1, updated_at = now()
      RETURNING (xmax = 0) AS inserted`,
    tags: (row, brandOf) => variantChanged(String(row.slug), String(row.model), brandOf(String(row.model))),
  },
};
