/**
 * The two lists the read model answers, models and variants: which columns each holds (the list rows' own,
 * as the SQL lists select them, with the registry's fields typed by the registry), how each filter of
 * CatalogueFilters selects rows, and the sorts. The SQL meaning is the reference (models/repository.ts,
 * variants/repository.ts): a model matches a variant-level filter (fuel, transmission, seats) when any of its
 * variants does, and its price is its starting price.
 */
import type { CatalogueFilters } from '../filters.js';
import { priceBandOf, type FacetName, type ListEntity } from '../facets.js';
import { MODEL_FIELDS, VARIANT_FIELDS, type FieldDef } from '../fields/index.js';
import { MODEL_LIST_SOURCE } from '../models/repository.js';
import { VARIANT_LIST_SOURCE } from '../variants/repository.js';
import type { ColumnKind, SortDef, TableSpec, ValuesOf } from './table.js';

/** What a list's SQL selects (its summary columns and FROM clause) and how its sorts are named. */
export interface ListSource {
  columns: string;
  from: string;
  sorts: Record<string, SortDef>;
}

/** A registry field's column: numbers as numbers, dates and vocabulary as dictionary codes. */
const kindOf = (def: FieldDef): ColumnKind => (def.value.sqlType === 'text' || def.value.sqlType === 'date' ? 'dict' : 'number');

const registryColumns = (fields: Record<string, FieldDef>): Record<string, ColumnKind> =>
  Object.fromEntries(Object.values(fields).filter((def) => def.api === 'summary').map((def) => [def.key, kindOf(def)]));

const one = (key: string): ValuesOf => (row) => {
  const value = row.get(key);
  return value === null ? [] : [String(value)];
};
const each = (key: string): ValuesOf => (row) => ((row.get(key) as unknown[] | null) ?? []).map(String);
const band = (key: string): ValuesOf => (row) => {
  const value = priceBandOf(row.get(key) as number | null);
  return value === null ? [] : [value];
};

/** A list's equality filters and facets: each is a bit set per value. */
type EqualityName = FacetName | 'status';

export interface EntityDef {
  entity: ListEntity;
  source: ListSource;
  spec: TableSpec;
  /** The equality filter behind each CatalogueFilters parameter and facet of that name. */
  equality: Record<EqualityName, ValuesOf>;
  /**
   * The price range filters read the order of the sort named `price`; `pricedField`, when set, is null for
   * rows without a price (which that order puts last), left out by priceMin.
   */
  price: { pricedField: string | null };
  /** The registry's minimum filters (`safetyMin`): the field, and whether it is on the model. */
  minimums: { param: string; key: string; onModel: boolean }[];
}

const MODEL_COLUMNS: Record<string, ColumnKind> = {
  slug: 'text',
  name: 'text',
  brandSlug: 'dict',
  brandName: 'dict',
  ...registryColumns(MODEL_FIELDS),
  priceMinInr: 'number',
  priceMaxInr: 'number',
  fuels: 'value',
  transmissions: 'value',
  seatOptions: 'value',
  variantCount: 'number',
  priceSortAsc: 'number',
  priceSortDesc: 'number',
};

const VARIANT_COLUMNS: Record<string, ColumnKind> = {
  modelId: 'number',
  slug: 'text',
  name: 'text',
  fullName: 'text',
  modelSlug: 'dict',
  modelName: 'dict',
  brandSlug: 'dict',
  brandName: 'dict',
  bodyType: 'dict',
  status: 'dict',
  ...registryColumns(VARIANT_FIELDS),
  popularity: 'number',
  launchDate: 'dict',
};

const filtersOf = (fields: Record<string, FieldDef>, onModel: boolean) =>
  Object.values(fields).flatMap((def) => (def.filter === null ? [] : [{ param: def.filter.param, key: def.key, onModel }]));

const MODEL_EQUALITY: Record<EqualityName, ValuesOf> = {
  brand: one('brandSlug'),
  bodyType: one('bodyType'),
  fuel: each('fuels'),
  transmission: each('transmissions'),
  seats: each('seatOptions'),
  status: one('status'),
  price: band('priceMinInr'),
};

const VARIANT_EQUALITY: Record<EqualityName, ValuesOf> = {
  brand: one('brandSlug'),
  bodyType: one('bodyType'),
  fuel: one('fuel'),
  transmission: one('transmission'),
  seats: one('seats'),
  status: one('status'),
  price: band('priceInr'),
};

export const MODELS: EntityDef = {
  entity: 'models',
  source: MODEL_LIST_SOURCE,
  spec: { columns: MODEL_COLUMNS, rowKeys: ['id', ...Object.keys(MODEL_COLUMNS)], equality: MODEL_EQUALITY, sorts: MODEL_LIST_SOURCE.sorts },
  equality: MODEL_EQUALITY,
  // Unpriced models sort last (price_sort_asc 2^31-1): priceMax leaves them out by itself, priceMin by this.
  price: { pricedField: 'priceMinInr' },
  minimums: [...filtersOf(MODEL_FIELDS, true), ...filtersOf(VARIANT_FIELDS, false)],
};

export const VARIANTS: EntityDef = {
  entity: 'variants',
  source: VARIANT_LIST_SOURCE,
  spec: { columns: VARIANT_COLUMNS, rowKeys: ['id', ...Object.keys(VARIANT_COLUMNS)], equality: VARIANT_EQUALITY, sorts: VARIANT_LIST_SOURCE.sorts },
  equality: VARIANT_EQUALITY,
  price: { pricedField: null },
  minimums: [...filtersOf(MODEL_FIELDS, true), ...filtersOf(VARIANT_FIELDS, false)],
};

/** The CatalogueFilters parameters answered by an equality set. */
export const EQUALITY_PARAMS = ['brand', 'bodyType', 'fuel', 'transmission', 'seats', 'status'] as const satisfies readonly (keyof CatalogueFilters & EqualityName)[];
