import { Type, type Static } from '@sinclair/typebox';
import { BrandRef, ListOf, PagingQuery } from '../../lib/schemas.js';

export const PopularComparison = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  models: Type.Array(
    Type.Object({
      slug: Type.String(),
      name: Type.String(),
      brand: BrandRef,
      priceMinInr: Type.Union([Type.Integer(), Type.Null()]),
      priceMaxInr: Type.Union([Type.Integer(), Type.Null()]),
      /** The entry variant compared by default. */
      variantSlug: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  compareUrl: Type.String({ description: '/api/compare URL for the entry variants' }),
});
export type PopularComparison = Static<typeof PopularComparison>;

export const PopularComparisonQuery = Type.Object({ page: PagingQuery.page, limit: PagingQuery.limit }, { additionalProperties: false });
export type PopularComparisonQuery = Static<typeof PopularComparisonQuery>;

export const PopularComparisonList = ListOf(PopularComparison);
