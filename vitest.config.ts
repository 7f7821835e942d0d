import { defineConfig } from 'vitest/config';

/**
 * Every database test runs against the embedded PostgreSQL; when TEST_DATABASE_URL is set (CI), the same
 * files run a second time against that server. Each test file gets its own database, cloned from a
 * template that global setup migrated and seeded once.
 */
const include = ['src/**/*.test.ts', 'test/**/*.test.ts'];
const shared = { include, testTimeout: 30_000, hookTimeout: 300_000 };

const projects = [{ test: { ...shared, name: 'embedded', globalSetup: ['test/setup/embedded.ts'] } }];
if (process.env.TEST_DATABASE_URL) projects.push({ test: { ...shared, name: 'server', globalSetup: ['test/setup/server.ts'] } });

export default defineConfig({
  test: {
    projects,
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
  },
});
