/**
 * The spec sheet: every specification a variant has, with its label, unit and group, in display order.
 * The variant page and the comparison both read it, so they always agree on names and units.
 */
import type { VariantDetailRow } from './repository.js';

export type SpecValue = string | number | null;

export interface SpecRow {
  key: string;
  label: string;
  unit: string | null;
  group: string;
  read: (v: VariantDetailRow) => SpecValue;
}

const row = (group: string, key: keyof VariantDetailRow, label: string, unit: string | null = null): SpecRow => ({
  key,
  label,
  unit,
  group,
  read: (v) => (v[key] ?? null) as SpecValue,
});

export const SPEC_ROWS: readonly SpecRow[] = [
  row('Price', 'priceInr', 'Ex-showroom price', 'INR'),
  row('Engine & transmission', 'fuel', 'Fuel'),
  row('Engine & transmission', 'engineCc', 'Engine displacement', 'cc'),
  row('Engine & transmission', 'powerBhp', 'Max power', 'bhp'),
  row('Engine & transmission', 'torqueNm', 'Max torque', 'Nm'),
  row('Engine & transmission', 'transmission', 'Transmission'),
  row('Engine & transmission', 'drivetrain', 'Drivetrain'),
  row('Efficiency', 'mileageKmpl', 'Claimed mileage', 'km/l'),
  row('Efficiency', 'rangeKm', 'Claimed range', 'km'),
  row('Efficiency', 'batteryKwh', 'Battery capacity', 'kWh'),
  row('Dimensions & capacity', 'lengthMm', 'Length', 'mm'),
  row('Dimensions & capacity', 'widthMm', 'Width', 'mm'),
  row('Dimensions & capacity', 'heightMm', 'Height', 'mm'),
  row('Dimensions & capacity', 'wheelbaseMm', 'Wheelbase', 'mm'),
  row('Dimensions & capacity', 'groundClearanceMm', 'Ground clearance', 'mm'),
  row('Dimensions & capacity', 'bootLitres', 'Boot space', 'litres'),
  row('Dimensions & capacity', 'kerbWeightKg', 'Kerb weight', 'kg'),
  row('Dimensions & capacity', 'seats', 'Seating capacity', 'seats'),
  row('Safety', 'airbags', 'Airbags'),
  row('Safety', 'safetyRating', 'NCAP rating (adult)', 'stars'),
];

export interface SpecGroup {
  group: string;
  rows: { key: string; label: string; value: SpecValue; unit: string | null }[];
}

export function buildSpecSheet(variant: VariantDetailRow): SpecGroup[] {
  const groups = new Map<string, SpecGroup>();
  for (const spec of SPEC_ROWS) {
    const value = spec.read(variant);
    if (value === null) continue;
    let group = groups.get(spec.group);
    if (!group) {
      group = { group: spec.group, rows: [] };
      groups.set(spec.group, group);
    }
    group.rows.push({ key: spec.key, label: spec.label, value, unit: spec.unit });
  }
  return [...groups.values()];
}
