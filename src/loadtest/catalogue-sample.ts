/**
 * What a load generator needs to know about the target's catalogue before it can act like a visitor: the
 * popular models with their variants, and the finite vocabulary of filters and searches real visitors use.
 * Shared by `gadizone loadtest`, `gadizone capacity` and the benchmark's mix (bench/mix.ts).
 */

export const BODY_TYPES = ['suv', 'hatchback', 'sedan', 'muv', 'pickup'] as const;
export const FUELS = ['petrol', 'diesel', 'cng', 'electric', 'hybrid'] as const;
/** Budgets visitors pick, in rupees. */
export const BUDGETS_INR = [600_000, 800_000, 1_000_000, 1_500_000, 2_000_000, 3_000_000] as const;
export const SORTS = ['popularity', 'price', '-price', 'newest'] as const;
/** What people type, typos and prefixes included. */
export const SEARCHES = [
  'creta', 'cretta', 'nexon', 'swift', 'thar', 'scorpio', 'seltos', 'fortuner', 'innova', 'city', 'venue', 'brezza', 'xuv', 'ev',
  'punch', 'baleno', 'dzire', 'harrier', 'safari', 'sonet', 'bmw x1', 'mahin', 'tat', 'hyund', 'maruti',
] as const;

/** Models the sample keeps (the most popular first): enough variety, few set-up requests. */
const SAMPLE_MODELS = 40;
const SETUP_TIMEOUT_MS = 10_000;

export interface CatalogueSample {
  /** Most popular first, each with at least one variant. */
  models: { slug: string; variants: string[] }[];
}

async function getJson<T>(base: string, path: string): Promise<T> {
  const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(SETUP_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}; is ${base} a gadizone site?`);
  return (await response.json()) as T;
}

/** The slugs of a list endpoint's first page, e.g. `/api/brands?limit=100&fields=slug`. */
export async function listSlugs(base: string, path: string): Promise<string[]> {
  return (await getJson<{ data: { slug: string }[] }>(base, path)).data.map((item) => item.slug);
}

/** Reads the popular models and their variants from the target (SAMPLE_MODELS + 1 requests). */
export async function fetchCatalogueSample(base: string): Promise<CatalogueSample> {
  const slugs = await listSlugs(base, `/api/models?limit=${SAMPLE_MODELS}&sort=popularity&fields=slug`);
  const models = await Promise.all(
    slugs.map(async (slug) => {
      const detail = await getJson<{ data: { variants: { slug: string }[] } }>(base, `/api/models/${encodeURIComponent(slug)}`);
      return { slug, variants: detail.data.variants.map((v) => v.slug) };
    }),
  );
  const usable = models.filter((m) => m.variants.length > 0);
  if (usable.length < 2) throw new Error(`${base} lists fewer than two models with variants: nothing to compare`);
  return { models: usable };
}
