/** Display formats of the Indian market: prices in lakh and crore, numbers with Indian digit grouping. */

const LAKH = 100_000;
const CRORE = 10_000_000;
const grouping = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 });

/** `₹ 85,000`, `₹ 11.00 Lakh`, `₹ 1.20 Crore`. */
export function formatInr(amount: number): string {
  if (amount >= CRORE) return `₹ ${(amount / CRORE).toFixed(2)} Crore`;
  if (amount >= LAKH) return `₹ ${(amount / LAKH).toFixed(2)} Lakh`;
  return `₹ ${grouping.format(Math.round(amount))}`;
}

/** Exact rupees with Indian grouping, for breakdowns: `₹ 11,04,500`. */
export function formatInrExact(amount: number): string {
  return `₹ ${grouping.format(Math.round(amount))}`;
}

/** `₹ 6.49 - 11.00 Lakh` when both ends share a unit, else both in full; `Price to be announced` without prices. */
export function formatPriceRange(min: number | null, max: number | null): string {
  if (min === null) return 'Price to be announced';
  if (max === null || max === min) return formatInr(min);
  const [low, high] = [formatInr(min), formatInr(max)];
  const unit = (s: string) => s.split(' ').slice(2).join(' ');
  if (unit(low) !== '' && unit(low) === unit(high)) return `${low.split(' ').slice(0, 2).join(' ')} - ${high.slice(2)}`;
  return `${low} - ${high}`;
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat('en-IN', { maximumFractionDigits: 1 }).format(value);
}

const LABELS: Record<string, string> = {
  suv: 'SUV', muv: 'MUV', cng: 'CNG', amt: 'AMT', cvt: 'CVT', dct: 'DCT', fwd: 'FWD', rwd: 'RWD', awd: 'AWD', '4wd': '4WD',
  'bharat-ncap': 'Bharat NCAP', 'global-ncap': 'Global NCAP',
};

/** `suv` → `SUV`, `hatchback` → `Hatchback`. */
export function label(value: string): string {
  return LABELS[value] ?? value.charAt(0).toUpperCase() + value.slice(1);
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-IN', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Asia/Kolkata' });
}
