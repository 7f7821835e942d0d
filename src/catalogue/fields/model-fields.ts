/**
 * A model's own fields, declared once (declaration order is the order of the API's properties).
 *
 * Not fields (see registry-tables.test.ts): the identity and references (id, slug, name, brand_id),
 * the search columns, the colour and feature lists, the columns derived from the variants by trigger
 * (price range and its sort keys, fuels, transmissions, seat options, variant count), timestamps and version.
 *
 * The crash test. A crash test rates a car's body, and the programmes test one body per model, so the
 * rating lives here, once: programme, year, adult-occupant and child-occupant stars, all null (not tested,
 * or not a result we are sure of) or all set (a CHECK constraint holds them together). Variants used to carry
 * their own `safety_rating`, copied from the model in the seed files: two sources of truth that an edit could
 * split, and a number without its programme or year, which misleads (Global NCAP's 2021 protocol and Bharat
 * NCAP's are not the same test). Migration 0010 dropped it; variant answers keep a `safetyRating` property,
 * filled from the model's adult stars, so existing API clients keep working.
 */
import { BODY_TYPES, CRASH_TEST_PROGRAMMES, MODEL_STATUSES } from '../vocabulary.js';
import { defineFields, field, integer, isoDate, oneOf, text } from './define-field.js';

/** The first year either programme published an Indian result (Global NCAP's Safer Cars for India, 2014). */
const FIRST_CRASH_TEST_YEAR = 2014;
const LAST_CRASH_TEST_YEAR = 2100;
const STARS = integer(0, 5, 'smallint');
const CRASH_TEST = 'crash test';

export const MODEL_FIELDS = defineFields({
  bodyType: field({ column: 'body_type', value: oneOf(BODY_TYPES), nullable: false, api: 'summary', label: 'Body type' }),
  segment: field({ column: 'segment', value: text(4), nullable: false, api: 'summary', label: 'Segment' }),
  status: field({ column: 'status', value: oneOf(MODEL_STATUSES), nullable: false, api: 'summary', label: 'Status' }),
  launchDate: field({ column: 'launch_date', value: isoDate(), nullable: false, api: 'summary', label: 'Launch date' }),
  popularity: field({ column: 'popularity', value: integer(0, 100, 'smallint'), nullable: false, required: false, fallback: '0', api: 'summary', label: 'Popularity' }),
  crashTestProgramme: field({
    column: 'crash_test_programme', value: oneOf(CRASH_TEST_PROGRAMMES), nullable: true, api: 'summary', label: 'Crash test', group: 'Safety',
    specSheet: true, together: CRASH_TEST, description: 'crash-test programme; null when not tested (all four crashTest fields are null or set together)',
  }),
  crashTestYear: field({
    column: 'crash_test_year', value: integer(FIRST_CRASH_TEST_YEAR, LAST_CRASH_TEST_YEAR, 'smallint'), nullable: true, api: 'summary',
    label: 'Crash test year', group: 'Safety', specSheet: true, together: CRASH_TEST, description: 'year the result was published',
  }),
  crashTestAdultStars: field({
    column: 'crash_test_adult_stars', value: STARS, nullable: true, api: 'summary', label: 'Adult occupant rating', unit: 'stars', group: 'Safety',
    specSheet: true, together: CRASH_TEST, filter: { param: 'safetyMin', description: 'crash-test adult-occupant stars at least this (untested cars are left out)' },
  }),
  crashTestChildStars: field({
    column: 'crash_test_child_stars', value: STARS, nullable: true, api: 'summary', label: 'Child occupant rating', unit: 'stars', group: 'Safety', specSheet: true, together: CRASH_TEST,
  }),
  description: field({ column: 'description', value: text(4000, 0), nullable: false, required: false, fallback: "''", api: 'detail', label: 'Description' }),
});
export type ModelFields = typeof MODEL_FIELDS;

/** The crash-test fields, which are null or set together. */
export const CRASH_TEST_FIELDS = [MODEL_FIELDS.crashTestProgramme, MODEL_FIELDS.crashTestYear, MODEL_FIELDS.crashTestAdultStars, MODEL_FIELDS.crashTestChildStars];
