/**
 * `gadizone restore <file> [--force] [--skip-checksum]`: restores a `gadizone backup` file into the
 * configured database (the embedded one when DATABASE_URL is unset), which must be empty unless --force.
 */
import { loadConfig } from '../config.js';
import { defineCommand } from './command.js';

export const restoreCommand = defineCommand({
  name: 'restore',
  summary: 'restore a backup into an empty database (restore FILE [--force])',
  about:
    'Verifies a `gadizone backup` file against its manifest and restores it in one transaction into the configured database ' +
    '(embedded, or DATABASE_URL), which must hold no rows unless --force.',
  positionals: [{ name: 'FILE', description: 'the .dump file written by gadizone backup (its .json manifest beside it)' }],
  options: {
    force: { type: 'boolean', description: 'first drop the tables of a database that holds rows (they are listed)' },
    'skip-checksum': { type: 'boolean', description: 'restore without checking the file against its manifest (pg_restore still reads it whole)' },
  },
  env: ['DATABASE_URL', 'DATA_DIR', 'PG_BIN_DIR'],
  examples: ['gadizone restore data/backups/gadizone-20261207T030000Z.dump'],
  async run({ values, positionals }) {
    const { restoreBackup } = await import('../platform/backup/restore.js');
    const { openDatabase } = await import('../platform/open-database.js');
    const file = positionals[0]!;
    const database = await openDatabase(loadConfig(), (m) => console.error(m));
    try {
      const result = await restoreBackup(database.config, file, { force: values.force === true, skipChecksum: values['skip-checksum'] === true, log: (m) => console.error(m) });
      const { restored, expected } = result.migrations;
      console.log(`restored ${file} in ${(result.durationMs / 1000).toFixed(1)} s; migrations ${restored} of ${expected}`);
      return 0;
    } finally {
      await database.close();
    }
  },
});
