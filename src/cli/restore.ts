/**
 * `gadizone restore <file> [--force] [--skip-checksum]`: restores a `gadizone backup` file into the
 * configured database (the embedded one when DATABASE_URL is unset), which must be empty unless --force.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { restoreBackup } from '../platform/backup/restore.js';
import { openDatabase } from '../platform/open-database.js';

const USAGE = 'usage: gadizone restore FILE [--force] [--skip-checksum]';

export async function restoreCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { force: { type: 'boolean' }, 'skip-checksum': { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
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
}
