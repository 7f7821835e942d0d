/**
 * Applies the checked-in Drizzle migrations (./drizzle). An advisory lock makes concurrent callers (cluster
 * workers, several hosts) wait for one another instead of racing.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { projectPath } from '../lib/paths.js';
import type { Executor } from '../platform/db.js';

const MIGRATION_LOCK_KEY = 7_361_902_114;
export const MIGRATIONS_DIR = projectPath('drizzle');

export async function runMigrations(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

interface JournalEntry {
  tag: string;
}

let journalLength: Promise<number> | undefined;

/** How many migrations are checked in (read once per process: the files do not change under it). */
function checkedInMigrations(): Promise<number> {
  journalLength ??= import('node:fs/promises')
    .then(({ readFile }) => readFile(`${MIGRATIONS_DIR}/meta/_journal.json`, 'utf8'))
    .then((text) => (JSON.parse(text) as { entries: JournalEntry[] }).entries.length);
  return journalLength;
}

/** Number of checked-in migrations not yet applied (0 means the schema is current). */
export async function pendingMigrationCount(pool: Executor): Promise<number> {
  const total = await checkedInMigrations();
  const { rows } = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM drizzle.__drizzle_migrations');
  return Math.max(0, total - (rows[0]?.count ?? 0));
}
