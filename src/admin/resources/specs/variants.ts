import { Type } from '@sinclair/typebox';
import { variantChanged } from '../../../catalogue/cache-tags.js';
import { DRIVETRAINS, FUELS, StringEnum, TRANSMISSIONS } from '../../../lib/schemas.js';
import { defineResource } from '../resource.js';
import { idOfSlug, listColumns, refuseIfParentDeleted, textColumns, valueColumns } from '../input.js';
import { Colours, Features, Meta, META_COLUMNS, Slug, slugFilter, Text } from './common.js';

const int = (max: number) => Type.Union([Type.Integer({ minimum: 0, maximum: max }), Type.Null()]);
const num = (max: number) => Type.Union([Type.Number({ minimum: 0, maximum: max }), Type.Null()]);

/** The optional spec sheet: null where a figure does not apply (engine size of an EV) or is unknown. */
const SpecFields = {
  engineCc: int(10_000),
  powerBhp: num(2_000),
  torqueNm: num(3_000),
  mileageKmpl: num(100),
  rangeKm: int(2_000),
  batteryKwh: num(300),
  lengthMm: int(10_000),
  widthMm: int(5_000),
  heightMm: int(5_000),
  wheelbaseMm: int(6_000),
  groundClearanceMm: int(1_000),
  bootLitres: int(5_000),
  kerbWeightKg: int(10_000),
  safetyRating: Type.Union([Type.Integer({ minimum: 0, maximum: 5 }), Type.Null()]),
};

const Required = {
  slug: Slug,
  model: Slug,
  name: Text(80),
  priceInr: Type.Integer({ minimum: 100_000, maximum: 1_000_000_000, description: 'ex-showroom, INR' }),
  fuel: StringEnum(FUELS),
  transmission: StringEnum(TRANSMISSIONS),
  seats: Type.Integer({ minimum: 1, maximum: 20 }),
  drivetrain: StringEnum(DRIVETRAINS),
  airbags: Type.Integer({ minimum: 0, maximum: 20 }),
};

const COLUMNS: Record<string, string> = {
  slug: 'slug', priceInr: 'price_inr', fuel: 'fuel', transmission: 'transmission', seats: 'seats', drivetrain: 'drivetrain', airbags: 'airbags',
  engineCc: 'engine_cc', powerBhp: 'power_bhp', torqueNm: 'torque_nm', mileageKmpl: 'mileage_kmpl', rangeKm: 'range_km', batteryKwh: 'battery_kwh',
  lengthMm: 'length_mm', widthMm: 'width_mm', heightMm: 'height_mm', wheelbaseMm: 'wheelbase_mm', groundClearanceMm: 'ground_clearance_mm',
  bootLitres: 'boot_litres', kerbWeightKg: 'kerb_weight_kg', safetyRating: 'safety_rating',
};

const View = Type.Object({ ...Meta, ...Required, ...SpecFields, brand: Slug, colours: Colours, features: Features });
type VariantView = { id: number; version: number; deletedAt: string | null; slug: string; model: string; brand: string };

const Writable = { ...Required, ...Object.fromEntries(Object.entries(SpecFields).map(([k, v]) => [k, Type.Optional(v)])), colours: Type.Optional(Colours), features: Type.Optional(Features) };

export const variantsResource = defineResource<VariantView>({
  path: 'variants',
  entity: 'variant',
  table: 'variants',
  read: 'catalogue:read',
  write: 'catalogue:write',
  View,
  Create: Type.Object(Writable, { additionalProperties: false }),
  Update: Type.Partial(Type.Object({ ...Required, ...SpecFields, colours: Colours, features: Features }), { additionalProperties: false }),
  select: `SELECT ${META_COLUMNS}, t.slug, m.slug AS model, b.slug AS brand, t.name, t.price_inr AS "priceInr", t.fuel, t.transmission, t.seats,
    t.drivetrain, t.airbags, t.engine_cc AS "engineCc", t.power_bhp AS "powerBhp", t.torque_nm AS "torqueNm", t.mileage_kmpl AS "mileageKmpl",
    t.range_km AS "rangeKm", t.battery_kwh AS "batteryKwh", t.length_mm AS "lengthMm", t.width_mm AS "widthMm", t.height_mm AS "heightMm",
    t.wheelbase_mm AS "wheelbaseMm", t.ground_clearance_mm AS "groundClearanceMm", t.boot_litres AS "bootLitres",
    t.kerb_weight_kg AS "kerbWeightKg", t.safety_rating AS "safetyRating", t.colours, t.features
    FROM variants t JOIN models m ON m.id = t.model_id JOIN brands b ON b.id = m.brand_id`,
  search: ['t.name', 't.slug'],
  filters: { model: slugFilter('models', 'model_id') },
  async toColumns(input, tx) {
    const columns = { ...textColumns(input, { name: 'name' }), ...valueColumns(input, COLUMNS), ...listColumns(input) };
    if (typeof input.model === 'string') Object.assign(columns, { model_id: await idOfSlug(tx, 'models', input.model, 'model') });
    return columns;
  },
  beforeRestore: (tx, view) => refuseIfParentDeleted(tx, 'models', view.model, 'variant'),
  tags: (view) => variantChanged(view.slug, view.model, view.brand),
});
