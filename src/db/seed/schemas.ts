/** The shape of the curated seed files (seed/README.md); the loader refuses a file that does not match. */
import { Type, type Static } from '@sinclair/typebox';
import { BODY_TYPES, DRIVETRAINS, FUELS, MODEL_STATUSES, SLUG_PATTERN, StringEnum, TRANSMISSIONS } from '../../lib/schemas.js';

const NullableInt = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);
const NullableNumber = Type.Union([Type.Number({ minimum: 0 }), Type.Null()]);
const SeedSlug = Type.String({ pattern: SLUG_PATTERN });
const Colour = Type.Object({ name: Type.String({ minLength: 1 }), hex: Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }) });

export const SeedVariant = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  fuel: StringEnum(FUELS),
  transmission: StringEnum(TRANSMISSIONS),
  engineCc: NullableInt,
  powerBhp: NullableNumber,
  torqueNm: NullableNumber,
  mileageKmpl: Type.Optional(NullableNumber),
  rangeKm: Type.Optional(NullableInt),
  batteryKwh: Type.Optional(NullableNumber),
  priceInr: Type.Integer({ minimum: 100_000, maximum: 1_000_000_000 }),
  features: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  seats: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  drivetrain: Type.Optional(StringEnum(DRIVETRAINS)),
  airbags: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
  kerbWeightKg: Type.Optional(NullableInt),
});
export type SeedVariant = Static<typeof SeedVariant>;

export const SeedModel = Type.Object({
  slug: SeedSlug,
  name: Type.String({ minLength: 1, maxLength: 80 }),
  bodyType: StringEnum(BODY_TYPES),
  segment: Type.String({ minLength: 1, maxLength: 4 }),
  launchDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  status: StringEnum(MODEL_STATUSES),
  popularity: Type.Integer({ minimum: 0, maximum: 100 }),
  description: Type.String(),
  seats: Type.Integer({ minimum: 1, maximum: 20 }),
  drivetrain: StringEnum(DRIVETRAINS),
  airbags: Type.Integer({ minimum: 0, maximum: 20 }),
  safetyRating: Type.Union([Type.Integer({ minimum: 0, maximum: 5 }), Type.Null()]),
  dimensions: Type.Object({
    lengthMm: NullableInt,
    widthMm: NullableInt,
    heightMm: NullableInt,
    wheelbaseMm: NullableInt,
    groundClearanceMm: NullableInt,
    bootLitres: NullableInt,
    kerbWeightKg: NullableInt,
  }),
  colours: Type.Array(Colour),
  features: Type.Array(Type.String({ minLength: 1 })),
  variants: Type.Array(SeedVariant),
});
export type SeedModel = Static<typeof SeedModel>;

export const SeedBrand = Type.Object({
  slug: SeedSlug,
  name: Type.String({ minLength: 1 }),
  country: Type.String({ minLength: 1 }),
  foundedYear: Type.Union([Type.Integer({ minimum: 1800, maximum: 2100 }), Type.Null()]),
  colour: Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }),
  description: Type.String(),
  models: Type.Array(SeedModel),
});
export type SeedBrand = Static<typeof SeedBrand>;

export const SeedComparisons = Type.Array(
  Type.Object({ title: Type.Optional(Type.String()), models: Type.Array(SeedSlug, { minItems: 2, maxItems: 4 }) }),
);
export type SeedComparisons = Static<typeof SeedComparisons>;

export const SeedArticleMeta = Type.Object({
  title: Type.String({ minLength: 1 }),
  slug: SeedSlug,
  category: StringEnum(['news', 'review', 'guide', 'comparison'] as const),
  author: Type.String({ minLength: 1 }),
  publishedAt: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}' }),
  summary: Type.String({ minLength: 1, maxLength: 300 }),
  tags: Type.Array(Type.String()),
  models: Type.Array(SeedSlug),
});
export type SeedArticleMeta = Static<typeof SeedArticleMeta>;
