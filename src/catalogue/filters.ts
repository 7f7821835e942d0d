/**
 * The filter and sort vocabulary shared by /api/models and /api/variants: one schema, so both lists accept
 * exactly the same parameters with the same meaning.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { SortSpec } from '../lib/pagination.js';
import { PagingQuery, StringEnum } from '../lib/schemas.js';
import { fieldFilterQuery } from './field-filters.js';
import { BODY_TYPES, FUELS, MODEL_STATUSES, TRANSMISSIONS } from './vocabulary.js';

export const CATALOGUE_SORTS = ['popularity', 'price', '-price', 'name', 'newest'] as const;
export type CatalogueSort = (typeof CATALOGUE_SORTS)[number];

const MAX_PRICE_INR = 1_000_000_000;

export const CatalogueFilterQuery = {
  brand: Type.Optional(
    Type.String({ pattern: '^[a-z0-9-]+(,[a-z0-9-]+){0,19}$', description: 'brand slug, or up to 20 comma-separated slugs' }),
  ),
  bodyType: Type.Optional(StringEnum(BODY_TYPES)),
  fuel: Type.Optional(StringEnum(FUELS, { description: 'models: at least one variant with this fuel' })),
  transmission: Type.Optional(StringEnum(TRANSMISSIONS)),
  seats: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  priceMin: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PRICE_INR, description: 'ex-showroom INR; models: starting price' })),
  priceMax: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PRICE_INR, description: 'ex-showroom INR; models: starting price' })),
  status: Type.Optional(StringEnum(MODEL_STATUSES)),
  ...fieldFilterQuery,
  sort: StringEnum(CATALOGUE_SORTS, { default: 'popularity', description: 'price is low to high, -price high to low' }),
  ...PagingQuery,
};

export const CatalogueFilterObject = Type.Object(CatalogueFilterQuery);
export type CatalogueFilters = Static<typeof CatalogueFilterObject>;

/** A list sort, with the row field its key is read from (the read model sorts by it). */
export type CatalogueSortSpec = SortSpec & { field: string };
