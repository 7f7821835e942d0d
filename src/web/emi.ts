/** Car-loan instalments (the reducing-balance formula banks quote), shared by the page and the slider island. */

export interface EmiInput {
  priceInr: number;
  /** Down payment as a percentage of the price. */
  downPaymentPercent: number;
  /** Annual interest rate, percent. */
  ratePercent: number;
  tenureMonths: number;
}

export interface EmiResult {
  loanInr: number;
  monthlyInr: number;
  totalInterestInr: number;
}

export const EMI_DEFAULTS = { downPaymentPercent: 20, ratePercent: 9.5, tenureMonths: 60 } as const;
export const EMI_LIMITS = {
  downPaymentPercent: { min: 0, max: 90 },
  ratePercent: { min: 5, max: 20 },
  tenureMonths: { min: 12, max: 96 },
} as const;

export function computeEmi({ priceInr, downPaymentPercent, ratePercent, tenureMonths }: EmiInput): EmiResult {
  const loanInr = Math.round(priceInr * (1 - downPaymentPercent / 100));
  const r = ratePercent / 12 / 100;
  const monthly = r === 0 ? loanInr / tenureMonths : (loanInr * r * (1 + r) ** tenureMonths) / ((1 + r) ** tenureMonths - 1);
  const monthlyInr = Math.round(monthly);
  return { loanInr, monthlyInr, totalInterestInr: Math.max(0, monthlyInr * tenureMonths - loanInr) };
}
