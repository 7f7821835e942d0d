/** `gadizone migrate`: applies pending migrations (automatic in embedded mode; explicit with a server database). */
import { loadConfig } from '../config.js';
import { defineCommand } from './command.js';

export const migrateCommand = defineCommand({
  name: 'migrate',
  summary: 'apply pending database migrations',
  about: 'Applies pending migrations to the configured database (embedded, or DATABASE_URL): once per release with a server database; automatic at start in embedded mode.',
  options: {},
  env: ['DATABASE_URL', 'DATA_DIR'],
  examples: ['DATABASE_URL=postgres://gadizone@db:5432/gadizone gadizone migrate'],
  async run() {
    const { runMigrations } = await import('../db/migrate.js');
    const { closePool, createPool } = await import('../platform/db.js');
    const { openDatabase } = await import('../platform/open-database.js');
    const database = await openDatabase(loadConfig(), (m) => console.error(m));
    const pool = createPool(database.config.databaseUrl, { ...database.config.pool, statementTimeoutMs: 0 }, 'gadizone-migrate');
    try {
      await runMigrations(pool);
      console.log('gadizone migrate: schema is current');
      return 0;
    } finally {
      await closePool(pool);
      await database.close();
    }
  },
});
