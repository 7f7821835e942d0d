/** Counts how each cached answer was served, per route and in total; read by /api/monitoring/cache. */

/** Where an answer came from: this process's final bytes, bentocache's memory tier, Redis, or the database. */
export const OUTCOMES = ['memory', 'l1', 'l2', 'miss', 'stale', 'notModified'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type Counts = Record<Outcome, number>;

const zero = (): Counts => ({ memory: 0, l1: 0, l2: 0, miss: 0, stale: 0, notModified: 0 });

export interface StatsSnapshot {
  total: Counts & { requests: number; hitRate: number | null };
  routes: Record<string, Counts & { requests: number; hitRate: number | null }>;
}

function withRates(counts: Counts) {
  const requests = Object.values(counts).reduce((sum, n) => sum + n, 0);
  // A 304 is a hit: the answer came from a cache (the client's, validated against ours).
  const hits = counts.memory + counts.l1 + counts.l2 + counts.notModified;
  return { ...counts, requests, hitRate: requests === 0 ? null : Math.round((hits / requests) * 10_000) / 10_000 };
}

export function createCacheStats() {
  const routes = new Map<string, Counts>();
  return {
    record(route: string, outcome: Outcome): void {
      let counts = routes.get(route);
      if (counts === undefined) {
        counts = zero();
        routes.set(route, counts);
      }
      counts[outcome] += 1;
    },
    snapshot(): StatsSnapshot {
      const total = zero();
      const perRoute: StatsSnapshot['routes'] = {};
      for (const [route, counts] of routes) {
        for (const outcome of OUTCOMES) total[outcome] += counts[outcome];
        perRoute[route] = withRates(counts);
      }
      return { total: withRates(total), routes: perRoute };
    },
    reset(): void {
      routes.clear();
    },
  };
}
export type CacheStats = ReturnType<typeof createCacheStats>;
