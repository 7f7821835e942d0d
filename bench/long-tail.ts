/**
 * The traffic a cache cannot absorb, for `npm run bench` (bench/run.ts runs both as scenarios):
 *
 * (f) **Long tail.** Requests over every URL a visitor or crawler can reach on the 200,000-variant
 *     catalogue: each model and variant page and its API answer (read from the site's own sitemap), and
 *     every list and filter combination of the load test's vocabulary (src/loadtest/catalogue-sample.ts:
 *     body type × fuel × budget × sort, full lists by sort and page, searches). Which kind of page a request
 *     is follows the load-test journey's page views per visit; which URL of that kind is drawn Zipf
 *     (exponent ZIPF_EXPONENT) over the kind's URLs in a seeded shuffled order, so a few are hot and most
 *     are asked for rarely. With the default cache budget part of them miss, as on a live site.
 * (g) **Cache-busting flood.** Every request a URL nobody asked before: a list's priceMax moving by one
 *     rupee (API lists of models and variants, and the /cars page) and searches for unseen words. Every
 *     request is a miss, and every answer is a new cache entry the budget must evict again.
 *
 * Each returns autocannon requests whose path is chosen per request (setupRequest), so a connection
 * never repeats a fixed cycle.
 */
import type autocannon from 'autocannon';
import { BODY_TYPES, BUDGETS_INR, FUELS, SEARCHES, SORTS } from '../src/loadtest/catalogue-sample.js';
import { JOURNEY_SHARES } from '../src/loadtest/journey.js';
import { createRandom, type Random } from '../src/loadtest/random.js';
import { createZipf } from '../src/loadtest/zipf.js';

/**
 * Breslau et al. (1999) measured 0.64-0.83 for web requests; 0.9 keeps the head a little hotter than
 * that, and still leaves most of 450,000 URLs in a tail that a 256 MB cache cannot hold.
 */
const ZIPF_EXPONENT = 0.9;
const SEED = 13;
const LIST_PAGES = 3;
const HTML = { 'accept-encoding': 'gzip, deflate, br', accept: 'text/html' };
const API = { 'accept-encoding': 'gzip, deflate, br' };
/** The flood's priceMax walks down from here, a rupee per request (above every model's starting price). */
const PRICE_TOP_INR = 15_000_000;

type Request = autocannon.Request;

/** The page and API paths a sitemap lists for one kind, e.g. `/cars/<slug>` → the model slugs. */
async function sitemapSlugs(app: string, kind: 'models' | 'variants', prefix: string): Promise<string[]> {
  const index = await (await fetch(`${app}/sitemap.xml`)).text();
  const chunks = [...index.matchAll(/<loc>[^<]*?(\/sitemaps\/([a-z]+)-\d+\.xml)<\/loc>/g)].filter((m) => m[2] === kind).map((m) => m[1]!);
  const slugs: string[] = [];
  for (const chunk of chunks) {
    const body = await (await fetch(`${app}${chunk}`)).text();
    for (const m of body.matchAll(/<loc>[^<]*?(\/[a-z]+\/[^<]+)<\/loc>/g)) if (m[1]!.startsWith(prefix)) slugs.push(m[1]!.slice(prefix.length));
  }
  if (slugs.length === 0) throw new Error(`the sitemap of ${app} lists no ${kind}`);
  return slugs;
}

function shuffled<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Every filter combination of the vocabulary, as a query string (fuel optional). */
function filterQueries(): string[] {
  const queries: string[] = [];
  for (const bodyType of BODY_TYPES)
    for (const fuel of [null, ...FUELS])
      for (const budget of BUDGETS_INR) for (const sort of SORTS) queries.push(`bodyType=${bodyType}${fuel ? `&fuel=${fuel}` : ''}&priceMax=${budget}&sort=${sort}`);
  return queries;
}

/** A kind of page view: its share of views, and how to draw one request of it. */
interface Kind {
  name: string;
  share: number;
  draw: () => Request;
}

export interface LongTail {
  requests: Request[];
  /** What the URL space holds, for the report. */
  description: string;
}

/** (f): see the top of this file. Reads the sitemap (about 25 requests on 200,000 variants) first. */
export async function buildLongTail(app: string): Promise<LongTail> {
  const random = createRandom(SEED);
  const models = shuffled(await sitemapSlugs(app, 'models', '/cars/'), random);
  const variants = shuffled(await sitemapSlugs(app, 'variants', '/variants/'), random);
  const filters = shuffled(filterQueries(), random);
  const lists = shuffled(SORTS.flatMap((sort) => Array.from({ length: LIST_PAGES }, (_, i) => `sort=${sort}&page=${i + 1}`)), random);
  const searches = shuffled([...SEARCHES], random);
  const zipf = <T>(items: readonly T[]) => {
    const z = createZipf(items.length, ZIPF_EXPONENT, random.next);
    return () => items[z.next()]!;
  };
  const [model, variant, filter, list, search] = [zipf(models), zipf(variants), zipf(filters), zipf(lists), zipf(searches)];
  // Each page view is its HTML page or the API answer behind it, half and half.
  const either = (page: string, api: string): Request => (random.chance(0.5) ? { method: 'GET', path: page, headers: HTML } : { method: 'GET', path: api, headers: API });
  const view = (pick: () => string, page: (x: string) => string, api: (x: string) => string) => () => {
    const x = pick();
    return either(page(x), api(x));
  };
  const pair = (): string => {
    const a = variant();
    let b = variant();
    while (b === a) b = variant();
    return `${a},${b}`;
  };
  const filtered = (): Request => {
    const q = filter();
    const roll = random.next();
    if (roll < 1 / 3) return { method: 'GET', path: `/cars?${q}`, headers: HTML };
    return { method: 'GET', path: roll < 2 / 3 ? `/api/models?${q}` : `/api/variants?${q}`, headers: API };
  };
  // Page views per visit of the load-test journey (src/loadtest/journey.ts): one home, model and variant
  // page each, a full list, one or two filtered lists, a compare and a search in some visits.
  const kinds: Kind[] = [
    { name: 'home', share: 1, draw: () => either('/', '/api/models?sort=popularity&limit=12') },
    { name: 'list', share: JOURNEY_SHARES.list, draw: view(list, (q) => `/cars?${q}`, (q) => `/api/models?${q}`) },
    { name: 'filtered', share: 1 + JOURNEY_SHARES.secondFilter, draw: filtered },
    { name: 'model', share: 1, draw: view(model, (m) => `/cars/${m}`, (m) => `/api/models/${m}`) },
    { name: 'variant', share: 1, draw: view(variant, (v) => `/variants/${v}`, (v) => `/api/variants/${v}`) },
    { name: 'compare', share: JOURNEY_SHARES.compare, draw: view(pair, (p) => `/compare?variants=${p}`, (p) => `/api/compare?variants=${p}`) },
    { name: 'search', share: JOURNEY_SHARES.search, draw: view(() => encodeURIComponent(search()), (q) => `/search?q=${q}`, (q) => `/api/search?q=${q}`) },
  ];
  const total = kinds.reduce((sum, k) => sum + k.share, 0);
  const draw = (): Request => {
    let roll = random.next() * total;
    for (const kind of kinds) if ((roll -= kind.share) < 0) return kind.draw();
    return kinds[kinds.length - 1]!.draw();
  };
  const urls = 2 * (models.length + variants.length + lists.length + searches.length + 1) + 3 * filters.length;
  return {
    requests: [{ setupRequest: (request: Request) => ({ ...request, ...draw() }) }],
    description: `${urls.toLocaleString('en-US')} URLs (${models.length} models, ${variants.length} variants, ${filters.length} filter combinations; page and API each) + compares of any two variants, Zipf s=${ZIPF_EXPONENT}`,
  };
}

/** (g): every request a new URL; `n` also moves priceMax, so no two lists repeat within a run. */
export function buildFlood(): Request[] {
  let n = 0;
  const next = (): Request => {
    n += 1;
    const shape = `bodyType=${BODY_TYPES[n % BODY_TYPES.length]}&priceMax=${PRICE_TOP_INR - n}`;
    switch (n % 4) {
      case 0:
        return { method: 'GET', path: `/api/models?${shape}`, headers: API };
      case 1:
        return { method: 'GET', path: `/api/variants?${shape}`, headers: API };
      case 2:
        return { method: 'GET', path: `/cars?${shape}`, headers: HTML };
      default:
        return { method: 'GET', path: `/api/search?q=${SEARCHES[n % SEARCHES.length]!.slice(0, 3)}${n.toString(36)}`, headers: API };
    }
  };
  return [{ setupRequest: (request: Request) => ({ ...request, ...next() }) }];
}
