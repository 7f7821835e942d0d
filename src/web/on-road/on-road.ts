/**
 * On-road price: ex-showroom + road tax (the state's band for the price and fuel) + registration +
 * first-year insurance + FASTag + TCS above the threshold. The rules are data (rules.json), so a state's
 * new rate is a one-line change; the function is pure.
 */
import RULES from './rules.json' with { type: 'json' };

export interface TaxBand {
  /** Inclusive upper bound of the ex-showroom price; null for the last band. */
  upToInr: number | null;
  percent: number;
}

export interface StateRules {
  name: string;
  registrationInr: number;
  roadTax: { default: TaxBand[] } & Partial<Record<string, TaxBand[]>>;
}

export interface OnRoadRules {
  insurancePercent: number;
  electricInsurancePercent: number;
  fastagInr: number;
  tcsPercent: number;
  tcsAboveInr: number;
  states: Record<string, StateRules>;
  cities: { slug: string; name: string; state: string }[];
}

export interface OnRoadPrice {
  city: string;
  state: string;
  exShowroomInr: number;
  roadTaxInr: number;
  registrationInr: number;
  insuranceInr: number;
  otherInr: number;
  totalInr: number;
}

export const DEFAULT_CITY = 'new-delhi';

/** The rules kept in rules.json (imported, so the build copies the file next to this module). */
export const ON_ROAD_RULES: OnRoadRules = RULES as OnRoadRules;

function bandPercent(bands: TaxBand[], priceInr: number): number {
  const band = bands.find((b) => b.upToInr === null || priceInr <= b.upToInr) ?? bands.at(-1);
  return band?.percent ?? 0;
}

/** The on-road price in `citySlug`, or null for a city the rules do not know. */
export function onRoadPrice(rules: OnRoadRules, citySlug: string, priceInr: number, fuel: string): OnRoadPrice | null {
  const city = rules.cities.find((c) => c.slug === citySlug);
  const state = city === undefined ? undefined : rules.states[city.state];
  if (city === undefined || state === undefined) return null;
  const roadTaxInr = Math.round((priceInr * bandPercent(state.roadTax[fuel] ?? state.roadTax.default, priceInr)) / 100);
  const insurancePercent = fuel === 'electric' ? rules.electricInsurancePercent : rules.insurancePercent;
  const insuranceInr = Math.round((priceInr * insurancePercent) / 100);
  const tcsInr = priceInr > rules.tcsAboveInr ? Math.round((priceInr * rules.tcsPercent) / 100) : 0;
  const otherInr = rules.fastagInr + tcsInr;
  return {
    city: city.name,
    state: state.name,
    exShowroomInr: priceInr,
    roadTaxInr,
    registrationInr: state.registrationInr,
    insuranceInr,
    otherInr,
    totalInr: priceInr + roadTaxInr + state.registrationInr + insuranceInr + otherInr,
  };
}
