/**
 * The spec sheet: every specification a variant has, grouped and ordered as SPEC_ROWS declares, missing ones
 * left out. Written against the public behaviour (buildSpecSheet and SPEC_ROWS), whatever declares the rows.
 */
import { describe, expect, it } from 'vitest';
import { buildSpecSheet, SPEC_ROWS } from './spec-sheet.js';

type Variant = Parameters<typeof buildSpecSheet>[0];

/** A variant with every specification known (range and battery too, for the sake of the test). */
const CRETA: Variant = {
  id: 7, modelId: 3, modelSlug: 'hyundai-creta', modelName: 'Creta', brandSlug: 'hyundai', brandName: 'Hyundai',
  slug: 'hyundai-creta-sx-o-turbo-dct', name: 'SX(O) 1.5 Turbo DCT', fullName: 'Hyundai Creta SX(O) 1.5 Turbo DCT',
  bodyType: 'suv', status: 'current', priceInr: 2_015_000, fuel: 'petrol', transmission: 'dct', engineCc: 1482,
  powerBhp: 158, torqueNm: 253, mileageKmpl: 18.4, rangeKm: 850, batteryKwh: 1.2, seats: 5, drivetrain: 'fwd',
  launchDate: '2024-01-16',
  lengthMm: 4330, widthMm: 1790, heightMm: 1635, wheelbaseMm: 2610, groundClearanceMm: 190, bootLitres: 433,
  kerbWeightKg: 1380, airbags: 6, safetyRating: 5, crashTestProgramme: 'bharat-ncap', crashTestYear: 2025, crashTestAdultStars: 5, crashTestChildStars: 5, colours: [{ name: 'Abyss Black', hex: '#101010' }], features: ['sunroof'],
};

/** CRETA with the given specifications missing (null), or absent altogether (undefined). */
const without = (keys: readonly string[], missing: null | undefined = null): Variant =>
  Object.assign({}, CRETA, Object.fromEntries(keys.map((key) => [key, missing])));

const groupNames = () => [...new Set(SPEC_ROWS.map((spec) => spec.group))];
const rowsOf = (sheet: ReturnType<typeof buildSpecSheet>) => sheet.flatMap((group) => group.rows);

describe('SPEC_ROWS', () => {
  it('declares each specification once, with a label, and each group in one run (never split in two)', () => {
    const keys = SPEC_ROWS.map((spec) => spec.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const spec of SPEC_ROWS) {
      expect(spec.label.trim(), spec.key).not.toBe('');
      expect(spec.unit === null || spec.unit.trim() !== '', spec.key).toBe(true);
    }
    const runs = SPEC_ROWS.map((spec) => spec.group).filter((group, i, all) => i === 0 || all[i - 1] !== group);
    expect(runs).toEqual(groupNames());
  });

  it('names a field every variant row has', () => {
    for (const spec of SPEC_ROWS) expect(Object.keys(CRETA), spec.key).toContain(spec.key);
  });
});

describe('buildSpecSheet', () => {
  it('lists every specification of a complete variant, in SPEC_ROWS order, with its label, unit and value', () => {
    const sheet = buildSpecSheet(CRETA);
    expect(sheet.map((group) => group.group)).toEqual(groupNames());
    expect(rowsOf(sheet)).toEqual(
      SPEC_ROWS.map((spec) => ({ key: spec.key, label: spec.label, unit: spec.unit, value: CRETA[spec.key as keyof Variant] })),
    );
    for (const group of sheet) for (const row of group.rows) expect(SPEC_ROWS.find((spec) => spec.key === row.key)!.group).toBe(group.group);
  });

  it('carries the price in rupees and the engine in cc', () => {
    const rows = rowsOf(buildSpecSheet(CRETA));
    expect(rows.find((row) => row.key === 'priceInr')).toMatchObject({ value: 2_015_000, unit: 'INR' });
    expect(rows.find((row) => row.key === 'engineCc')).toMatchObject({ value: 1482, unit: 'cc' });
  });

  it('leaves out exactly the one specification that is missing, null or absent', () => {
    for (const spec of SPEC_ROWS) {
      for (const missing of [null, undefined]) {
        const keys = rowsOf(buildSpecSheet(without([spec.key], missing))).map((row) => row.key);
        expect(keys, `${spec.key} ${String(missing)}`).toEqual(SPEC_ROWS.map((s) => s.key).filter((key) => key !== spec.key));
      }
    }
  });

  it('leaves out a group whose specifications are all missing, and keeps the others in order', () => {
    for (const group of groupNames()) {
      const sheet = buildSpecSheet(without(SPEC_ROWS.filter((spec) => spec.group === group).map((spec) => spec.key)));
      expect(sheet.map((g) => g.group)).toEqual(groupNames().filter((name) => name !== group));
    }
  });

  it('keeps zero and text values: only a missing value is left out', () => {
    const rows = rowsOf(buildSpecSheet({ ...CRETA, airbags: 0, rangeKm: 0 }));
    expect(rows.find((row) => row.key === 'airbags')?.value).toBe(0);
    expect(rows.find((row) => row.key === 'rangeKm')?.value).toBe(0);
    expect(rows.find((row) => row.key === 'fuel')?.value).toBe('petrol');
  });

  it('is empty for a variant with no specification known', () => {
    expect(buildSpecSheet(without(SPEC_ROWS.map((spec) => spec.key)))).toEqual([]);
  });
});
