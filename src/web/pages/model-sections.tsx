/** The model page's interactive sections, each a plain form or links first (no JavaScript needed). */
import type { ModelDetail } from '../../catalogue/models/schemas.js';
import { LEAD_INTENTS } from '../../content/leads/schemas.js';
import { queryString } from '../components/cards.js';
import { computeEmi, EMI_DEFAULTS, EMI_LIMITS } from '../emi.js';
import { formatInr, formatInrExact, label } from '../format.js';
import { ON_ROAD_RULES, type OnRoadPrice } from '../on-road/on-road.js';
import type { ModelPageQuery } from '../schemas.js';

type Variant = ModelDetail['variants'][number];

/** The model page URL with some parameters changed (the rest kept, so filters and city survive). */
export function modelHref(slug: string, query: ModelPageQuery, change: Partial<ModelPageQuery>): string {
  const next = { ...query, ...change };
  return `/cars/${slug}${queryString({ fuel: next.fuel, transmission: next.transmission, city: next.city, down: next.down, rate: next.rate, months: next.months })}`;
}

function FilterChips({ model, query, name, values }: { model: ModelDetail; query: ModelPageQuery; name: 'fuel' | 'transmission'; values: string[] }) {
  if (values.length < 2) return null;
  return (
    <ul class="chips" aria-label={`Filter by ${name}`}>
      <li><a href={modelHref(model.slug, query, { [name]: undefined })} aria-current={query[name] === undefined ? 'true' : undefined}>All</a></li>
      {values.map((value) => (
        <li><a href={modelHref(model.slug, query, { [name]: value })} aria-current={query[name] === value ? 'true' : undefined}>{label(value)}</a></li>
      ))}
    </ul>
  );
}

export function VariantsTable({ model, query, variants }: { model: ModelDetail; query: ModelPageQuery; variants: Variant[] }) {
  return (
    <section aria-labelledby="variants">
      <h2 id="variants">{model.name} variants and prices</h2>
      <FilterChips model={model} query={query} name="fuel" values={model.fuels} />
      <FilterChips model={model} query={query} name="transmission" values={model.transmissions} />
      {variants.length === 0 ? (
        <p>No variant matches these filters. <a href={modelHref(model.slug, query, { fuel: undefined, transmission: undefined })}>Show all variants</a></p>
      ) : (
        <div class="scroll">
          <table>
            <caption class="visually-hidden">{model.name} variants with ex-showroom prices</caption>
            <thead>
              <tr><th scope="col">Variant</th><th scope="col">Fuel</th><th scope="col">Transmission</th><th scope="col">Ex-showroom price</th><th scope="col"><span class="visually-hidden">Compare</span></th></tr>
            </thead>
            <tbody>
              {variants.map((v) => (
                <tr>
                  <th scope="row"><a href={`/variants/${v.slug}`}>{v.name}</a></th>
                  <td>{label(v.fuel)}</td>
                  <td>{label(v.transmission)}</td>
                  <td class="price">{formatInr(v.priceInr)}</td>
                  <td><a href={`/compare?variants=${v.slug}`}>Compare<span class="visually-hidden"> {v.name}</span></a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function OnRoad({ model, query, variant, price, citySlug }: { model: ModelDetail; query: ModelPageQuery; variant: Variant; price: OnRoadPrice; citySlug: string }) {
  return (
    <section aria-labelledby="on-road" class="card">
      <h2 id="on-road">On-road price in {price.city}</h2>
      <form action={`/cars/${model.slug}`} method="get" class="form">
        {(['fuel', 'transmission', 'down', 'rate', 'months'] as const).map((k) => (query[k] === undefined ? null : <input type="hidden" name={k} value={String(query[k])} />))}
        <div class="row">
          <label>
            City
            <select name="city">
              {ON_ROAD_RULES.cities.map((c) => (
                <option value={c.slug} selected={c.slug === citySlug}>{c.name}</option>
              ))}
            </select>
          </label>
          <button type="submit">Show price</button>
        </div>
      </form>
      <table>
        <caption class="muted">{variant.name} ({label(variant.fuel)}), {price.state}</caption>
        <tbody>
          <tr><th scope="row">Ex-showroom price</th><td>{formatInrExact(price.exShowroomInr)}</td></tr>
          <tr><th scope="row">Road tax</th><td>{formatInrExact(price.roadTaxInr)}</td></tr>
          <tr><th scope="row">Registration</th><td>{formatInrExact(price.registrationInr)}</td></tr>
          <tr><th scope="row">Insurance (1st year)</th><td>{formatInrExact(price.insuranceInr)}</td></tr>
          <tr><th scope="row">FASTag and TCS</th><td>{formatInrExact(price.otherInr)}</td></tr>
          <tr><th scope="row">On-road price</th><td class="big">{formatInr(price.totalInr)}</td></tr>
        </tbody>
      </table>
    </section>
  );
}

export function EmiCalculator({ model, query, priceInr }: { model: ModelDetail; query: ModelPageQuery; priceInr: number }) {
  const down = query.down ?? EMI_DEFAULTS.downPaymentPercent;
  const rate = query.rate ?? EMI_DEFAULTS.ratePercent;
  const months = query.months ?? EMI_DEFAULTS.tenureMonths;
  const emi = computeEmi({ priceInr, downPaymentPercent: down, ratePercent: rate, tenureMonths: months });
  const slider = (name: string, text: string, value: number, limits: { min: number; max: number }, step: number, unit: string) => (
    <label>
      {text}: <span data-show={name}>{value}</span> {unit}
      <input type="range" name={name} min={limits.min} max={limits.max} step={step} value={value} />
    </label>
  );
  return (
    <section aria-labelledby="emi" class="card emi">
      <h2 id="emi">EMI calculator</h2>
      <form action={`/cars/${model.slug}#emi`} method="get" class="form" data-emi-form="" data-price={String(priceInr)}>
        {(['fuel', 'transmission', 'city'] as const).map((k) => (query[k] === undefined ? null : <input type="hidden" name={k} value={String(query[k])} />))}
        <p>
          Monthly instalment: <output data-emi="monthly">{formatInrExact(emi.monthlyInr)}</output>
        </p>
        <p class="muted">
          Loan <span data-emi="loan">{formatInrExact(emi.loanInr)}</span>, total interest <span data-emi="interest">{formatInrExact(emi.totalInterestInr)}</span>, on {formatInr(priceInr)}
        </p>
        {slider('down', 'Down payment', down, EMI_LIMITS.downPaymentPercent, 5, '%')}
        {slider('rate', 'Interest rate', rate, EMI_LIMITS.ratePercent, 0.25, '% a year')}
        {slider('months', 'Tenure', months, EMI_LIMITS.tenureMonths, 12, 'months')}
        <button type="submit">Recalculate</button>
      </form>
    </section>
  );
}

export function EnquiryForm({ model }: { model: ModelDetail }) {
  return (
    <section aria-labelledby="enquiry" class="card" id="enquiry-form">
      <h2 id="enquiry">Book a test drive or get a price quote</h2>
      <form action={`/cars/${model.slug}/enquiry`} method="post" class="form">
        <fieldset>
          <legend>I would like</legend>
          {LEAD_INTENTS.map((intent, i) => (
            <label>
              <input type="radio" name="intent" value={intent} checked={i === 0} required /> {intent === 'test-drive' ? 'a test drive' : 'a price quote'}
            </label>
          ))}
        </fieldset>
        <label>
          Variant
          <select name="variant">
            <option value="">Any variant</option>
            {model.variants.map((v) => (
              <option value={v.slug}>{v.name}</option>
            ))}
          </select>
        </label>
        <label>Name<input name="name" required minLength={2} maxLength={100} autoComplete="name" /></label>
        <label>Mobile number<input name="phone" type="tel" required maxLength={20} autoComplete="tel" inputMode="tel" placeholder="98765 43210" /></label>
        <label>Email (optional)<input name="email" type="email" maxLength={254} autoComplete="email" /></label>
        <label>City<input name="city" required minLength={2} maxLength={60} autoComplete="address-level2" /></label>
        <button type="submit">Send request</button>
      </form>
    </section>
  );
}
