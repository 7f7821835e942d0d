import type { SortKind } from '../../lib/pagination.js';
import type { Params } from '../../lib/sql.js';
import { query, type Executor } from '../../platform/db.js';
import { sqlFacets, type FacetCounts, type FacetName } from '../facets.js';
import type { CatalogueFilters, CatalogueSort, CatalogueSortSpec } from '../filters.js';
import { CRASH_TEST_FIELDS, fieldsIn, pickFields, selectList, VARIANT_FIELDS } from '../fields/index.js';
import { fieldFilterConditions } from '../field-filters.js';
import { runList, type ListTable } from '../list-query.js';
import type { VariantDetail, VariantSummary } from './schemas.js';

type Flat = Omit<VariantSummary, 'model' | 'brand'>;
export type VariantRow = Flat & { id: number; modelId: number; modelSlug: string; modelName: string; brandSlug: string; brandName: string };
/** A detail row also carries its model's crash-test fields (the spec sheet's Safety group). */
export type VariantDetailRow = VariantRow & Omit<VariantDetail, keyof VariantSummary | 'specSheet'> & Record<(typeof CRASH_TEST_FIELDS)[number]['key'], string | number | null>;

const SUMMARY_FIELDS = fieldsIn(VARIANT_FIELDS, 'summary');

const SUMMARY_COLUMNS = `t.id, t.model_id AS "modelId", t.slug, t.name, t.search_name AS "fullName",
  m.slug AS "modelSlug", m.name AS "modelName", b.slug AS "brandSlug", b.name AS "brandName",
  t.body_type AS "bodyType", t.status, ${selectList(SUMMARY_FIELDS, 't')}, t.popularity, t.launch_date AS "launchDate"`;

/** The variant's details, and its model's crash test (shown on its spec sheet; the adult stars are its `safetyRating`). */
const DETAIL_COLUMNS = `${SUMMARY_COLUMNS}, ${selectList(fieldsIn(VARIANT_FIELDS, 'detail'), 't')},
  m.crash_test_adult_stars AS "safetyRating", ${selectList(CRASH_TEST_FIELDS, 'm')}, t.colours, t.features`;

const FROM = 'variants t JOIN models m ON m.id = t.model_id JOIN brands b ON b.id = t.brand_id';

const sort = (column: string, direction: 'asc' | 'desc', kind: SortKind, field: string): CatalogueSortSpec => ({
  column,
  direction,
  kind,
  field,
  key: (row) => row[field] as string | number,
});

const VARIANT_SORTS: Record<CatalogueSort, CatalogueSortSpec> = {
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
  where.push(...fieldFilterConditions(f, params, 'variants'));
  return where;
}

const VARIANT_TABLE: ListTable<CatalogueFilters> = { from: FROM, countFrom: 'variants t', columns: SUMMARY_COLUMNS, conditions: variantConditions, sorts: VARIANT_SORTS };

/** What the read model (catalogue/read-model/) selects to hold this list's rows, and the list's sorts. */
export const VARIANT_LIST_SOURCE = { columns: SUMMARY_COLUMNS, from: FROM, sorts: VARIANT_SORTS };

export function createVariantRepository(db: Executor) {
  return {
    list(filters: CatalogueFilters, executor: Executor = db) {
      return runList<VariantRow, CatalogueFilters>(executor, VARIANT_TABLE, filters);
    },

    /** Facet counts under the filters (PostgreSQL's answer; the read model's is read-model/list-view.ts). */
    facets(filters: CatalogueFilters, names: readonly FacetName[], executor: Executor = db): Promise<FacetCounts> {
      return sqlFacets(executor, 'variants', filters, names, variantConditions);
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
    ...pickFields<Omit<VariantSummary, 'slug' | 'name' | 'fullName' | 'model' | 'brand' | 'bodyType' | 'status'>>(row, SUMMARY_FIELDS),
  };
}
