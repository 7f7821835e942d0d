/**
 * A model's key specs: each registry variant field marked `keySpec`, as the min-max range over the model's
 * variants, with its unit (a count without a unit, such as airbags, is named by its label).
 */
import { VARIANT_FIELDS, type FieldDef } from '../fields/index.js';

export interface KeySpecRange {
  min: number | null;
  max: number | null;
  unit: string;
}

/** The key-spec fields, in declaration order. */
export function keySpecFields(): FieldDef[] {
  return Object.values(VARIANT_FIELDS).filter((def) => def.keySpec);
}

export function keySpecUnit(def: FieldDef): string {
  return def.unit ?? def.label.toLowerCase();
}

const range = (values: unknown[], unit: string): KeySpecRange => {
  const numbers = values.filter((x): x is number => typeof x === 'number');
  return { min: numbers.length ? Math.min(...numbers) : null, max: numbers.length ? Math.max(...numbers) : null, unit };
};

/** The ranges of every key spec over `variants`, and the crash test's adult stars as the compatible `safetyRating`. */
export function keySpecRanges(variants: readonly Record<string, unknown>[], adultStars: number | null): Record<string, KeySpecRange> {
  const specs: Record<string, KeySpecRange> = {};
  for (const def of keySpecFields()) specs[def.key] = range(variants.map((v) => v[def.key]), keySpecUnit(def));
  specs.safetyRating = range([adultStars], 'stars');
  return specs;
}
