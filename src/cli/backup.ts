/**
 * `gadizone backup`: one backup of the configured database (starting the embedded server when
 * DATABASE_URL is unset) into BACKUP_DIR, daily retention, and the S3 upload when configured.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { runBackup } from '../platform/backup/backup.js';
import { openDatabase } from '../platform/open-database.js';

export async function backupCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'no-upload': { type: 'boolean' } }, strict: true });
  const database = await openDatabase(loadConfig(), (m) => console.error(m));
  try {
    const result = await runBackup(database.config, { log: (m) => console.error(m), upload: values['no-upload'] !== true });
    const { manifest } = result;
    console.log(`${result.file}\t${manifest.sizeBytes} bytes\tsha256 ${manifest.sha256}\t${(manifest.durationMs / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    await database.close();
  }
}
