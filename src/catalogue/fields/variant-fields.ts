/**
 * Every specification a variant carries, declared once. Declaration order is the order of the API's
 * properties; the spec sheet shows them by group (SPEC_GROUPS), in declaration order within a group.
 *
 * Not fields (see registry-tables.test.ts): the identity and references (id, slug, name, model_id),
 * the search columns, the colour and feature lists, the copies of model columns kept by trigger, and the
 * row's timestamps and version.
 *
 * There is no variant crash-test rating: a crash test rates a model's body, so the model's crash-test fields
 * (model-fields.ts) are the one truth, shown on each of its variants' spec sheets; the variant answers'
 * `safetyRating` is the model's adult-occupant stars, kept for the API's compatibility.
 */
import { DRIVETRAINS, FUELS, TRANSMISSIONS } from '../vocabulary.js';
import { decimal, defineFields, field, integer, oneOf } from './define-field.js';

const ENGINE = 'Engine & transmission';
const DIMENSIONS = 'Dimensions & capacity';

/** A nullable whole-number figure of the detail answer (a dimension or capacity). */
const dimension = (column: string, label: string, max: number, unit: string) =>
  field({ column, value: integer(0, max), nullable: true, api: 'detail', label, unit, group: DIMENSIONS, specSheet: true });

export const VARIANT_FIELDS = defineFields({
  priceInr: field({
    column: 'price_inr', value: integer(100_000, 1_000_000_000), nullable: false, api: 'summary', label: 'Ex-showroom price', unit: 'INR',
    group: 'Price', specSheet: true, description: 'ex-showroom price, INR',
  }),
  fuel: field({ column: 'fuel', value: oneOf(FUELS), nullable: false, api: 'summary', label: 'Fuel', group: ENGINE, specSheet: true }),
  transmission: field({ column: 'transmission', value: oneOf(TRANSMISSIONS), nullable: false, api: 'summary', label: 'Transmission', group: ENGINE, specSheet: true }),
  engineCc: field({
    column: 'engine_cc', value: integer(0, 10_000), nullable: true, api: 'summary', label: 'Engine displacement', unit: 'cc', group: ENGINE, specSheet: true, keySpec: true,
  }),
  powerBhp: field({ column: 'power_bhp', value: decimal(0, 2_000), nullable: true, api: 'summary', label: 'Max power', unit: 'bhp', group: ENGINE, specSheet: true, keySpec: true }),
  torqueNm: field({ column: 'torque_nm', value: decimal(0, 3_000), nullable: true, api: 'summary', label: 'Max torque', unit: 'Nm', group: ENGINE, specSheet: true, keySpec: true }),
  mileageKmpl: field({
    column: 'mileage_kmpl', value: decimal(0, 100), nullable: true, api: 'summary', label: 'Claimed mileage', unit: 'km/l', group: 'Efficiency', specSheet: true,
    keySpec: true, description: 'claimed; km/kg for CNG',
  }),
  rangeKm: field({ column: 'range_km', value: integer(0, 2_000), nullable: true, api: 'summary', label: 'Claimed range', unit: 'km', group: 'Efficiency', specSheet: true, keySpec: true }),
  batteryKwh: field({ column: 'battery_kwh', value: decimal(0, 300), nullable: true, api: 'summary', label: 'Battery capacity', unit: 'kWh', group: 'Efficiency', specSheet: true }),
  seats: field({ column: 'seats', value: integer(1, 20, 'smallint'), nullable: false, api: 'summary', label: 'Seating capacity', unit: 'seats', group: DIMENSIONS, specSheet: true, keySpec: true }),
  drivetrain: field({ column: 'drivetrain', value: oneOf(DRIVETRAINS), nullable: false, api: 'summary', label: 'Drivetrain', group: ENGINE, specSheet: true }),
  lengthMm: dimension('length_mm', 'Length', 10_000, 'mm'),
  widthMm: dimension('width_mm', 'Width', 5_000, 'mm'),
  heightMm: dimension('height_mm', 'Height', 5_000, 'mm'),
  wheelbaseMm: dimension('wheelbase_mm', 'Wheelbase', 6_000, 'mm'),
  groundClearanceMm: { ...dimension('ground_clearance_mm', 'Ground clearance', 1_000, 'mm'), keySpec: true },
  bootLitres: { ...dimension('boot_litres', 'Boot space', 5_000, 'litres'), keySpec: true },
  kerbWeightKg: dimension('kerb_weight_kg', 'Kerb weight', 10_000, 'kg'),
  airbags: field({
    column: 'airbags', value: integer(0, 20, 'smallint'), nullable: true, required: true, api: 'detail', label: 'Airbags', unit: null, group: 'Safety',
    specSheet: true, keySpec: true,
  }),
});
export type VariantFields = typeof VARIANT_FIELDS;
