import type { SortKind } from '../../lib/pagination.js';
import type { Params } from '../../lib/sql.js';
import { query, type Executor } from '../../platform/db.js';
import { sqlFacets, type FacetCounts, type FacetName } from '../facets.js';
import type { CatalogueFilters, CatalogueSort, CatalogueSortSpec } from '../filters.js';
import { fieldFilterConditions } from '../field-filters.js';
import { fieldsIn, MODEL_FIELDS, pickFields, selectList, type KeysIn } from '../fields/index.js';
import { runList, type ListTable } from '../list-query.js';
import type { ModelSummary } from './schemas.js';

export type ModelRow = Omit<ModelSummary, 'brand'> & {
  id: number;
  brandSlug: string;
  brandName: string;
  priceSortAsc: number;
  priceSortDesc: number;
};

export type ModelDetailRow = ModelRow & { description: string; colours: { name: string; hex: string }[]; features: string[] };

const SUMMARY_FIELDS = fieldsIn(MODEL_FIELDS, 'summary');

const SUMMARY_COLUMNS = `t.id, t.slug, t.name, b.slug AS "brandSlug", b.name AS "brandName", ${selectList(SUMMARY_FIELDS, 't')},
  t.price_min_inr AS "priceMinInr", t.price_max_inr AS "priceMaxInr", t.fuels, t.transmissions, t.seat_options AS "seatOptions",
  t.variant_count AS "variantCount", t.price_sort_asc AS "priceSortAsc", t.price_sort_desc AS "priceSortDesc"`;

const DETAIL_COLUMNS = `${SUMMARY_COLUMNS}, ${selectList(fieldsIn(MODEL_FIELDS, 'detail'), 't')}, t.colours, t.features`;

const FROM = 'models t JOIN brands b ON b.id = t.brand_id';

const sort = (column: string, direction: 'asc' | 'desc', kind: SortKind, field: keyof ModelRow): CatalogueSortSpec => ({
  column,
  direction,
  kind,
  field,
  key: (row) => row[field] as string | number,
});

const MODEL_SORTS: Record<CatalogueSort, CatalogueSortSpec> = {
  popularity: sort('t.popularity', 'desc', 'smallint', 'popularity'),
  price: sort('t.price_sort_asc', 'asc', 'integer', 'priceSortAsc'),
  '-price': sort('t.price_sort_desc', 'desc', 'integer', 'priceSortDesc'),
  name: sort('t.name', 'asc', 'text', 'name'),
  newest: sort('t.launch_date', 'desc', 'date', 'launchDate'),
};

/** A model matches a variant-level filter (fuel, transmission, seats) when any of its variants does. */
export function modelConditions(f: CatalogueFilters, params: Params): string[] {
  const where: string[] = [];
  if (f.brand !== undefined) where.push(`t.brand_id IN (SELECT id FROM brands WHERE slug = ANY(${params.add(f.brand.split(','))}::text[]))`);
  if (f.bodyType !== undefined) where.push(`t.body_type = ${params.add(f.bodyType)}`);
  if (f.fuel !== undefined) where.push(`t.fuels @> ARRAY[${params.add(f.fuel)}::text]`);
  if (f.transmission !== undefined) where.push(`t.transmissions @> ARRAY[${params.add(f.transmission)}::text]`);
  if (f.seats !== undefined) where.push(`t.seat_options @> ARRAY[${params.add(f.seats)}::smallint]`);
  // Unpriced models sort as 2^31-1 in price_sort_asc, so priceMax excludes them by itself.
  if (f.priceMin !== undefined) where.push(`t.price_sort_asc >= ${params.add(f.priceMin)} AND t.price_min_inr IS NOT NULL`);
  if (f.priceMax !== undefined) where.push(`t.price_sort_asc <= ${params.add(f.priceMax)}`);
  if (f.status !== undefined) where.push(`t.status = ${params.add(f.status)}`);
  where.push(...fieldFilterConditions(f, params, 'models'));
  return where;
}

const MODEL_TABLE: ListTable<CatalogueFilters> = { from: FROM, countFrom: 'models t', columns: SUMMARY_COLUMNS, conditions: modelConditions, sorts: MODEL_SORTS };

/** What the read model (catalogue/read-model/) selects to hold this list's rows, and the list's sorts. */
export const MODEL_LIST_SOURCE = { columns: SUMMARY_COLUMNS, from: FROM, sorts: MODEL_SORTS };

export function createModelRepository(db: Executor) {
  return {
    list(filters: CatalogueFilters, executor: Executor = db) {
      return runList<ModelRow, CatalogueFilters>(executor, MODEL_TABLE, filters);
    },

    /** Facet counts under the filters (PostgreSQL's answer; the read model's is read-model/list-view.ts). */
    facets(filters: CatalogueFilters, names: readonly FacetName[], executor: Executor = db): Promise<FacetCounts> {
      return sqlFacets(executor, 'models', filters, names, modelConditions);
    },

    async findBySlug(slug: string, executor: Executor = db): Promise<ModelDetailRow | null> {
      const rows = await query<ModelDetailRow>(
        executor,
        `SELECT ${DETAIL_COLUMNS} FROM ${FROM} WHERE t.slug = $1 AND t.deleted_at IS NULL`,
        [slug],
      );
      return rows[0] ?? null;
    },

    /** Every model of one brand, most popular first. */
    async listByBrand(brandId: number, executor: Executor = db): Promise<ModelRow[]> {
      return query<ModelRow>(
        executor,
        `SELECT ${SUMMARY_COLUMNS} FROM ${FROM} WHERE t.brand_id = $1 AND t.deleted_at IS NULL ORDER BY t.popularity DESC, t.id DESC LIMIT 500`,
        [brandId],
      );
    },
  };
}
export type ModelRepository = ReturnType<typeof createModelRepository>;

export function toModelSummary(row: ModelRow): ModelSummary {
  return {
    slug: row.slug,
    name: row.name,
    brand: { slug: row.brandSlug, name: row.brandName },
    ...pickFields<Pick<ModelSummary, KeysIn<typeof MODEL_FIELDS, 'summary'>>>(row, SUMMARY_FIELDS),
    priceMinInr: row.priceMinInr,
    priceMaxInr: row.priceMaxInr,
    fuels: row.fuels,
    transmissions: row.transmissions,
    seatOptions: row.seatOptions,
    variantCount: row.variantCount,
  };
}
