/** Car-loan instalments by the reducing-balance formula banks quote; the same module runs in the slider island. */
import { describe, expect, it } from 'vitest';
import { computeEmi, EMI_DEFAULTS, EMI_LIMITS, type EmiInput } from './emi.js';

/** What is still owed after paying `monthlyInr` each month for the tenure (negative: overpaid). */
function balanceAfter({ loanInr, ratePercent, tenureMonths }: { loanInr: number; ratePercent: number; tenureMonths: number }, monthlyInr: number): number {
  const r = ratePercent / 12 / 100;
  let balance = loanInr;
  for (let month = 0; month < tenureMonths; month++) balance = balance * (1 + r) - monthlyInr;
  return balance;
}

const loan = (input: Partial<EmiInput>): EmiInput => ({ priceInr: 1_000_000, downPaymentPercent: 0, ratePercent: 9, tenureMonths: 60, ...input });

describe('computeEmi', () => {
  it('quotes ₹20,758 a month for ₹10,00,000 at 9% over 60 months, as a bank does', () => {
    expect(computeEmi(loan({}))).toEqual({ loanInr: 1_000_000, monthlyInr: 20_758, totalInterestInr: 20_758 * 60 - 1_000_000 });
  });

  it('borrows the price less the down payment, in whole rupees', () => {
    expect(computeEmi(loan({ priceInr: 1_250_000, downPaymentPercent: 20 }))).toMatchObject({ loanInr: 1_000_000, monthlyInr: 20_758 });
    expect(computeEmi(loan({ priceInr: 999_999, downPaymentPercent: 15 })).loanInr).toBe(849_999);
    expect(computeEmi(loan({ priceInr: 1_000_000, downPaymentPercent: 90 })).loanInr).toBe(100_000);
  });

  it('divides the loan evenly, with no interest, at 0%', () => {
    expect(computeEmi(loan({ priceInr: 1_200_000, ratePercent: 0, tenureMonths: 12 }))).toEqual({ loanInr: 1_200_000, monthlyInr: 100_000, totalInterestInr: 0 });
  });

  it('rounds the instalment to the rupee that pays the loan off: half a rupee less leaves debt, half a rupee more overpays', () => {
    for (const ratePercent of [EMI_LIMITS.ratePercent.min, 7.25, 9.5, EMI_LIMITS.ratePercent.max]) {
      for (const tenureMonths of [EMI_LIMITS.tenureMonths.min, 37, 60, EMI_LIMITS.tenureMonths.max]) {
        const input = loan({ priceInr: 1_234_567, downPaymentPercent: 10, ratePercent, tenureMonths });
        const { loanInr, monthlyInr } = computeEmi(input);
        expect(balanceAfter({ loanInr, ratePercent, tenureMonths }, monthlyInr - 0.5), `${ratePercent}% ${tenureMonths}m`).toBeGreaterThanOrEqual(0);
        expect(balanceAfter({ loanInr, ratePercent, tenureMonths }, monthlyInr + 0.5), `${ratePercent}% ${tenureMonths}m`).toBeLessThanOrEqual(0);
      }
    }
  });

  it('costs more a month at a higher rate, less a month but more in interest over a longer tenure', () => {
    let previous = computeEmi(loan({ ratePercent: EMI_LIMITS.ratePercent.min }));
    for (let ratePercent = EMI_LIMITS.ratePercent.min + 0.5; ratePercent <= EMI_LIMITS.ratePercent.max; ratePercent += 0.5) {
      const next = computeEmi(loan({ ratePercent }));
      expect(next.monthlyInr).toBeGreaterThan(previous.monthlyInr);
      previous = next;
    }
    previous = computeEmi(loan({ tenureMonths: EMI_LIMITS.tenureMonths.min }));
    for (let tenureMonths = EMI_LIMITS.tenureMonths.min + 12; tenureMonths <= EMI_LIMITS.tenureMonths.max; tenureMonths += 12) {
      const next = computeEmi(loan({ tenureMonths }));
      expect(next.monthlyInr).toBeLessThan(previous.monthlyInr);
      expect(next.totalInterestInr).toBeGreaterThan(previous.totalInterestInr);
      previous = next;
    }
  });

  it('never reports negative interest, and nothing to pay on a fully paid-up car', () => {
    expect(computeEmi(loan({ priceInr: 1_000, ratePercent: 0, tenureMonths: 96 })).totalInterestInr).toBe(0);
    expect(computeEmi(loan({ downPaymentPercent: 100 }))).toEqual({ loanInr: 0, monthlyInr: 0, totalInterestInr: 0 });
  });

  it('has defaults inside its own limits', () => {
    for (const name of ['downPaymentPercent', 'ratePercent', 'tenureMonths'] as const) {
      expect(EMI_DEFAULTS[name]).toBeGreaterThanOrEqual(EMI_LIMITS[name].min);
      expect(EMI_DEFAULTS[name]).toBeLessThanOrEqual(EMI_LIMITS[name].max);
    }
  });
});
