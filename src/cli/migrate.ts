import { loadConfig } from '../config.js';
import { runMigrations } from '../db/migrate.js';
import { createPool } from '../platform/db.js';
import { openDatabase } from '../platform/open-database.js';

export async function migrateCommand(_args: string[]): Promise<number> {
  const database = await openDatabase(loadConfig(), (m) => console.error(m));
  const pool = createPool(database.config.databaseUrl, { ...database.config.pool, statementTimeoutMs: 0 }, 'gadizone-migrate');
  try {
    await runMigrations(pool);
    console.log('gadizone migrate: schema is current');
    return 0;
  } finally {
    await pool.end();
    await database.close();
  }
}
