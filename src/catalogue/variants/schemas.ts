import { Type, type Static } from '@sinclair/typebox';
import { BrandRef, Colour, FieldsQuery, ListOf, One } from '../../lib/schemas.js';
import { CatalogueFilterQuery } from '../filters.js';

export const VARIANT_FIELDS = [
  'slug', 'name', 'fullName', 'model', 'brand', 'bodyType', 'status', 'priceInr', 'fuel', 'transmission',
  'engineCc', 'powerBhp', 'torqueNm', 'mileageKmpl', 'rangeKm', 'batteryKwh', 'seats', 'drivetrain',
] as const;

const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const VariantSummary = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  fullName: Type.String({ description: 'brand, model and variant name' }),
  model: BrandRef,
  brand: BrandRef,
  bodyType: Type.String(),
  status: Type.String(),
  priceInr: Type.Integer({ description: 'ex-showroom price, INR' }),
  fuel: Type.String(),
  transmission: Type.String(),
  engineCc: NullableInt,
  powerBhp: NullableNumber,
  torqueNm: NullableNumber,
  mileageKmpl: Type.Union([Type.Number(), Type.Null()], { description: 'claimed; km/kg for CNG' }),
  rangeKm: NullableInt,
  batteryKwh: NullableNumber,
  seats: Type.Integer(),
  drivetrain: Type.String(),
});
export type VariantSummary = Static<typeof VariantSummary>;

const SpecValue = Type.Union([Type.String(), Type.Number(), Type.Null()]);

export const SpecGroup = Type.Object({
  group: Type.String(),
  rows: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), value: SpecValue, unit: Type.Union([Type.String(), Type.Null()]) })),
});

export const VariantDetail = Type.Composite([
  VariantSummary,
  Type.Object({
    launchDate: Type.String({ format: 'date' }),
    lengthMm: NullableInt,
    widthMm: NullableInt,
    heightMm: NullableInt,
    wheelbaseMm: NullableInt,
    groundClearanceMm: NullableInt,
    bootLitres: NullableInt,
    kerbWeightKg: NullableInt,
    airbags: NullableInt,
    safetyRating: NullableInt,
    colours: Type.Array(Colour),
    features: Type.Array(Type.String()),
    specSheet: Type.Array(SpecGroup, { description: 'every known specification with its unit, grouped for display' }),
  }),
]);
export type VariantDetail = Static<typeof VariantDetail>;

export const VariantListQuery = Type.Object({ ...CatalogueFilterQuery, fields: FieldsQuery(VARIANT_FIELDS) }, { additionalProperties: false });
export type VariantListQuery = Static<typeof VariantListQuery>;

export const VariantList = ListOf(Type.Partial(VariantSummary));
export const VariantOne = One(VariantDetail);
