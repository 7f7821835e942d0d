import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two kinds of test. Unit tests (any `*.test.ts` under src/, beside the module it tests, and under test/unit/)
 * call pure functions: no database, no app, no global setup, so `npm run test:unit` takes seconds. Every other
 * test (`test/**`) runs against the embedded PostgreSQL; when TEST_DATABASE_URL is set (CI), the same files
 * run a second time against that server. Each of those files gets its own database, cloned from a template
 * that global setup migrated and seeded once. `vitest run` (npm test) runs every project: each file once per
 * project it belongs to, and a unit file belongs to the unit project only.
 */
const UNIT = ['src/**/*.test.ts', 'test/unit/**/*.test.ts'];
const DATABASE = ['test/**/*.test.ts'];
const timeouts = { testTimeout: 30_000, hookTimeout: 300_000 };

/**
 * Files whose subject does not depend on which PostgreSQL the project provides (a browser, Redis
 * topologies, their own primary + replica pair, their own processes and servers, the load generator,
 * image encoding, deployment files, the project's own tooling): they run once, in the embedded project,
 * not again on the server.
 */
const ENGINE_INDEPENDENT = [
  'test/web/browser.test.ts',
  'test/web/a11y.test.ts',
  'test/scale/replicas.test.ts',
  'test/scale/read-cookie.test.ts',
  'test/scale/redis-*.test.ts',
  'test/loadtest/**',
  'test/media/renditions.test.ts',
  'test/chaos/**',
  'test/cluster/**',
  'test/deploy/**',
  'test/tooling/**',
  'test/cache/cache-memory.test.ts',
  // The cache and the limiters: their subject is memory, Redis and HTTP, the same over either engine.
  'test/cache/http-cache.test.ts',
  'test/cache/shared-cache.test.ts',
  'test/cache/cache-keys.test.ts',
  'test/cache/accept-encoding.test.ts',
  'test/security/cache-budget.test.ts',
  'test/security/rate-limit.test.ts',
  'test/security/public-post-limits.test.ts',
  // Hostile-input sweeps: their subject is validation before any statement runs (the whole payload list, once).
  'test/api/hostile-input.test.ts',
  'test/security/hostile-input-admin.test.ts',
  'test/security/hostile-numeric-paths.test.ts',
  'test/security/redirect-targets.test.ts',
  'test/security/cursor-contents.test.ts',
  'test/security/content-urls.test.ts',
  'test/security/http-hardening.test.ts',
  'test/security/upload-streaming.test.ts',
  // The command line's help and the log format: nothing in them reaches a database.
  'test/ops/cli-help.test.ts',
  'test/ops/log-format.test.ts',
];
/** Three app processes sharing one database: on the server PostgreSQL when there is one (as deployed), else embedded. */
const MULTI_INSTANCE = 'test/scale/multi-instance.test.ts';

const withServer = Boolean(process.env.TEST_DATABASE_URL);
const projects = [
  { test: { include: UNIT, name: 'unit' } },
  {
    test: {
      ...timeouts,
      include: DATABASE,
      name: 'embedded',
      globalSetup: ['test/setup/embedded.ts'],
      exclude: [...configDefaults.exclude, ...UNIT, ...(withServer ? [MULTI_INSTANCE] : [])],
    },
  },
];
if (withServer) {
  projects.push({
    test: {
      ...timeouts,
      include: DATABASE,
      name: 'server',
      globalSetup: ['test/setup/server.ts'],
      exclude: [...configDefaults.exclude, ...UNIT, ...ENGINE_INDEPENDENT],
    },
  });
}

export default defineConfig({
  test: {
    projects,
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
  },
});
