import { Type, type Static } from '@sinclair/typebox';
import { FieldsQuery, ListOf, One, PagingQuery, StringEnum } from '../../lib/schemas.js';
import { ModelSummary } from '../models/schemas.js';

export const BRAND_FIELDS = ['slug', 'name', 'country', 'foundedYear', 'colour', 'modelCount', 'priceMinInr', 'priceMaxInr'] as const;

export const BrandSummary = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  country: Type.String(),
  foundedYear: Type.Union([Type.Integer(), Type.Null()]),
  colour: Type.String(),
  modelCount: Type.Integer({ description: 'models currently on sale' }),
  priceMinInr: Type.Union([Type.Integer(), Type.Null()]),
  priceMaxInr: Type.Union([Type.Integer(), Type.Null()]),
});
export type BrandSummary = Static<typeof BrandSummary>;

export const BrandDetail = Type.Composite([
  BrandSummary,
  Type.Object({ description: Type.String(), models: Type.Array(ModelSummary, { description: 'every model of the brand, most popular first' }) }),
]);
export type BrandDetail = Static<typeof BrandDetail>;

export const BRAND_SORTS = ['name', 'popularity'] as const;

export const BrandListQuery = Type.Object(
  {
    page: PagingQuery.page,
    limit: PagingQuery.limit,
    sort: StringEnum(BRAND_SORTS, { default: 'name', description: 'name (A–Z) or popularity (most models on sale first)' }),
    fields: FieldsQuery(BRAND_FIELDS),
  },
  { additionalProperties: false },
);
export type BrandListQuery = Static<typeof BrandListQuery>;

export const BrandList = ListOf(Type.Partial(BrandSummary));
export const BrandOne = One(BrandDetail);
