/**
 * `gadizone backup`: one backup of the configured database (starting the embedded server when
 * DATABASE_URL is unset) into BACKUP_DIR, daily retention, and the S3 upload when configured.
 */
import { loadConfig } from '../config.js';
import { defineCommand } from './command.js';

export const backupCommand = defineCommand({
  name: 'backup',
  summary: 'back up the database into BACKUP_DIR (pg_dump), keep 7 daily, upload to S3 when configured',
  about:
    'Backs up the database (embedded, or DATABASE_URL) with pg_dump into BACKUP_DIR as gadizone-<UTC time>.dump plus a sha256 manifest, ' +
    'keeps the latest backup of each of the last BACKUP_KEEP_DAILY days, and uploads both to S3 when BACKUP_S3_BUCKET is set. ' +
    'Prints the file, its size, checksum and duration. Needs the PostgreSQL 15+ client tools.',
  options: { 'no-upload': { type: 'boolean', description: 'keep this backup local even when BACKUP_S3_BUCKET is set' } },
  env: ['DATABASE_URL', 'DATA_DIR', 'BACKUP_DIR', 'BACKUP_KEEP_DAILY', 'BACKUP_S3_BUCKET', 'PG_BIN_DIR'],
  examples: ['BACKUP_DIR=/mnt/backups gadizone backup'],
  async run({ values }) {
    const { runBackup } = await import('../platform/backup/backup.js');
    const { openDatabase } = await import('../platform/open-database.js');
    const database = await openDatabase(loadConfig(), (m) => console.error(m));
    try {
      const result = await runBackup(database.config, { log: (m) => console.error(m), upload: values['no-upload'] !== true });
      const { manifest } = result;
      console.log(`${result.file}\t${manifest.sizeBytes} bytes\tsha256 ${manifest.sha256}\t${(manifest.durationMs / 1000).toFixed(1)} s`);
      return 0;
    } finally {
      await database.close();
    }
  },
});
