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
