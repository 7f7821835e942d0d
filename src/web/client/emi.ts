/**
 * EMI calculator: the server renders the default instalment and a GET form; this island recomputes as the
 * sliders move (same formula as the server, imported from ../emi.ts).
 */
import { computeEmi } from '../emi.js';

const rupees = new Intl.NumberFormat('en-IN', { maximumFractionDigits: 0 });

function enhance(form: HTMLFormElement): void {
  const price = Number(form.dataset.price);
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | null;
  const outputs = {
    monthly: form.querySelector<HTMLOutputElement>('[data-emi="monthly"]'),
    loan: form.querySelector<HTMLElement>('[data-emi="loan"]'),
    interest: form.querySelector<HTMLElement>('[data-emi="interest"]'),
  };
  const update = () => {
    const values = { down: Number(field('down')?.value), rate: Number(field('rate')?.value), months: Number(field('months')?.value) };
    if (!Number.isFinite(price) || Object.values(values).some((v) => !Number.isFinite(v))) return;
    const result = computeEmi({ priceInr: price, downPaymentPercent: values.down, ratePercent: values.rate, tenureMonths: values.months });
    if (outputs.monthly) outputs.monthly.value = `₹ ${rupees.format(result.monthlyInr)}`;
    if (outputs.loan) outputs.loan.textContent = `₹ ${rupees.format(result.loanInr)}`;
    if (outputs.interest) outputs.interest.textContent = `₹ ${rupees.format(result.totalInterestInr)}`;
    for (const [name, value] of Object.entries(values)) {
      const shown = form.querySelector<HTMLElement>(`[data-show="${name}"]`);
      if (shown) shown.textContent = String(value);
    }
  };
  form.addEventListener('input', update);
}

document.querySelectorAll<HTMLFormElement>('form[data-emi-form]').forEach(enhance);
