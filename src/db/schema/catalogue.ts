/**
 * Catalogue tables: brands → models → variants, model images and popular comparisons.
 * Variants carry copies of a few model columns (brand, body type, status, popularity, launch date) so that
 * every variant filter and sort is a single-table index scan; triggers in the migrations keep the copies
 * and each model's derived price range, fuels, transmissions and seat options in step.
 */
import { sql } from 'drizzle-orm';
import {
  check,
  customType,
  bigint,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { CRASH_TEST_PROGRAMMES } from '../../catalogue/vocabulary.js';

/** PostgreSQL tsvector, only ever written by generated columns. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Sort keys that place models without a price last in both directions, so keyset paging needs no NULL cases. */
const PRICE_SORT_UNPRICED_ASC = 2147483647;
const PRICE_SORT_UNPRICED_DESC = -1;

export interface Colour {
  name: string;
  hex: string;
}

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  /** Optimistic concurrency: every admin update names the version it read (If-Match) and bumps it. */
  version: integer('version').notNull().default(1),
};

/**
 * Every insert or update of a brand, model or variant takes the next value of one sequence (the default on
 * insert, a trigger on update: migration 0011). The read model (catalogue/read-model/) keeps each row's
 * value: a re-read row older than the one it holds is ignored (events can arrive out of order), and the
 * count and sum of the live rows' values, compared with PostgreSQL's, reveal any change it missed.
 */
export const catalogueChangeSeq = pgSequence('catalogue_change_seq');
const changeSeq = () => bigint('change_seq', { mode: 'number' }).notNull().default(sql`nextval('catalogue_change_seq')`);

/**
 * List indexes cover live rows only: every public query filters `deleted_at IS NULL`, so the condition
 * is implied and a filtered count becomes an index-only scan (measured on 25,000 models: 11 ms → 0.3 ms
 * for bodyType + priceMax), and soft-deleted rows cost nothing to skip.
 */
const LIVE = sql`deleted_at IS NULL`;

export const brands = pgTable(
  'brands',
  {
    id: serial('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    country: text('country').notNull(),
    foundedYear: smallint('founded_year'),
    colour: text('colour').notNull(),
    description: text('description').notNull().default(''),
    ...timestamps,
    changeSeq: changeSeq(),
  },
  (t) => [
    uniqueIndex('brands_slug_key').on(t.slug),
    index('brands_name_idx').on(t.name),
    index('brands_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
  ],
);

export const models = pgTable(
  'models',
  {
    id: serial('id').primaryKey(),
    brandId: integer('brand_id')
      .notNull()
      .references(() => brands.id),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    /** "Brand Model", kept by trigger; searched with full-text and trigram indexes. */
    searchName: text('search_name').notNull().default(''),
    bodyType: text('body_type').notNull(),
    segment: text('segment').notNull(),
    launchDate: date('launch_date').notNull(),
    status: text('status').notNull(),
    popularity: smallint('popularity').notNull().default(0),
    description: text('description').notNull().default(''),
    colours: jsonb('colours').$type<Colour[]>().notNull().default([]),
    features: text('features').array().notNull().default(sql`'{}'`),
    // Derived from the model's variants by trigger.
    priceMinInr: integer('price_min_inr'),
    priceMaxInr: integer('price_max_inr'),
    priceSortAsc: integer('price_sort_asc')
      .notNull()
      .generatedAlwaysAs(sql.raw(`coalesce(price_min_inr, ${PRICE_SORT_UNPRICED_ASC})`)),
    priceSortDesc: integer('price_sort_desc')
      .notNull()
      .generatedAlwaysAs(sql.raw(`coalesce(price_min_inr, ${PRICE_SORT_UNPRICED_DESC})`)),
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('simple', search_name || ' ' || body_type)`),
    fuels: text('fuels').array().notNull().default(sql`'{}'`),
    transmissions: text('transmissions').array().notNull().default(sql`'{}'`),
    seatOptions: smallint('seat_options').array().notNull().default(sql`'{}'`),
    variantCount: integer('variant_count').notNull().default(0),
    // The crash test (src/catalogue/fields/model-fields.ts): null when not tested, else all four set.
    crashTestProgramme: text('crash_test_programme'),
    crashTestYear: smallint('crash_test_year'),
    crashTestAdultStars: smallint('crash_test_adult_stars'),
    crashTestChildStars: smallint('crash_test_child_stars'),
    ...timestamps,
    changeSeq: changeSeq(),
  },
  (t) => [
    check('models_crash_test_complete', sql`num_nulls(${t.crashTestProgramme}, ${t.crashTestYear}, ${t.crashTestAdultStars}, ${t.crashTestChildStars}) IN (0, 4)`),
    check('models_crash_test_programme_check', sql.raw(`crash_test_programme IN (${CRASH_TEST_PROGRAMMES.map((p) => `'${p}'`).join(', ')})`)),
    check('models_crash_test_year_check', sql`${t.crashTestYear} BETWEEN 2014 AND 2100`),
    // One range per constraint: `a BETWEEN … AND b BETWEEN …` comes back from pg_dump as a differently nested AND.
    check('models_crash_test_adult_stars_check', sql`${t.crashTestAdultStars} BETWEEN 0 AND 5`),
    check('models_crash_test_child_stars_check', sql`${t.crashTestChildStars} BETWEEN 0 AND 5`),
    uniqueIndex('models_slug_key').on(t.slug),
    index('models_brand_idx').on(t.brandId, t.popularity.desc().nullsFirst(), t.id.desc().nullsFirst()).where(LIVE),
    // The read model's drift check sums the live rows' change_seq: an index-only scan.
    index('models_change_seq_idx').on(t.changeSeq).where(LIVE),
    index('models_popularity_idx').on(t.popularity.desc().nullsFirst(), t.id.desc().nullsFirst()).where(LIVE),
    index('models_launch_idx').on(t.launchDate.desc().nullsFirst(), t.id.desc().nullsFirst()).where(LIVE),
    index('models_name_idx').on(t.name, t.id).where(LIVE),
    index('models_price_asc_idx').on(t.priceSortAsc, t.id).where(LIVE),
    index('models_price_desc_idx').on(t.priceSortDesc.desc().nullsFirst(), t.id.desc().nullsFirst()).where(LIVE),
    index('models_body_price_idx').on(t.bodyType, t.priceSortAsc, t.id).where(LIVE),
    index('models_search_idx').using('gin', t.searchVector),
    index('models_search_trgm_idx').using('gin', t.searchName.op('gin_trgm_ops')),
    index('models_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
    index('models_status_idx').on(t.status, t.popularity.desc().nullsFirst()).where(LIVE),
    index('models_fuels_idx').using('gin', t.fuels),
    index('models_transmissions_idx').using('gin', t.transmissions),
    index('models_seats_idx').using('gin', t.seatOptions),
  ],
);

export const variants = pgTable(
  'variants',
  {
    id: serial('id').primaryKey(),
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    /** "Brand Model Variant", kept by trigger. */
    searchName: text('search_name').notNull().default(''),
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('simple', search_name || ' ' || fuel || ' ' || transmission)`),
    priceInr: integer('price_inr').notNull(),
    fuel: text('fuel').notNull(),
    transmission: text('transmission').notNull(),
    engineCc: integer('engine_cc'),
    powerBhp: doublePrecision('power_bhp'),
    torqueNm: doublePrecision('torque_nm'),
    mileageKmpl: doublePrecision('mileage_kmpl'),
    rangeKm: integer('range_km'),
    batteryKwh: doublePrecision('battery_kwh'),
    seats: smallint('seats').notNull(),
    drivetrain: text('drivetrain').notNull(),
    lengthMm: integer('length_mm'),
    widthMm: integer('width_mm'),
    heightMm: integer('height_mm'),
    wheelbaseMm: integer('wheelbase_mm'),
    groundClearanceMm: integer('ground_clearance_mm'),
    bootLitres: integer('boot_litres'),
    kerbWeightKg: integer('kerb_weight_kg'),
    airbags: smallint('airbags'),
    colours: jsonb('colours').$type<Colour[]>().notNull().default([]),
    features: text('features').array().notNull().default(sql`'{}'`),
    // Copies of the model's columns, kept by trigger, so variant lists filter and sort on one table.
    // The defaults only satisfy NOT NULL on insert: the trigger overwrites them from the model.
    brandId: integer('brand_id').notNull().default(0),
    bodyType: text('body_type').notNull().default(''),
    status: text('status').notNull().default(''),
    popularity: smallint('popularity').notNull().default(0),
    launchDate: date('launch_date').notNull().default(sql`current_date`),
    ...timestamps,
    changeSeq: changeSeq(),
  },
  (t) => [
    uniqueIndex('variants_slug_key').on(t.slug),
    index('variants_model_idx').on(t.modelId, t.priceInr),
    index('variants_price_idx').on(t.priceInr, t.id).where(LIVE),
    index('variants_brand_price_idx').on(t.brandId, t.priceInr, t.id).where(LIVE),
    index('variants_body_price_idx').on(t.bodyType, t.priceInr, t.id).where(LIVE),
    index('variants_fuel_price_idx').on(t.fuel, t.priceInr, t.id).where(LIVE),
    index('variants_transmission_price_idx').on(t.transmission, t.priceInr, t.id).where(LIVE),
    index('variants_seats_price_idx').on(t.seats, t.priceInr, t.id).where(LIVE),
    index('variants_change_seq_idx').on(t.changeSeq).where(LIVE),
    index('variants_popularity_idx').on(t.popularity.desc().nullsFirst(), t.id.desc().nullsFirst()).where(LIVE),
    index('variants_launch_idx').on(t.launchDate.desc().nullsFirst(), t.id.desc().nullsFirst()).where(LIVE),
    index('variants_search_name_idx').on(t.searchName, t.id).where(LIVE),
    index('variants_search_idx').using('gin', t.searchVector),
    index('variants_search_trgm_idx').using('gin', t.searchName.op('gin_trgm_ops')),
  ],
);

export const modelImages = pgTable(
  'model_images',
  {
    id: serial('id').primaryKey(),
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id),
    kind: text('kind').notNull().default('exterior'),
    path: text('path').notNull(),
    alt: text('alt').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    position: smallint('position').notNull().default(0),
    bytes: bigint('bytes', { mode: 'number' }),
    /** AVIF/WebP/JPEG renditions written by the media.render job (src/media); null until it has run. */
    renditions: jsonb('renditions'),
    /** Why the media.render job could not render this image (unreadable, a size it cannot render); null otherwise. */
    renderError: text('render_error'),
    ...timestamps,
  },
  (t) => [index('model_images_model_idx').on(t.modelId, t.position)],
);

/**
 * Renditions of each model's generated SVG artwork (src/media/artwork.ts), the picture a model shows until
 * it has photos. `source_hash` is the hash of the SVG they were made from: a brand colour or body type
 * change makes a different SVG, so the row is stale and is rendered again.
 */
export const modelArtwork = pgTable('model_artwork', {
  modelId: integer('model_id')
    .primaryKey()
    .references(() => models.id),
  sourceHash: text('source_hash').notNull(),
  renditions: jsonb('renditions').notNull(),
  renderedAt: timestamp('rendered_at', { withTimezone: true }).notNull().defaultNow(),
});

export const popularComparisons = pgTable(
  'popular_comparisons',
  {
    id: serial('id').primaryKey(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    position: smallint('position').notNull().default(0),
    /**
     * 'editor' (curated: seed, admin) or 'analytics' (written by the roll-up from compare events, which
     * touches only its own rows; an editor's update to one makes it 'editor', see 0005's trigger).
     */
    source: text('source').notNull().default('editor'),
    /** analytics rows: compares of this set over the roll-up window; 0 for curated rows. */
    score: integer('score').notNull().default(0),
    ...timestamps,
  },
  (t) => [uniqueIndex('popular_comparisons_slug_key').on(t.slug), index('popular_comparisons_position_idx').on(t.position)],
);

export const popularComparisonModels = pgTable(
  'popular_comparison_models',
  {
    comparisonId: integer('comparison_id')
      .notNull()
      .references(() => popularComparisons.id, { onDelete: 'cascade' }),
    modelId: integer('model_id')
      .notNull()
      .references(() => models.id),
    position: smallint('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.comparisonId, t.position] }), index('popular_comparison_models_model_idx').on(t.modelId)],
);
