/** Scheduled backup: the same runBackup as `gadizone backup` (BACKUP_DIR, retention, S3), as a job. */
import { Type } from '@sinclair/typebox';
import { runBackup } from './backup.js';
import { defineJob } from '../jobs/define-job.js';

export const backupJob = defineJob({
  name: 'backup.run',
  payload: Type.Object({}),
  // A failed dump is retried a little later, not hammered: pg_dump may be waiting out a migration's lock.
  attempts: 3,
  backoffMs: 60_000,
  async handle(_payload, { app, log }) {
    const { config } = app;
    if (config.databaseUrl === null) throw new Error('backup job: no database URL in this process');
    // Idempotent enough: a second run in the same period writes one more dump, which daily retention prunes.
    const result = await runBackup({ backup: config.backup, pgBinDir: config.pgBinDir, databaseUrl: config.databaseUrl }, { log: (message) => log.info(message) });
    log.info({ file: result.file, bytes: result.manifest.sizeBytes, uploaded: result.uploaded.length }, 'scheduled backup written');
  },
});
