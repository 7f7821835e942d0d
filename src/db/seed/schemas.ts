/** The shape of the curated seed files (seed/README.md); the loader refuses a file that does not match. */
import { Type, type Static, type TOptional, type TSchema } from '@sinclair/typebox';
import { CRASH_TEST_FIELDS, MODEL_FIELDS, VARIANT_FIELDS, writableProperties } from '../../catalogue/fields/index.js';
import { BODY_TYPES, MODEL_STATUSES } from '../../catalogue/vocabulary.js';
import { SLUG_PATTERN, StringEnum } from '../../lib/schemas.js';

const SeedSlug = Type.String({ pattern: SLUG_PATTERN });
const Colour = Type.Object({ name: Type.String({ minLength: 1 }), hex: Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }) });

/** Variant fields a model states once for all of its variants (a variant may override them). */
const MODEL_LEVEL = ['seats', 'drivetrain', 'airbags'] as const;
const VARIANT_SPEC = writableProperties(VARIANT_FIELDS);
/** The dimensions (and weight) a model states once in `dimensions`. */
const DIMENSIONS = Object.values(VARIANT_FIELDS).filter((def) => def.group === 'Dimensions & capacity' && def.nullable);
const optional = <T extends Record<string, TSchema>>(properties: T) => Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof T]: TOptional<T[K]> };

/**
 * A variant: its name and the registry's variant fields; price, fuel and transmission must be given, the rest
 * override the model's figures or default to null.
 */
export const SeedVariant = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  ...optional(VARIANT_SPEC),
  priceInr: VARIANT_SPEC.priceInr,
  fuel: VARIANT_SPEC.fuel,
  transmission: VARIANT_SPEC.transmission,
  features: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
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
  ...Type.Pick(Type.Object(VARIANT_SPEC), MODEL_LEVEL).properties,
  /** The crash test, only where the published result is certain (leave it out otherwise). */
  ...optional(Type.Pick(Type.Object(writableProperties(MODEL_FIELDS)), CRASH_TEST_FIELDS.map((def) => def.key)).properties),
  dimensions: Type.Object(Object.fromEntries(DIMENSIONS.map((def) => [def.key, VARIANT_SPEC[def.key as keyof typeof VARIANT_SPEC]]))),
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
