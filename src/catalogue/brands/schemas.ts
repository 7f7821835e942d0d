import { Type, type Static } from '@sinclair/typebox';
import { FieldsQuery, ListOf, One, PagingQuery, StringEnum } from '../../lib/schemas.js';
import { apiProperties, BRAND_FIELDS } from '../fields/index.js';
import { ModelSummary } from '../models/schemas.js';

export const BrandSummary = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  ...apiProperties(BRAND_FIELDS, 'summary'),
  modelCount: Type.Integer({ description: 'models currently on sale' }),
  priceMinInr: Type.Union([Type.Integer(), Type.Null()]),
  priceMaxInr: Type.Union([Type.Integer(), Type.Null()]),
});
export type BrandSummary = Static<typeof BrandSummary>;

/** What `fields=` may pick from a brand list item. */
export const BRAND_LIST_FIELDS = Object.keys(BrandSummary.properties);

export const BrandDetail = Type.Composite([
  BrandSummary,
  Type.Object({ ...apiProperties(BRAND_FIELDS, 'detail'), models: Type.Array(ModelSummary, { description: 'every model of the brand, most popular first' }) }),
]);
export type BrandDetail = Static<typeof BrandDetail>;

export const BRAND_SORTS = ['name', 'popularity'] as const;

export const BrandListQuery = Type.Object(
  {
    page: PagingQuery.page,
    limit: PagingQuery.limit,
    sort: StringEnum(BRAND_SORTS, { default: 'name', description: 'name (A–Z) or popularity (most models on sale first)' }),
    fields: FieldsQuery(BRAND_LIST_FIELDS),
  },
  { additionalProperties: false },
);
export type BrandListQuery = Static<typeof BrandListQuery>;

export const BrandList = ListOf(Type.Partial(BrandSummary));
export const BrandOne = One(BrandDetail);
