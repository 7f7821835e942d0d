import { Type, type Static } from '@sinclair/typebox';
import { BrandRef, Colour, FieldsQuery, ListOf, One } from '../../lib/schemas.js';
import { apiProperties, MODEL_FIELDS, VARIANT_FIELDS } from '../fields/index.js';
import { FacetCounts, FacetsQuery } from '../facets.js';
import { CatalogueFilterQuery } from '../filters.js';
import { VariantSummary } from '../variants/schemas.js';
import { keySpecFields, keySpecUnit } from './key-specs.js';

const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const ModelSummary = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  brand: BrandRef,
  ...apiProperties(MODEL_FIELDS, 'summary'),
  // Derived from the model's variants by trigger.
  priceMinInr: NullableInt,
  priceMaxInr: NullableInt,
  fuels: Type.Array(Type.String()),
  transmissions: Type.Array(Type.String()),
  seatOptions: Type.Array(Type.Integer()),
  variantCount: Type.Integer(),
});
export type ModelSummary = Static<typeof ModelSummary>;

/** What `fields=` may pick from a model list item. */
export const MODEL_LIST_FIELDS = Object.keys(ModelSummary.properties);

const Range = (unit: string) => Type.Object({ min: NullableNumber, max: NullableNumber, unit: Type.Literal(unit) });
type Range = ReturnType<typeof Range>;

/** The variant fields a model page shows as min-max ranges, each with its unit (the registry's key specs). */
const KEY_SPECS = Object.fromEntries(keySpecFields().map((def) => [def.key, Range(keySpecUnit(def))])) as Record<
  { [K in keyof typeof VARIANT_FIELDS]: (typeof VARIANT_FIELDS)[K]['keySpec'] extends true ? K : never }[keyof typeof VARIANT_FIELDS],
  Range
>;

/** A variant as the model answer lists it. */
export const ModelVariantSummary = Type.Pick(VariantSummary, ['slug', 'name', 'priceInr', 'fuel', 'transmission', 'engineCc', 'powerBhp', 'mileageKmpl', 'rangeKm', 'seats']);
export type ModelVariantSummary = Static<typeof ModelVariantSummary>;

export const ModelDetail = Type.Composite([
  ModelSummary,
  Type.Object({
    ...apiProperties(MODEL_FIELDS, 'detail'),
    colours: Type.Array(Colour),
    features: Type.Array(Type.String()),
    keySpecs: Type.Object({
      ...KEY_SPECS,
      safetyRating: Type.Object(Range('stars').properties, { description: 'crashTestAdultStars as a range (min = max), kept for compatibility' }),
    }),
    variants: Type.Array(ModelVariantSummary, { description: 'every variant, cheapest first' }),
  }),
]);
export type ModelDetail = Static<typeof ModelDetail>;

export const ModelListQuery = Type.Object({ ...CatalogueFilterQuery, fields: FieldsQuery(MODEL_LIST_FIELDS), ...FacetsQuery }, { additionalProperties: false });
export type ModelListQuery = Static<typeof ModelListQuery>;

export const ModelList = Type.Object({ ...ListOf(Type.Partial(ModelSummary)).properties, facets: Type.Optional(FacetCounts) });
export const ModelOne = One(ModelDetail);
