/**
 * A visitor's journey as data: page views (one HTML page and the API call behind it), each a list of
 * requests with the status and content they must answer. Generated from a catalogue sample and a seeded
 * random source, so the same seed gives the same journeys. HTML pages are requested only for the page
 * routes the target serves (probed once before the run, see probePageRoutes), so the same journey works
 * on an API-only site and on the full website.
 */
import { BODY_TYPES, BUDGETS_INR, SEARCHES, SORTS, type CatalogueSample } from './catalogue-sample.js';
import type { Random } from './random.js';

export type PageKind = 'home' | 'list' | 'filtered-list' | 'model' | 'variant' | 'compare' | 'search';

/** Where the website serves each page; `{name}` is filled from the step. A route answering 404 is skipped. */
export const PAGE_ROUTES: Readonly<Record<PageKind, string>> = Object.freeze({
  home: '/',
  list: '/cars',
  'filtered-list': '/cars?bodyType={bodyType}&priceMax={budget}',
  model: '/cars/{model}',
  variant: '/variants/{variant}',
  compare: '/compare?variants={variants}',
  search: '/search?q={q}',
});

/** What a response must contain for its check to pass (beyond the expected status). */
export type Expectation =
  | { type: 'list' }
  | { type: 'one'; slug: string }
  | { type: 'comparison'; variants: number }
  | { type: 'lead' }
  | { type: 'html' };

export interface Step {
  /** Groups the summary: an API step's page kind, `search`, `lead`, or `page:<kind>` for HTML. */
  kind: string;
  method: 'GET' | 'POST';
  path: string;
  /** For a lead: what it is about; the body (with a phone number unique to the run) is built when sent. */
  lead?: { model: string; variant: string; intent: 'test-drive' | 'price-quote' };
  status: number;
  expect: Expectation;
}

export interface PageView {
  name: PageKind | 'lead';
  steps: Step[];
}

/** Shares of visits that include each optional page view. */
export const JOURNEY_SHARES = Object.freeze({ list: 0.5, secondFilter: 0.4, compare: 0.6, search: 0.3, lead: 0.08 });

const fill = (template: string, values: Record<string, string>): string =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? '').replace(/%2C/g, ','));

function view(name: PageKind, api: Step, pages: ReadonlySet<PageKind>, values: Record<string, string>): PageView {
  const steps: Step[] = [];
  if (pages.has(name)) steps.push({ kind: `page:${name}`, method: 'GET', path: fill(PAGE_ROUTES[name], values), status: 200, expect: { type: 'html' } });
  steps.push(api);
  return { name, steps };
}

const get = (kind: string, path: string, expect: Expectation): Step => ({ kind, method: 'GET', path, status: 200, expect });

function filteredList(rng: Random, pages: ReadonlySet<PageKind>): PageView {
  const values = { bodyType: rng.pick(BODY_TYPES), budget: String(rng.pick(BUDGETS_INR)), sort: rng.pick(SORTS) };
  return view('filtered-list', get('filtered-list', `/api/models?bodyType=${values.bodyType}&priceMax=${values.budget}&sort=${values.sort}`, { type: 'list' }), pages, values);
}

function search(rng: Random, pages: ReadonlySet<PageKind>): PageView {
  const q = rng.pick(SEARCHES);
  const prefix = q.slice(0, Math.max(2, Math.ceil(q.length / 2)));
  const typed = get('search', `/api/search?q=${encodeURIComponent(prefix)}&mode=autocomplete`, { type: 'list' });
  const page = view('search', get('search', `/api/search?q=${encodeURIComponent(q)}`, { type: 'list' }), pages, { q });
  return { name: 'search', steps: [typed, ...page.steps] };
}

/** One visit: home → (list) → filtered list(s) → model → variant → (compare), sometimes a search, sometimes a lead. */
export function planVisit(sample: CatalogueSample, rng: Random, pages: ReadonlySet<PageKind> = new Set()): PageView[] {
  const visit: PageView[] = [view('home', get('home', '/api/models?sort=popularity&limit=12', { type: 'list' }), pages, {})];
  if (rng.chance(JOURNEY_SHARES.search)) visit.push(search(rng, pages));
  if (rng.chance(JOURNEY_SHARES.list)) {
    const values = { sort: rng.pick(SORTS), page: String(rng.int(1, 3)) };
    visit.push(view('list', get('list', `/api/models?sort=${values.sort}&page=${values.page}`, { type: 'list' }), pages, values));
  }
  visit.push(filteredList(rng, pages));
  if (rng.chance(JOURNEY_SHARES.secondFilter)) visit.push(filteredList(rng, pages));
  const model = rng.pickPopular(sample.models);
  const variant = rng.pick(model.variants);
  visit.push(view('model', get('model', `/api/models/${model.slug}`, { type: 'one', slug: model.slug }), pages, { model: model.slug }));
  visit.push(view('variant', get('variant', `/api/variants/${variant}`, { type: 'one', slug: variant }), pages, { model: model.slug, variant }));
  if (rng.chance(JOURNEY_SHARES.compare)) {
    const others = sample.models.filter((m) => m.slug !== model.slug);
    const rival = rng.pick(rng.pickPopular(others).variants);
    const variants = `${variant},${rival}`;
    visit.push(view('compare', get('compare', `/api/compare?variants=${variants}`, { type: 'comparison', variants: 2 }), pages, { variants }));
  }
  if (rng.chance(JOURNEY_SHARES.lead)) {
    const lead = { model: model.slug, variant, intent: rng.pick(['test-drive', 'price-quote'] as const) };
    visit.push({ name: 'lead', steps: [{ kind: 'lead', method: 'POST', path: '/api/leads', lead, status: 201, expect: { type: 'lead' } }] });
  }
  return visit;
}

/** The page kinds whose route answers something other than 404 on the target; one request each. */
export async function probePageRoutes(base: string, sample: CatalogueSample): Promise<Set<PageKind>> {
  const model = sample.models[0]!;
  const values = { bodyType: 'suv', budget: '1000000', model: model.slug, variant: model.variants[0]!, variants: `${model.variants[0]},${sample.models[1]!.variants[0]}`, q: 'creta' };
  const found = new Set<PageKind>();
  for (const [kind, template] of Object.entries(PAGE_ROUTES) as [PageKind, string][]) {
    const response = await fetch(`${base}${fill(template, values)}`, { headers: { accept: 'text/html' }, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    if (response.status !== 404 && (response.headers.get('content-type') ?? '').includes('text/html')) found.add(kind);
  }
  return found;
}
