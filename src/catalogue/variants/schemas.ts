import { Type, type Static } from '@sinclair/typebox';
import { BrandRef, Colour, FieldsQuery, ListOf, One } from '../../lib/schemas.js';
import { apiProperties, VARIANT_FIELDS } from '../fields/index.js';
import { FacetCounts, FacetsQuery } from '../facets.js';
import { CatalogueFilterQuery } from '../filters.js';

/** Identity and references of a variant answer; its specifications come from the field registry. */
const VariantIdentity = {
  slug: Type.String(),
  name: Type.String(),
  fullName: Type.String({ description: 'brand, model and variant name' }),
  model: BrandRef,
  brand: BrandRef,
  bodyType: Type.String(),
  status: Type.String(),
};

export const VariantSummary = Type.Object({ ...VariantIdentity, ...apiProperties(VARIANT_FIELDS, 'summary') });
export type VariantSummary = Static<typeof VariantSummary>;

/** What `fields=` may pick from a variant list item. */
export const VARIANT_LIST_FIELDS = Object.keys(VariantSummary.properties);

const SpecValue = Type.Union([Type.String(), Type.Number(), Type.Null()]);

export const SpecGroup = Type.Object({
  group: Type.String(),
  rows: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), value: SpecValue, unit: Type.Union([Type.String(), Type.Null()]) })),
});

export const VariantDetail = Type.Composite([
  VariantSummary,
  Type.Object({
    launchDate: Type.String({ format: 'date' }),
    ...apiProperties(VARIANT_FIELDS, 'detail'),
    safetyRating: Type.Union([Type.Integer(), Type.Null()], {
      description: "the model's crash-test adult-occupant stars (the spec sheet's Safety group has the programme, year and child stars)",
    }),
    colours: Type.Array(Colour),
    features: Type.Array(Type.String()),
    specSheet: Type.Array(SpecGroup, { description: 'every known specification with its unit, grouped for display' }),
  }),
]);
export type VariantDetail = Static<typeof VariantDetail>;

export const VariantListQuery = Type.Object({ ...CatalogueFilterQuery, fields: FieldsQuery(VARIANT_LIST_FIELDS), ...FacetsQuery }, { additionalProperties: false });
export type VariantListQuery = Static<typeof VariantListQuery>;

export const VariantList = Type.Object({ ...ListOf(Type.Partial(VariantSummary)).properties, facets: Type.Optional(FacetCounts) });
export const VariantOne = One(VariantDetail);
