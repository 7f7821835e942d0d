/**
 * What a bulk import writes, per entity: rows are whole records keyed by slug (a new slug is created, a
 * known one is replaced and undeleted), upserted in chunks through json_to_recordset, one statement per
 * chunk, references (brand or model slug) resolved in SQL after being checked.
 */
import { brandChanged, modelChanged, variantChanged } from '../../catalogue/cache-tags.js';
import type { ResourceSpec } from '../resources/resource.js';
import { brandsResource } from '../resources/specs/brands.js';
import { modelsResource } from '../resources/specs/models.js';
import { variantsResource } from '../resources/specs/variants.js';

export const IMPORT_ENTITIES = ['brands', 'models', 'variants'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];

export interface Importer {
  spec: ResourceSpec;
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

const BRAND_COLUMNS = `r.slug, r.name, r.country, r."foundedYear", r.colour, coalesce(r.description, '')`;

const VARIANT_FIELDS: [string, string, string][] = [
  ['name', 'name', 'text'], ['priceInr', 'price_inr', 'integer'], ['fuel', 'fuel', 'text'], ['transmission', 'transmission', 'text'],
  ['seats', 'seats', 'smallint'], ['drivetrain', 'drivetrain', 'text'], ['airbags', 'airbags', 'smallint'], ['engineCc', 'engine_cc', 'integer'],
  ['powerBhp', 'power_bhp', 'float8'], ['torqueNm', 'torque_nm', 'float8'], ['mileageKmpl', 'mileage_kmpl', 'float8'], ['rangeKm', 'range_km', 'integer'],
  ['batteryKwh', 'battery_kwh', 'float8'], ['lengthMm', 'length_mm', 'integer'], ['widthMm', 'width_mm', 'integer'], ['heightMm', 'height_mm', 'integer'],
  ['wheelbaseMm', 'wheelbase_mm', 'integer'], ['groundClearanceMm', 'ground_clearance_mm', 'integer'], ['bootLitres', 'boot_litres', 'integer'],
  ['kerbWeightKg', 'kerb_weight_kg', 'integer'], ['safetyRating', 'safety_rating', 'smallint'],
];

export const IMPORTERS: Record<ImportEntity, Importer> = {
  brands: {
    spec: brandsResource,
    textFields: ['name', 'country', 'description'],
    upsert: `INSERT INTO brands (slug, name, country, founded_year, colour, description)
      SELECT ${BRAND_COLUMNS} FROM json_to_recordset($1::json)
        AS r(slug text, name text, country text, "foundedYear" smallint, colour text, description text)
      ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, country = EXCLUDED.country, founded_year = EXCLUDED.founded_year,
        colour = EXCLUDED.colour, description = EXCLUDED.description, deleted_at = NULL, version = brands.version + 1, updated_at = now()
      RETURNING (xmax = 0) AS inserted`,
    tags: (row) => brandChanged(String(row.slug)),
  },
  models: {
    spec: modelsResource,
    textFields: ['name', 'segment', 'description'],
    reference: { field: 'brand', table: 'brands' },
    current: 'SELECT m.slug, b.slug AS parent, b.slug AS brand FROM models m JOIN brands b ON b.id = m.brand_id WHERE m.slug = ANY($1::text[])',
    upsert: `INSERT INTO models (brand_id, slug, name, body_type, segment, launch_date, status, popularity, description, colours, features)
      SELECT b.id, r.slug, r.name, r."bodyType", r.segment, r."launchDate", r.status, coalesce(r.popularity, 0), coalesce(r.description, ''),
             coalesce(r.colours, '[]'), ARRAY(SELECT json_array_elements_text(coalesce(r.features, '[]')))
        FROM json_to_recordset($1::json) AS r(slug text, brand text, name text, "bodyType" text, segment text, "launchDate" date, status text,
             popularity smallint, description text, colours jsonb, features json)
        JOIN brands b ON b.slug = r.brand
      ON CONFLICT (slug) DO UPDATE SET brand_id = EXCLUDED.brand_id, name = EXCLUDED.name, body_type = EXCLUDED.body_type, segment = EXCLUDED.segment,
        launch_date = EXCLUDED.launch_date, status = EXCLUDED.status, popularity = EXCLUDED.popularity, description = EXCLUDED.description,
        colours = EXCLUDED.colours, features = EXCLUDED.features, deleted_at = NULL, version = models.version + 1, updated_at = now()
      RETURNING (xmax = 0) AS inserted`,
    tags: (row) => modelChanged(String(row.slug), String(row.brand)),
  },
  variants: {
    spec: variantsResource,
    textFields: ['name'],
    reference: { field: 'model', table: 'models' },
    current: `SELECT v.slug, m.slug AS parent, b.slug AS brand
      FROM variants v JOIN models m ON m.id = v.model_id JOIN brands b ON b.id = m.brand_id WHERE v.slug = ANY($1::text[])`,
    upsert: `INSERT INTO variants (model_id, slug, ${VARIANT_FIELDS.map(([, c]) => c).join(', ')}, colours, features)
      SELECT m.id, r.slug, ${VARIANT_FIELDS.map(([f]) => `r."${f}"`).join(', ')}, coalesce(r.colours, '[]'),
             ARRAY(SELECT json_array_elements_text(coalesce(r.features, '[]')))
        FROM json_to_recordset($1::json) AS r(slug text, model text, ${VARIANT_FIELDS.map(([f, , t]) => `"${f}" ${t}`).join(', ')}, colours jsonb, features json)
        JOIN models m ON m.slug = r.model
      ON CONFLICT (slug) DO UPDATE SET model_id = EXCLUDED.model_id, ${VARIANT_FIELDS.map(([, c]) => `${c} = EXCLUDED.${c}`).join(', ')},
        colours = EXCLUDED.colours, features = EXCLUDED.features, deleted_at = NULL, version = variants.version + 1, updated_at = now()
      RETURNING (xmax = 0) AS inserted`,
    tags: (row, brandOf) => variantChanged(String(row.slug), String(row.model), brandOf(String(row.model))),
  },
};
