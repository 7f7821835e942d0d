/**
 * The realistic request mix of the benchmark: 1,000 request slots in exact proportions (700 cached reads,
 * 200 filtered lists and searches, 50 compares, 50 writes), shuffled; each autocannon connection cycles
 * through them. Reads come from the finite key space a
 * real site has (top models and variants, common filters, common searches, popular comparisons), so they
 * are cacheable; writes are unique leads and newsletter sign-ups.
 */
import type autocannon from 'autocannon';
import { BODY_TYPES, BUDGETS_INR, FUELS, listSlugs, SEARCHES, SORTS } from '../src/loadtest/catalogue-sample.js';

type Request = autocannon.Request;

const BROWSER = { 'accept-encoding': 'gzip, deflate, br' };

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

export async function buildMix(base: string): Promise<Request[]> {
  const models = await listSlugs(base, '/api/models?limit=100&fields=slug');
  const variants = [...(await listSlugs(base, '/api/variants?limit=100&fields=slug')), ...(await listSlugs(base, '/api/variants?limit=100&page=2&fields=slug'))];
  const brands = await listSlugs(base, '/api/brands?limit=100&fields=slug');
  const articles = await listSlugs(base, '/api/articles?limit=100&fields=slug');
  const popular = ((await (await fetch(`${base}/api/comparisons/popular?limit=50`)).json()) as { data: { compareUrl: string }[] }).data.map((c) => c.compareUrl);
  const pairs = Array.from({ length: 60 }, (_, i) => `/api/compare?variants=${variants[i % variants.length]},${variants[(i * 7 + 3) % variants.length]}`);
  const compares = [...popular, ...pairs.filter((url) => !/variants=([^,]+),\1$/.test(url))];

  const cachedRead = (): string => {
    const roll = Math.random();
    if (roll < 0.35) return `/api/models/${pick(models)}`;
    if (roll < 0.55) return `/api/variants/${pick(variants)}`;
    if (roll < 0.65) return `/api/brands/${pick(brands)}`;
    if (roll < 0.72) return '/api/brands';
    if (roll < 0.85) return `/api/models?sort=${pick(SORTS)}&page=${1 + Math.floor(Math.random() * 3)}`;
    if (roll < 0.92) return '/api/comparisons/popular';
    return Math.random() < 0.5 ? '/api/articles' : `/api/articles/${pick(articles)}`;
  };
  const listOrSearch = (): string => {
    const roll = Math.random();
    if (roll < 0.4) return `/api/models?bodyType=${pick(BODY_TYPES)}&priceMax=${pick(BUDGETS_INR)}&sort=${pick(SORTS)}`;
    if (roll < 0.6) return `/api/variants?fuel=${pick(FUELS)}&priceMax=${pick(BUDGETS_INR)}&sort=price`;
    if (roll < 0.8) return `/api/search?q=${encodeURIComponent(pick(SEARCHES))}`;
    return `/api/search?q=${encodeURIComponent(pick(SEARCHES))}&mode=autocomplete`;
  };
  let written = 0;
  const write = (): Pick<Request, 'method' | 'path' | 'body' | 'headers'> => {
    written += 1;
    const key = `bench-${process.pid}-${written}`;
    if (written % 5 < 3) {
      const body = { name: 'Bench Visitor', phone: `98${String(10_000_000 + (written % 89_999_999)).padStart(8, '0')}`, city: 'Pune', model: pick(models), intent: pick(['test-drive', 'price-quote']) };
      return { method: 'POST', path: '/api/leads', body: JSON.stringify(body), headers: { ...BROWSER, 'content-type': 'application/json', 'idempotency-key': key } };
    }
    return { method: 'POST', path: '/api/newsletter', body: JSON.stringify({ email: `${key}@example.com`, source: 'bench' }), headers: { ...BROWSER, 'content-type': 'application/json', 'idempotency-key': key } };
  };

  // Reads are built once (autocannon then reuses the request bytes); writes are built per request.
  const get = (path: string): Request => ({ method: 'GET', path, headers: BROWSER });
  const slots: Request[] = [
    ...Array.from({ length: 700 }, () => get(cachedRead())),
    ...Array.from({ length: 200 }, () => get(listOrSearch())),
    ...Array.from({ length: 50 }, () => get(pick(compares))),
    ...Array.from({ length: 50 }, () => ({ setupRequest: (request: Request) => ({ ...request, ...write() }) })),
  ];
  for (let i = slots.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  return slots;
}
