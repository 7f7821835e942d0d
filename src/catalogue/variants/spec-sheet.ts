/**
 * The spec sheet: every specification a variant has, with its label, unit and group, in display order.
 * The variant page and the comparison both read it, so they always agree on names and units. Its rows are
 * the registry's spec-sheet fields (src/catalogue/fields): the variant's own, then its model's (the crash
 * test), grouped in SPEC_GROUPS order.
 */
import { MODEL_FIELDS, SPEC_GROUPS, VARIANT_FIELDS, type FieldDef } from '../fields/index.js';
import type { VariantDetailRow } from './repository.js';

export type SpecValue = string | number | null;

export interface SpecRow {
  key: string;
  label: string;
  unit: string | null;
  group: string;
  read: (v: VariantDetailRow) => SpecValue;
}

const SHEET_FIELDS: FieldDef[] = [...Object.values(VARIANT_FIELDS), ...Object.values(MODEL_FIELDS)].filter((def) => def.specSheet);

export const SPEC_ROWS: readonly SpecRow[] = SPEC_GROUPS.flatMap((group) => SHEET_FIELDS.filter((def) => def.group === group)).map((def) => ({
  key: def.key,
  label: def.label,
  unit: def.unit,
  group: def.group ?? '',
  read: (v) => ((v as Record<string, unknown>)[def.key] ?? null) as SpecValue,
}));

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
