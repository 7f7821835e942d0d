/**
 * Analytics: the raw visitor events and what the roll-up job derives from them (hourly counts per model and
 * per compared set, and the trending list). The code is in src/analytics/.
 */
import { bigserial, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { models } from './catalogue.js';

/**
 * Raw events, written in batches by the ingest buffer. In the database this table is PARTITIONED BY RANGE
 * (created_at): one partition per UTC month (`analytics_events_yYYYYmMM`) plus a DEFAULT partition, kept by
 * the SQL function `analytics_events_maintain` (drizzle/0005_analytics_partitions.sql). drizzle-kit cannot
 * express partitioning, so this definition only gives the columns, key and indexes their types; never let
 * drizzle-kit generate a change to this table, write it by hand in a migration.
 * No foreign keys: events outlive renamed or deleted models, and the ingest path must not pay for checks.
 */
export const analyticsEvents = pgTable(
  'analytics_events',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    /** Path of the page, without query string or fragment. */
    path: text('path'),
    /** The model viewed (or the variant's model); null when the slug was unknown. */
    modelId: integer('model_id'),
    variantId: integer('variant_id'),
    /** compare: the compared variants and their distinct models, both ascending, so equal sets group. */
    variantIds: integer('variant_ids').array(),
    modelIds: integer('model_ids').array(),
    sessionId: text('session_id'),
    /** When the server received the event (not when it was flushed), so late flushes land in the right month. */
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.createdAt] }),
    index('analytics_events_type_created_idx').on(t.type, t.createdAt),
    index('analytics_events_model_created_idx').on(t.modelId, t.createdAt),
  ],
);

/** Events per model and UTC hour (page views, compares the model was part of, lead-form opens). */
export const analyticsModelHourly = pgTable(
  'analytics_model_hourly',
  {
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    modelId: integer('model_id').notNull(),
    pageViews: integer('page_views').notNull().default(0),
    compares: integer('compares').notNull().default(0),
    leadFormOpens: integer('lead_form_opens').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.hour, t.modelId] })],
);

/** Compare events per set of models (ascending model ids) and UTC hour. */
export const analyticsCompareHourly = pgTable(
  'analytics_compare_hourly',
  {
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    modelIds: integer('model_ids').array().notNull(),
    compares: integer('compares').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hour, t.modelIds] })],
);

/** The trending list: a weighted count of each model's events over the last days, rewritten by every roll-up. */
export const trendingModels = pgTable(
  'trending_models',
  {
    modelId: integer('model_id')
      .primaryKey()
      .references(() => models.id, { onDelete: 'cascade' }),
    score: integer('score').notNull(),
    pageViews: integer('page_views').notNull(),
    compares: integer('compares').notNull(),
    leadFormOpens: integer('lead_form_opens').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('trending_models_score_idx').on(t.score.desc(), t.modelId)],
);
