/** Test helpers: a private database per test file (cloned from the seeded template) and an app over it. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import type { MailMessage, Mailer } from '../src/content/newsletter/mailer.js';
import { createPool } from '../src/platform/db.js';
import { adminQuery, dropDatabase, withDatabase } from './setup/template.js';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database holding the migrated schema and the curated catalogue. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminUrl');
  const name = `gz_test_${randomBytes(5).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${inject('templateDb')}`);
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: () => dropDatabase(adminUrl, name),
  };
}

/** A JWT secret for tests (production refuses to start without its own). */
export const TEST_JWT_SECRET = randomBytes(48).toString('base64url');

/**
 * Test configuration: no Redis unless asked for, warm-up off, rate limits off (tests that check them turn
 * them on), the rest as production defaults.
 */
export function testConfig(databaseUrl: string, overrides: Partial<Config> = {}): Config {
  const base = loadConfig({ LOG_LEVEL: 'silent' });
  return {
    ...base,
    databaseUrl,
    autoMigrate: false,
    autoSeed: false,
    redisUrl: null,
    jwtSecret: TEST_JWT_SECRET,
    cache: { ...base.cache, warmupTimeoutMs: 0 },
    rateLimits: { ...base.rateLimits, enabled: false },
    ...overrides,
  };
}

/** Records mail instead of sending it (mail is outside the system). */
export function createRecordingMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  mailer: ReturnType<typeof createRecordingMailer>;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Config on top of testConfig (e.g. redisUrl, short TTLs). */
  config?: Partial<Config>;
  /** Share an existing database (a second app instance); it is then not dropped by close(). */
  database?: TestDatabase;
}

export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const mailer = createRecordingMailer();
  const app = await buildApp({ config: testConfig(database.url, options.config), mailer, logger: false });
  await app.ready();
  // The catalogue read model loads in the background after ready; a test starts once it has, so whether a
  // list comes from memory or from PostgreSQL does not depend on timing.
  await app.catalogueReadModel?.settled();
  return {
    app,
    mailer,
    database,
    async close() {
      await app.close();
      if (options.database === undefined) await database.drop();
    },
  };
}

/** A Redis key prefix no other test uses, so tests sharing one Redis never see each other's keys. */
export function uniqueRedisPrefix(): string {
  return `gzt${randomBytes(4).toString('hex')}`;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Runs `gadizone <args>` as a child process from the CLI's source entry through tsx (bin/gadizone.js
 * runs the same entry compiled to dist/, which tests should not have to build first). No Redis and
 * silent logs unless `env` says otherwise; `stdin`, when given, is piped in (as `printf … | gadizone …`).
 */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, stdin?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET, REDIS_URL: undefined, LOG_LEVEL: 'silent', ...env },
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (child.stdin) {
      child.stdin.on('error', () => {}); // the CLI may exit (bad arguments) before reading stdin
      child.stdin.end(stdin);
    }
  });
}

export { createPool, inject };
