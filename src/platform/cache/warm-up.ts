/**
 * Warm-up: before a process takes traffic, request the hot set through the app itself (so every tier,
 * ETag and compressed body is built exactly as a visitor's request would build it): all brands, the first
 * pages of the main lists, popular comparisons and articles, then the most popular models' and brands'
 * pages. Bounded in time: whatever is not warm when the budget runs out is loaded on first request.
 */
import type { FastifyInstance } from 'fastify';

/** Model pages warmed, most popular first. */
const TOP_MODELS = 60;
/** Requests in flight at once: enough to overlap database round trips, few enough to leave the pool free. */
const CONCURRENCY = 4;

const FIRST_PAGES = [
  '/api/brands',
  '/api/brands?sort=popularity',
  '/api/models',
  '/api/models?sort=price',
  '/api/models?sort=-price',
  '/api/models?sort=newest',
  '/api/models?bodyType=suv',
  '/api/models?bodyType=hatchback',
  '/api/models?bodyType=sedan',
  '/api/models?fuel=electric',
  '/api/variants',
  '/api/comparisons/popular',
  '/api/articles',
];

export interface WarmUpResult {
  requested: number;
  failed: number;
  timedOut: boolean;
  ms: number;
}

export async function warmUp(app: FastifyInstance, budgetMs: number): Promise<WarmUpResult> {
  const started = Date.now();
  const deadline = started + budgetMs;
  let requested = 0;
  let failed = 0;

  const warmOne = async (url: string): Promise<void> => {
    requested += 1;
    const response = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br, gzip', ...app.rateLimit.internalHeaders } });
    if (response.statusCode !== 200) failed += 1;
  };
  const runAll = async (urls: string[]) => {
    const queue = [...urls];
    const lane = async () => {
      for (let url = queue.shift(); url !== undefined && Date.now() < deadline; url = queue.shift()) await warmOne(url);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  };

  await runAll(FIRST_PAGES);
  if (Date.now() < deadline) {
    // The slugs come from the same API, uncompressed, and are not worth caching under another key.
    const headers = app.rateLimit.internalHeaders;
    const models = await app.inject({ method: 'GET', url: `/api/models?limit=${TOP_MODELS}&fields=slug`, headers });
    const brands = await app.inject({ method: 'GET', url: '/api/brands?limit=100&fields=slug', headers });
    const slugs = (response: { statusCode: number; json: () => unknown }) =>
      response.statusCode === 200 ? (response.json() as { data: { slug: string }[] }).data.map((item) => item.slug) : [];
    await runAll([...slugs(models).map((slug) => `/api/models/${slug}`), ...slugs(brands).map((slug) => `/api/brands/${slug}`)]);
  }
  return { requested, failed, timedOut: Date.now() >= deadline, ms: Date.now() - started };
}
