/** Builds the template database every test file clones: migrated and loaded with the curated catalogue. */
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { runMigrations } from '../../src/db/migrate.js';
import { seedCurated } from '../../src/db/seed/curated.js';
import { createPool } from '../../src/platform/db.js';

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** How long a dropped test database's own closing connections get to go before they are terminated. */
const CLOSING_CONNECTIONS_WAIT_MS = 3_000;
const CLOSING_CONNECTIONS_POLL_MS = 25;

/**
 * Drops `name`. A pool's `end()` resolves before its sockets have closed; terminating those backends
 * (WITH (FORCE)) at that moment sends the closing clients an error that nothing listens for any more.
 * So wait, briefly, for the database's connections to leave on their own; force only what remains.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const deadline = Date.now() + CLOSING_CONNECTIONS_WAIT_MS;
    for (;;) {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (rows[0]!.n === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, CLOSING_CONNECTIONS_POLL_MS));
    }
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function createTemplate(adminUrl: string, name: string): Promise<void> {
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  await migrateAndSeed(withDatabase(adminUrl, name));
}

/** Applies the migrations to the database at `url`, loads the curated catalogue and analyses it. */
export async function migrateAndSeed(url: string): Promise<void> {
  const pool = createPool(url, { ...loadConfig({}).pool, statementTimeoutMs: 0 });
  try {
    await runMigrations(pool);
    await seedCurated(pool);
    await pool.query('ANALYZE');
  } finally {
    await pool.end();
  }
}
