import { Type, type Static } from '@sinclair/typebox';
import { BrandRef, Colour, FieldsQuery, ListOf, One } from '../../lib/schemas.js';
import { CatalogueFilterQuery } from '../filters.js';

export const MODEL_FIELDS = [
  'slug', 'name', 'brand', 'bodyType', 'segment', 'status', 'launchDate', 'popularity',
  'priceMinInr', 'priceMaxInr', 'fuels', 'transmissions', 'seatOptions', 'variantCount',
] as const;

const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const ModelSummary = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  brand: BrandRef,
  bodyType: Type.String(),
  segment: Type.String(),
  status: Type.String(),
  launchDate: Type.String({ format: 'date' }),
  popularity: Type.Integer({ minimum: 0, maximum: 100 }),
  priceMinInr: NullableInt,
  priceMaxInr: NullableInt,
  fuels: Type.Array(Type.String()),
  transmissions: Type.Array(Type.String()),
  seatOptions: Type.Array(Type.Integer()),
  variantCount: Type.Integer(),
});
export type ModelSummary = Static<typeof ModelSummary>;

const Range = (unit: string) => Type.Object({ min: NullableNumber, max: NullableNumber, unit: Type.Literal(unit) });

export const ModelVariantSummary = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  priceInr: Type.Integer(),
  fuel: Type.String(),
  transmission: Type.String(),
  engineCc: NullableInt,
  powerBhp: NullableNumber,
  mileageKmpl: NullableNumber,
  rangeKm: NullableInt,
  seats: Type.Integer(),
});

export const ModelDetail = Type.Composite([
  ModelSummary,
  Type.Object({
    description: Type.String(),
    colours: Type.Array(Colour),
    features: Type.Array(Type.String()),
    keySpecs: Type.Object({
      engineCc: Range('cc'),
      powerBhp: Range('bhp'),
      torqueNm: Range('Nm'),
      mileageKmpl: Range('km/l'),
      rangeKm: Range('km'),
      seats: Range('seats'),
      airbags: Range('airbags'),
      bootLitres: Range('litres'),
      groundClearanceMm: Range('mm'),
      safetyRating: Range('stars'),
    }),
    variants: Type.Array(ModelVariantSummary, { description: 'every variant, cheapest first' }),
  }),
]);
export type ModelDetail = Static<typeof ModelDetail>;

export const ModelListQuery = Type.Object({ ...CatalogueFilterQuery, fields: FieldsQuery(MODEL_FIELDS) }, { additionalProperties: false });
export type ModelListQuery = Static<typeof ModelListQuery>;

export const ModelList = ListOf(Type.Partial(ModelSummary));
export const ModelOne = One(ModelDetail);
