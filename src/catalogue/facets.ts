/**
 * Facets of the catalogue lists: for a filtered model or variant list, how many rows each value of a facet
 * would leave under every other active filter (a facet never narrows itself: the /cars page's counts).
 * The read model counts them in memory (read-model/); the SQL here answers the same question while it is
 * not ready, with the lists' own WHERE conditions, so the two agree (the read-model property test compares
 * them).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Params } from '../lib/sql.js';
import { query, type Executor } from '../platform/db.js';
import type { CatalogueFilters } from './filters.js';

export const FACET_NAMES = ['bodyType', 'fuel', 'transmission', 'brand', 'seats', 'price'] as const;
export type FacetName = (typeof FACET_NAMES)[number];

/** Values a facet lists at most, most frequent first (brands are the only facet with more). */
export const FACET_VALUE_LIMIT = 60;

/**
 * The price bands of the `price` facet, in INR: a row is in a band when min ≤ price < max (a model by its
 * starting price; unpriced models are in none). A band's filter is `priceMin=min&priceMax=max-1`.
 */
export const PRICE_BANDS = [
  { value: 'under-5-lakh', label: 'Under ₹5 lakh', min: 0, max: 500_000 },
  { value: '5-10-lakh', label: '₹5–10 lakh', min: 500_000, max: 1_000_000 },
  { value: '10-15-lakh', label: '₹10–15 lakh', min: 1_000_000, max: 1_500_000 },
  { value: '15-20-lakh', label: '₹15–20 lakh', min: 1_500_000, max: 2_000_000 },
  { value: '20-30-lakh', label: '₹20–30 lakh', min: 2_000_000, max: 3_000_000 },
  { value: '30-50-lakh', label: '₹30–50 lakh', min: 3_000_000, max: 5_000_000 },
  { value: '50-lakh-1-crore', label: '₹50 lakh–1 crore', min: 5_000_000, max: 10_000_000 },
  { value: 'above-1-crore', label: 'Above ₹1 crore', min: 10_000_000, max: 2_147_483_647 },
] as const;

/** The band of a price, or null for none. */
export function priceBandOf(price: number | null): string | null {
  if (price === null) return null;
  for (const band of PRICE_BANDS) if (price >= band.min && price < band.max) return band.value;
  return null;
}

/** The filter parameters a facet ignores when it counts (its own). */
export function facetParams(name: FacetName): readonly (keyof CatalogueFilters)[] {
  return name === 'price' ? ['priceMin', 'priceMax'] : [name];
}

export const FacetValue = Type.Object({
  value: Type.String(),
  label: Type.String(),
  count: Type.Integer({ minimum: 1 }),
});
export type FacetValue = Static<typeof FacetValue>;

export const FacetCounts = Type.Partial(Type.Object(Object.fromEntries(FACET_NAMES.map((name) => [name, Type.Array(FacetValue)])) as Record<FacetName, ReturnType<typeof Type.Array<typeof FacetValue>>>), {
  description: `per requested facet, the rows each value would leave under the other filters, most first (at most ${FACET_VALUE_LIMIT} values; price bands: ${PRICE_BANDS.map((b) => b.value).join(', ')})`,
});
export type FacetCounts = Partial<Record<FacetName, FacetValue[]>>;

/** The `facets` query parameter: facet names, comma-separated. */
export const FacetsQuery = {
  facets: Type.Optional(
    Type.String({
      pattern: `^(${FACET_NAMES.join('|')})(,(${FACET_NAMES.join('|')})){0,${FACET_NAMES.length - 1}}$`,
      description: `facet counts to add to the answer, comma-separated: ${FACET_NAMES.join(', ')}`,
    }),
  ),
};

/** The requested facet names, each once, in FACET_NAMES order. */
export function parseFacets(facets: string | undefined): FacetName[] {
  if (facets === undefined) return [];
  const asked = new Set(facets.split(','));
  return FACET_NAMES.filter((name) => asked.has(name));
}

/** Orders counted values as the answers list them: most rows first, then by value. */
export function rankFacetValues(values: FacetValue[]): FacetValue[] {
  return values
    .filter((v) => v.count > 0)
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, FACET_VALUE_LIMIT);
}

// ---- the SQL answer (while the read model is not ready) --------------------------------------------------

export type ListEntity = 'models' | 'variants';

const bandCase = (column: string) =>
  `CASE ${PRICE_BANDS.map((b) => `WHEN ${column} >= ${b.min} AND ${column} < ${b.max} THEN '${b.value}'`).join(' ')} END`;

/** How each facet reads its value from a row of the list's table (`t`); array columns are unnested. */
const FACET_SQL: Record<ListEntity, Record<FacetName, { from: string; value: string; label: string }>> = {
  models: {
    brand: { from: 'models t JOIN brands b ON b.id = t.brand_id', value: 'b.slug', label: 'min(b.name)' },
    bodyType: { from: 'models t', value: 't.body_type', label: 't.body_type' },
    fuel: { from: 'models t CROSS JOIN LATERAL unnest(t.fuels) AS x(v)', value: 'x.v', label: 'x.v' },
    transmission: { from: 'models t CROSS JOIN LATERAL unnest(t.transmissions) AS x(v)', value: 'x.v', label: 'x.v' },
    seats: { from: 'models t CROSS JOIN LATERAL unnest(t.seat_options) AS x(v)', value: 'x.v::text', label: 'x.v::text' },
    price: { from: 'models t', value: bandCase('t.price_min_inr'), label: bandCase('t.price_min_inr') },
  },
  variants: {
    brand: { from: 'variants t JOIN brands b ON b.id = t.brand_id', value: 'b.slug', label: 'min(b.name)' },
    bodyType: { from: 'variants t', value: 't.body_type', label: 't.body_type' },
    fuel: { from: 'variants t', value: 't.fuel', label: 't.fuel' },
    transmission: { from: 'variants t', value: 't.transmission', label: 't.transmission' },
    seats: { from: 'variants t', value: 't.seats::text', label: 't.seats::text' },
    price: { from: 'variants t', value: bandCase('t.price_inr'), label: bandCase('t.price_inr') },
  },
};

const BAND_LABELS = new Map<string, string>(PRICE_BANDS.map((b) => [b.value, b.label]));

/** A facet's label for a value: a brand's name, a band's label, else the value itself. */
export function facetLabel(name: FacetName, value: string, brandName?: string): string {
  if (name === 'brand') return brandName ?? value;
  if (name === 'price') return BAND_LABELS.get(value) ?? value;
  return value;
}

/**
 * Facet counts from PostgreSQL: one GROUP BY per facet, under the list's conditions without the facet's
 * own parameters. `conditions` are the list's WHERE conditions (on `t`) for given filters.
 */
export async function sqlFacets(
  executor: Executor,
  entity: ListEntity,
  filters: CatalogueFilters,
  names: readonly FacetName[],
  conditions: (filters: CatalogueFilters, params: Params) => string[],
): Promise<FacetCounts> {
  const counted = await Promise.all(
    names.map(async (name) => {
      const params = new Params();
      const without = { ...filters };
      for (const param of facetParams(name)) delete without[param];
      const where = ['t.deleted_at IS NULL', ...conditions(without, params)];
      const f = FACET_SQL[entity][name];
      const rows = await query<{ value: string | null; label: string; count: number }>(
        executor,
        `SELECT ${f.value} AS value, ${f.label} AS label, count(*)::int AS count FROM ${f.from} WHERE ${where.join(' AND ')} GROUP BY 1`,
        params.values,
      );
      const values = rows.filter((r) => r.value !== null).map((r) => ({ value: r.value!, label: facetLabel(name, r.value!, r.label), count: r.count }));
      return [name, rankFacetValues(values)] as const;
    }),
  );
  return Object.fromEntries(counted);
}
