import { describe, expect, it } from 'vitest';
import type { CatalogueSample } from './catalogue-sample.js';
import { contentHolds } from './http-client.js';
import { planVisit, type PageKind } from './journey.js';
import { createRandom, userSeed } from './random.js';

const sample: CatalogueSample = {
  models: Array.from({ length: 8 }, (_, m) => ({ slug: `model-${m}`, variants: Array.from({ length: 3 }, (_, v) => `model-${m}-v${v}`) })),
};

/** A user's first visits, as the paths and kinds they request. */
const visits = (seed: number, count: number, pages: ReadonlySet<PageKind> = new Set()) => {
  const rng = createRandom(seed);
  return Array.from({ length: count }, () => planVisit(sample, rng, pages));
};

describe('journey generator', () => {
  it('gives the same journeys for the same seed, and different ones for another seed', () => {
    expect(visits(42, 20)).toEqual(visits(42, 20));
    expect(visits(42, 20)).not.toEqual(visits(43, 20));
    expect(userSeed(7, 0)).toBe(userSeed(7, 0));
    expect(userSeed(7, 0)).not.toBe(userSeed(7, 1));
  });

  it('walks home → filtered list → model → variant, with compare, search and leads some of the time', () => {
    const all = visits(1, 400);
    for (const visit of all) {
      const names = visit.map((v) => v.name).filter((n) => ['home', 'filtered-list', 'model', 'variant'].includes(n));
      expect(names[0]).toBe('home');
      expect(names.slice(-2)).toEqual(['model', 'variant']);
      const model = visit.find((v) => v.name === 'model')!.steps[0]!;
      const variant = visit.find((v) => v.name === 'variant')!.steps[0]!;
      expect(variant.path.startsWith(`/api/variants/${model.path.split('/').pop()}-v`)).toBe(true);
    }
    const share = (name: string) => all.filter((visit) => visit.some((v) => v.name === name)).length / all.length;
    expect(share('compare')).toBeGreaterThan(0.45);
    expect(share('compare')).toBeLessThan(0.75);
    expect(share('search')).toBeGreaterThan(0.2);
    expect(share('lead')).toBeGreaterThan(0.02);
    expect(share('lead')).toBeLessThan(0.15);
    const lead = all.flat().find((v) => v.name === 'lead')!.steps[0]!;
    expect(lead).toMatchObject({ method: 'POST', path: '/api/leads', status: 201, expect: { type: 'lead' } });
    const compare = all.flat().find((v) => v.name === 'compare')!.steps[0]!;
    const [a, b] = new URL(compare.path, 'http://x').searchParams.get('variants')!.split(',');
    expect(a!.replace(/-v\d$/, '')).not.toBe(b!.replace(/-v\d$/, ''));
  });

  it('requests an HTML page only for the page routes the target serves', () => {
    const apiOnly = visits(5, 30).flat().flatMap((v) => v.steps);
    expect(apiOnly.every((s) => s.path.startsWith('/api/'))).toBe(true);
    const withPages = visits(5, 30, new Set<PageKind>(['model', 'home'])).flat();
    const model = withPages.find((v) => v.name === 'model')!;
    expect(model.steps.map((s) => s.kind)).toEqual(['page:model', 'model']);
    expect(model.steps[0]!.path).toMatch(/^\/cars\/model-\d$/);
    expect(withPages.find((v) => v.name === 'variant')!.steps.map((s) => s.kind)).toEqual(['variant']);
    // Pages do not change which cars the user looks at: the API steps are the same as without pages.
    expect(withPages.flatMap((v) => v.steps).filter((s) => s.path.startsWith('/api/'))).toEqual(apiOnly);
  });
});

describe('content checks', () => {
  it('hold only for the expected content', () => {
    expect(contentHolds({ type: 'list' }, 'application/json', '{"data":[]}')).toBe(true);
    expect(contentHolds({ type: 'list' }, 'application/json', '{"data":{}}')).toBe(false);
    expect(contentHolds({ type: 'one', slug: 'a' }, 'application/json', '{"data":{"slug":"a"}}')).toBe(true);
    expect(contentHolds({ type: 'one', slug: 'a' }, 'application/json', '{"data":{"slug":"b"}}')).toBe(false);
    expect(contentHolds({ type: 'comparison', variants: 2 }, 'application/json', '{"data":{"variants":[1,2]}}')).toBe(true);
    expect(contentHolds({ type: 'lead' }, 'application/json', '{"data":{"status":"received"}}')).toBe(true);
    expect(contentHolds({ type: 'lead' }, 'application/json', 'not json')).toBe(false);
    expect(contentHolds({ type: 'html' }, 'text/html; charset=utf-8', '<!doctype html><html lang="en">…</html>')).toBe(true);
    expect(contentHolds({ type: 'html' }, 'application/json', '<html>')).toBe(false);
  });
});
