/**
 * Every public page type forgets no tag: each page is warmed into the cache (the second request is a HIT),
 * then the thing it shows is edited through the admin API, and the page's next answer must show the new
 * value. A page that left out the tags of what it shows would keep serving its cached copy and fail here.
 * Edits aim at the less obvious tags: a model page shows its variants' names, a variant page its model's,
 * an article its models', a brand page its models'.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn, type TestSession } from '../admin/helpers.js';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
let editor: TestSession;

beforeAll(async () => {
  t = await buildTestApp({ config: { overloadMaxEventLoopDelayMs: 0 } });
  editor = await signedIn(t.app, 'editor');
});
afterAll(() => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url });

async function publicData<T>(url: string): Promise<T> {
  const response = await get(url);
  expect(response.statusCode, url).toBe(200);
  return response.json<{ data: T }>().data;
}

type Resource = 'brands' | 'models' | 'variants' | 'articles';

/** Changes one row through the admin API (found by slug; versioned with If-Match) and returns the new text. */
async function edit(resource: Resource, slug: string, field: 'name' | 'title', value: string): Promise<string> {
  const found = await t.app.inject({ method: 'GET', url: `/api/admin/${resource}?q=${encodeURIComponent(slug)}&limit=100`, headers: editor.headers });
  expect(found.statusCode, found.body).toBe(200);
  const row = found.json<{ data: { id: number; slug: string; version: number }[] }>().data.find((r) => r.slug === slug);
  expect(row, `${resource} ${slug}`).toBeDefined();
  const patched = await t.app.inject({
    method: 'PATCH',
    url: `/api/admin/${resource}/${row!.id}`,
    headers: { ...editor.headers, 'if-match': `"v${row!.version}"` },
    payload: { [field]: value },
  });
  expect(patched.statusCode, patched.body).toBe(200);
  return value;
}

interface PageCase {
  page: string;
  /** The page's URL (found from the public API when it depends on the data). */
  url(): Promise<string>;
  /** Edits something the page shows; returns the text the page must show afterwards. */
  change(): Promise<string>;
}

const newestArticle = async () => (await publicData<{ slug: string }[]>('/api/articles?limit=1'))[0]!.slug;
const firstVariants = (n: number) => publicData<{ slug: string; model: { slug: string } }[]>(`/api/variants?brand=maruti-suzuki&limit=${n}`);

const CASES: PageCase[] = [
  { page: 'home', url: async () => '/', change: async () => edit('articles', await newestArticle(), 'title', 'Home page headline edited') },
  { page: 'brands', url: async () => '/brands', change: () => edit('brands', 'skoda', 'name', 'Skoda Brandlist Edited') },
  { page: 'brand', url: async () => '/brands/kia', change: () => edit('models', 'kia-sonet', 'name', 'Sonet Brandpage Edited') },
  { page: 'model', url: async () => '/cars/hyundai-creta', change: () => edit('variants', 'hyundai-creta-e', 'name', 'E Modelpage Edited') },
  {
    page: 'variant',
    url: async () => `/variants/${(await firstVariants(1))[0]!.slug}`,
    change: async () => edit('models', (await firstVariants(1))[0]!.model.slug, 'name', 'Variantpage Model Edited'),
  },
  {
    page: 'compare',
    url: async () => `/compare?variants=${(await firstVariants(2)).map((v) => v.slug).join(',')}`,
    change: async () => edit('variants', (await firstVariants(2))[1]!.slug, 'name', 'Comparepage Variant Edited'),
  },
  {
    page: 'cars list',
    url: async () => '/cars?brand=hyundai',
    change: async () => edit('models', (await publicData<{ slug: string }[]>('/api/models?brand=hyundai&limit=1'))[0]!.slug, 'name', 'Carslist Model Edited'),
  },
  { page: 'search', url: async () => '/search?q=seltos', change: () => edit('models', 'kia-seltos', 'name', 'Seltos Searchpage Edited') },
  { page: 'news', url: async () => '/news', change: () => edit('articles', 'kia-syros-review', 'title', 'Newspage title edited') },
  { page: 'article', url: async () => '/news/hyundai-creta-vs-kia-seltos', change: () => edit('models', 'hyundai-creta', 'name', 'Creta Articlepage Edited') },
  { page: 'article (own fields)', url: async () => '/news/gst-cut-small-car-prices', change: () => edit('articles', 'gst-cut-small-car-prices', 'title', 'Articlepage title edited') },
];

/** Requests the page twice: the second answer must come from the cache. */
async function warm(url: string): Promise<LightMyRequestResponse> {
  const first = await get(url);
  expect(first.statusCode, `${url}: ${first.body.slice(0, 200)}`).toBe(200);
  const second = await get(url);
  expect(second.headers['x-cache'], `${url} is cached`).toBe('HIT');
  return second;
}

describe('an admin edit shows at once on every page type that shows it', () => {
  it.each(CASES)('$page', async (c) => {
    const url = await c.url();
    const before = await warm(url);
    const shown = await c.change();
    expect(before.body, 'the new value is new').not.toContain(shown);
    const after = await get(url);
    expect(after.statusCode).toBe(200);
    expect(after.body, `${url} shows the edit`).toContain(shown);
  });
});
