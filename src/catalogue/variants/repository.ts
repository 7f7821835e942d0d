import type { SortKind, SortSpec } from '../../lib/pagination.js';
import type { Params } from '../../lib/sql.js';
import { query, type Executor } from '../../platform/db.js';
import type { CatalogueFilters, CatalogueSort } from '../filters.js';
import { runList, type ListTable } from '../list-query.js';
import type { VariantDetail, VariantSummary } from './schemas.js';

type Flat = Omit<VariantSummary, 'model' | 'brand'>;
export type VariantRow = Flat & { id: number; modelId: number; modelSlug: string; modelName: string; brandSlug: string; brandName: string };
export type VariantDetailRow = VariantRow & Omit<VariantDetail, keyof VariantSummary | 'specSheet'>;

const SUMMARY_COLUMNS = `t.id, t.model_id AS "modelId", t.slug, t.name, t.search_name AS "fullName",
  m.slug AS "modelSlug", m.name AS "modelName", b.slug AS "brandSlug", b.name AS "brandName",
  t.body_type AS "bodyType", t.status, t.price_inr AS "priceInr", t.fuel, t.transmission, t.engine_cc AS "engineCc",
  t.power_bhp AS "powerBhp", t.torque_nm AS "torqueNm", t.mileage_kmpl AS "mileageKmpl", t.range_km AS "rangeKm",
  t.battery_kwh AS "batteryKwh", t.seats, t.drivetrain, t.popularity, t.launch_date AS "launchDate"`;

const DETAIL_COLUMNS = `${SUMMARY_COLUMNS}, t.length_mm AS "lengthMm", t.width_mm AS "widthMm", t.height_mm AS "heightMm",
  t.wheelbase_mm AS "wheelbaseMm", t.ground_clearance_mm AS "groundClearanceMm", t.boot_litres AS "bootLitres",
  t.kerb_weight_kg AS "kerbWeightKg", t.airbags, t.safety_rating AS "safetyRating", t.colours, t.features`;

const FROM = 'variants t JOIN models m ON m.id = t.model_id JOIN brands b ON b.id = t.brand_id';

const sort = (column: string, direction: 'asc' | 'desc', kind: SortKind, field: string): SortSpec => ({
  column,
  direction,
  kind,
  key: (row) => row[field] as string | number,
});

const VARIANT_SORTS: Record<CatalogueSort, SortSpec> = {
  popularity: sort('t.popularity', 'desc', 'smallint', 'popularity'),
  price: sort('t.price_inr', 'asc', 'integer', 'priceInr'),
  '-price': sort('t.price_inr', 'desc', 'integer', 'priceInr'),
  name: sort('t.search_name', 'asc', 'text', 'fullName'),
  newest: sort('t.launch_date', 'desc', 'date', 'launchDate'),
};

function variantConditions(f: CatalogueFilters, params: Params): string[] {
  const where: string[] = [];
  if (f.brand !== undefined) where.push(`t.brand_id IN (SELECT id FROM brands WHERE slug = ANY(${params.add(f.brand.split(','))}::text[]))`);
  if (f.bodyType !== undefined) where.push(`t.body_type = ${params.add(f.bodyType)}`);
  if (f.fuel !== undefined) where.push(`t.fuel = ${params.add(f.fuel)}`);
  if (f.transmission !== undefined) where.push(`t.transmission = ${params.add(f.transmission)}`);
  if (f.seats !== undefined) where.push(`t.seats = ${params.add(f.seats)}`);
  if (f.priceMin !== undefined) where.push(`t.price_inr >= ${params.add(f.priceMin)}`);
  if (f.priceMax !== undefined) where.push(`t.price_inr <= ${params.add(f.priceMax)}`);
  if (f.status !== undefined) where.push(`t.status = ${params.add(f.status)}`);
  return where;
}

const VARIANT_TABLE: ListTable<CatalogueFilters> = { from: FROM, countFrom: 'variants t', columns: SUMMARY_COLUMNS, conditions: variantConditions, sorts: VARIANT_SORTS };

export function createVariantRepository(db: Executor) {
  return {
    list(filters: CatalogueFilters, executor: Executor = db) {
      return runList<VariantRow, CatalogueFilters>(executor, VARIANT_TABLE, filters);
    },

    async findBySlug(slug: string, executor: Executor = db): Promise<VariantDetailRow | null> {
      const rows = await query<VariantDetailRow>(executor, `SELECT ${DETAIL_COLUMNS} FROM ${FROM} WHERE t.slug = $1 AND t.deleted_at IS NULL`, [slug]);
      return rows[0] ?? null;
    },

    async findManyBySlugs(slugs: string[], executor: Executor = db): Promise<VariantDetailRow[]> {
      return query<VariantDetailRow>(executor, `SELECT ${DETAIL_COLUMNS} FROM ${FROM} WHERE t.slug = ANY($1::text[]) AND t.deleted_at IS NULL`, [slugs]);
    },

    /** A model's variants, cheapest first. */
    async listByModel(modelId: number, executor: Executor = db): Promise<VariantDetailRow[]> {
      return query<VariantDetailRow>(
        executor,
        `SELECT ${DETAIL_COLUMNS} FROM ${FROM} WHERE t.model_id = $1 AND t.deleted_at IS NULL ORDER BY t.price_inr, t.id`,
        [modelId],
      );
    },
  };
}
export type VariantRepository = ReturnType<typeof createVariantRepository>;

export function toVariantSummary(row: VariantRow): VariantSummary {
  return {
    slug: row.slug,
    name: row.name,
    fullName: row.fullName,
    model: { slug: row.modelSlug, name: row.modelName },
    brand: { slug: row.brandSlug, name: row.brandName },
    bodyType: row.bodyType,
    status: row.status,
    priceInr: row.priceInr,
    fuel: row.fuel,
    transmission: row.transmission,
    engineCc: row.engineCc,
    powerBhp: row.powerBhp,
    torqueNm: row.torqueNm,
    mileageKmpl: row.mileageKmpl,
    rangeKm: row.rangeKm,
    batteryKwh: row.batteryKwh,
    seats: row.seats,
    drivetrain: row.drivetrain,
  };
}
