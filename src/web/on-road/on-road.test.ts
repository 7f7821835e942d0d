/**
 * On-road price: ex-showroom + the state's road tax band + registration + insurance + FASTag + TCS. Checked
 * against the shipped rules (worked examples per city, and the rules' own consistency) and against small
 * rules made here for the edges.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CITY, ON_ROAD_RULES, onRoadPrice, type OnRoadRules } from './on-road.js';

const FUELS = ['petrol', 'diesel', 'cng', 'electric', 'hybrid'];

/** One state, two cities, bounded bands only (no open-ended last band). */
const SMALL_RULES: OnRoadRules = {
  insurancePercent: 2,
  electricInsurancePercent: 3,
  fastagInr: 500,
  tcsPercent: 1,
  tcsAboveInr: 1_000_000,
  states: {
    XX: {
      name: 'Example',
      registrationInr: 700,
      roadTax: { default: [{ upToInr: 500_000, percent: 5 }, { upToInr: 1_500_000, percent: 10 }], diesel: [{ upToInr: null, percent: 12 }] },
    },
  },
  cities: [
    { slug: 'here', name: 'Here', state: 'XX' },
    { slug: 'nowhere', name: 'Nowhere', state: 'ZZ' },
  ],
};

describe('onRoadPrice with the shipped rules', () => {
  it.each([
    // city, fuel, ex-showroom → road tax, registration, insurance, FASTag + TCS, total
    ['new-delhi', 'petrol', 800_000, 56_000, 1_000, 25_600, 600, 883_200],
    ['new-delhi', 'diesel', 1_200_000, 150_000, 1_000, 38_400, 12_600, 1_402_000],
    ['mumbai', 'diesel', 1_500_000, 210_000, 1_150, 48_000, 15_600, 1_774_750],
    ['pune', 'cng', 900_000, 63_000, 1_150, 28_800, 600, 993_550],
    ['bengaluru', 'electric', 2_000_000, 0, 1_300, 72_000, 20_600, 2_093_900],
    ['bengaluru', 'petrol', 2_500_000, 450_000, 1_300, 80_000, 25_600, 3_056_900],
    ['chennai', 'hybrid', 1_000_000, 120_000, 1_200, 32_000, 600, 1_153_800],
    ['ahmedabad', 'petrol', 700_000, 42_000, 900, 22_400, 600, 765_900],
  ])('%s, %s at ₹%i', (city, fuel, priceInr, roadTaxInr, registrationInr, insuranceInr, otherInr, totalInr) => {
    expect(onRoadPrice(ON_ROAD_RULES, city, priceInr, fuel)).toMatchObject({ exShowroomInr: priceInr, roadTaxInr, registrationInr, insuranceInr, otherInr, totalInr });
  });

  it('names the city and its state', () => {
    expect(onRoadPrice(ON_ROAD_RULES, 'pune', 1_000_000, 'petrol')).toMatchObject({ city: 'Pune', state: 'Maharashtra' });
    expect(onRoadPrice(ON_ROAD_RULES, DEFAULT_CITY, 1_000_000, 'petrol')).toMatchObject({ city: 'New Delhi', state: 'Delhi' });
  });

  it('is the sum of its parts, the same in every city of one state, and never below the ex-showroom price', () => {
    for (const { slug, state } of ON_ROAD_RULES.cities) {
      const sibling = ON_ROAD_RULES.cities.find((c) => c.state === state && c.slug !== slug);
      for (const fuel of FUELS) {
        for (const priceInr of [350_000, 600_000, 1_000_000, 1_000_001, 2_500_000, 15_000_000]) {
          const price = onRoadPrice(ON_ROAD_RULES, slug, priceInr, fuel)!;
          expect(price.totalInr).toBe(price.exShowroomInr + price.roadTaxInr + price.registrationInr + price.insuranceInr + price.otherInr);
          expect(price.totalInr).toBeGreaterThan(priceInr);
          if (sibling) expect(onRoadPrice(ON_ROAD_RULES, sibling.slug, priceInr, fuel)!.totalInr).toBe(price.totalInr);
        }
      }
    }
  });

  it('charges no road tax on electric cars anywhere, and electric insurance instead', () => {
    for (const { slug } of ON_ROAD_RULES.cities) {
      const price = onRoadPrice(ON_ROAD_RULES, slug, 1_500_000, 'electric')!;
      expect(price.roadTaxInr, slug).toBe(0);
      expect(price.insuranceInr).toBe(Math.round((1_500_000 * ON_ROAD_RULES.electricInsurancePercent) / 100));
    }
  });

  it('is null for a city the rules do not know', () => {
    expect(onRoadPrice(ON_ROAD_RULES, 'atlantis', 1_000_000, 'petrol')).toBeNull();
    expect(onRoadPrice(ON_ROAD_RULES, '', 1_000_000, 'petrol')).toBeNull();
    expect(onRoadPrice(ON_ROAD_RULES, 'New Delhi', 1_000_000, 'petrol')).toBeNull();
  });
});

describe('the shipped rules', () => {
  it('have the default city, unique city slugs, and a state for every city', () => {
    const slugs = ON_ROAD_RULES.cities.map((c) => c.slug);
    expect(slugs).toContain(DEFAULT_CITY);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const city of ON_ROAD_RULES.cities) expect(ON_ROAD_RULES.states[city.state], city.slug).toBeDefined();
  });

  it('have tax bands in rising order that end open-ended, with sane percentages', () => {
    for (const [code, state] of Object.entries(ON_ROAD_RULES.states)) {
      for (const [fuel, bands] of Object.entries(state.roadTax)) {
        const where = `${code} ${fuel}`;
        expect(bands!.length, where).toBeGreaterThan(0);
        expect(bands!.at(-1)!.upToInr, where).toBeNull();
        const bounds = bands!.slice(0, -1).map((b) => b.upToInr!);
        expect(bounds, where).toEqual([...bounds].sort((a, b) => a - b));
        expect(new Set(bounds).size, where).toBe(bounds.length);
        for (const band of bands!) expect(band.percent >= 0 && band.percent <= 30, where).toBe(true);
      }
    }
  });
});

describe('onRoadPrice at the edges', () => {
  it('takes a band’s upper bound as inside it', () => {
    expect(onRoadPrice(SMALL_RULES, 'here', 500_000, 'petrol')!.roadTaxInr).toBe(25_000);
    expect(onRoadPrice(SMALL_RULES, 'here', 500_001, 'petrol')!.roadTaxInr).toBe(50_000);
    expect(onRoadPrice(ON_ROAD_RULES, 'new-delhi', 600_000, 'petrol')!.roadTaxInr).toBe(24_000);
    expect(onRoadPrice(ON_ROAD_RULES, 'new-delhi', 600_001, 'petrol')!.roadTaxInr).toBe(42_000);
  });

  it('applies the last band above the last bound when no band is open-ended', () => {
    expect(onRoadPrice(SMALL_RULES, 'here', 3_000_000, 'petrol')!.roadTaxInr).toBe(300_000);
  });

  it('uses a fuel’s own bands when the state has them, else the default ones', () => {
    expect(onRoadPrice(SMALL_RULES, 'here', 400_000, 'diesel')!.roadTaxInr).toBe(48_000);
    expect(onRoadPrice(SMALL_RULES, 'here', 400_000, 'cng')!.roadTaxInr).toBe(20_000);
    expect(onRoadPrice(SMALL_RULES, 'here', 400_000, 'no-such-fuel')!.roadTaxInr).toBe(20_000);
  });

  it('adds TCS only strictly above its threshold', () => {
    expect(onRoadPrice(SMALL_RULES, 'here', 1_000_000, 'petrol')!.otherInr).toBe(500);
    expect(onRoadPrice(SMALL_RULES, 'here', 1_000_001, 'petrol')!.otherInr).toBe(500 + 10_000);
  });

  it('rounds each component to the rupee', () => {
    const price = onRoadPrice(SMALL_RULES, 'here', 123_457, 'electric')!;
    expect(price).toMatchObject({ roadTaxInr: 6_173, insuranceInr: 3_704, otherInr: 500, registrationInr: 700 });
    expect(price.totalInr).toBe(123_457 + 6_173 + 700 + 3_704 + 500);
  });

  it('is null for a city whose state the rules lack', () => {
    expect(onRoadPrice(SMALL_RULES, 'nowhere', 500_000, 'petrol')).toBeNull();
  });
});
