/**
 * `runBackup(config, options)`: one consistent backup of the configured database (the embedded server
 * included: pass the config whose databaseUrl points at it) into BACKUP_DIR, then daily retention, then
 * the optional S3 upload. The `gadizone backup` command calls it, and so will the scheduled backup job.
 *
 * Format: `pg_dump --format=custom` with its built-in zlib compression (the deflate algorithm gzip uses,
 * applied per table), so a file is already compressed. Gzipping it again would shrink it by nothing
 * measurable (docs/OPERATIONS.md) and would turn it into a stream pg_restore cannot seek in: no
 * `pg_restore --list`, no restoring one table, no parallel `-j` restore. So a backup is a `.dump`, not a
 * `.dump.gz`.
 *
 * Durability: pg_dump writes to a hidden `.partial` name; only after it exits 0 is the file fsynced,
 * hashed and linked to its final name (link, not rename: it never replaces an existing backup), then the
 * manifest (size, sha256, versions, migration count) is written beside it and the folder fsynced.
 */
import { performance } from 'node:perf_hooks';
import { chmod, link, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config.js';
import { BackupError } from './backup-error.js';
import { backupFileName, fsyncPath, hashFile, MANIFEST_FORMAT, manifestPathFor, type BackupManifest, writeManifest } from './files.js';
import { databaseFacts, findPgTool, libpqConnection, runTool, withClient, type DatabaseFacts, type PgTool } from './pg-tools.js';
import { applyRetention } from './retention.js';
import { uploadToS3 } from './s3-upload.js';

/** What runBackup needs: any Config whose database URL is known (in embedded mode, once the server runs). */
export type BackupSettings = Pick<Config, 'backup' | 'pgBinDir'> & { readonly databaseUrl: string };

export interface BackupOptions {
  /** Progress lines. Default: none. */
  log?: (message: string) => void;
  /** The backup's time (its name). Default: now. */
  now?: Date;
  /** Upload to S3 when BACKUP_S3_BUCKET is set. Default true. */
  upload?: boolean;
}

export interface BackupResult {
  /** Absolute path of the dump; its manifest is beside it as `<file>.json`. */
  file: string;
  manifest: BackupManifest;
  /** Backups that retention deleted (names). */
  deleted: string[];
  /** S3 keys written (empty when no bucket is configured). */
  uploaded: string[];
}

/** Waits at most this long for a table lock (a migration holding one) instead of queueing behind it forever. */
const LOCK_WAIT_TIMEOUT = '5min';

interface DumpJob {
  databaseUrl: string;
  dir: string;
  createdAt: Date;
  started: number;
  facts: DatabaseFacts;
  pgDump: PgTool;
}

/** pg_dump to a partial file; once it exits 0: chmod, fsync, hash, link to the final name, manifest beside it. */
async function dump(job: DumpJob): Promise<{ file: string; manifest: BackupManifest }> {
  const name = backupFileName(job.createdAt);
  const file = join(job.dir, name);
  const partial = join(job.dir, `.${name}.partial-${process.pid}`);
  try {
    const { dbname, env } = libpqConnection(job.databaseUrl);
    const args = ['--format=custom', '--compress=6', `--lock-wait-timeout=${LOCK_WAIT_TIMEOUT}`, '--no-password', `--file=${partial}`, `--dbname=${dbname}`];
    const run = await runTool(job.pgDump.path, args, env);
    if (run.code !== 0) throw new BackupError(`pg_dump failed (exit ${run.code}): ${run.stderr || 'no message'}`);
    // A backup holds password hashes and enquiries' personal data: readable by its owner only.
    await chmod(partial, 0o600);
    await fsyncPath(partial);
    const { sizeBytes, sha256 } = await hashFile(partial);
    await link(partial, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') throw new BackupError(`${file} already exists (another backup in the same second?); nothing was replaced`);
      throw error;
    });
    const { facts, pgDump } = job;
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      file: name,
      createdAt: job.createdAt.toISOString(),
      sizeBytes,
      sha256,
      database: facts.database,
      serverVersion: facts.serverVersion,
      serverMajor: facts.serverMajor,
      pgDumpVersion: pgDump.version,
      pgDumpMajor: pgDump.major,
      migrations: facts.migrations,
      durationMs: Math.round(performance.now() - job.started),
    };
    await writeManifest(file, manifest);
    await fsyncPath(job.dir);
    return { file, manifest };
  } finally {
    await rm(partial, { force: true });
  }
}

export async function runBackup(config: BackupSettings, options: BackupOptions = {}): Promise<BackupResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const dir = config.backup.dir;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const facts = await withClient(config.databaseUrl, databaseFacts);
  const pgDump = await findPgTool('pg_dump', config.pgBinDir, facts.serverMajor, `the database runs PostgreSQL ${facts.serverVersion}`);
  log(`backup: dumping ${facts.database} (PostgreSQL ${facts.serverVersion}) with ${pgDump.path} ${pgDump.version}`);
  const { file, manifest } = await dump({ databaseUrl: config.databaseUrl, dir, createdAt: options.now ?? new Date(), started, facts, pgDump });
  log(`backup: wrote ${file} (${manifest.sizeBytes} bytes, sha256 ${manifest.sha256}) in ${manifest.durationMs} ms`);

  const deleted = await applyRetention(dir, config.backup.keepDaily, manifest.file);
  if (deleted.length > 0) log(`backup: retention (${config.backup.keepDaily} daily) deleted ${deleted.join(', ')}`);

  let uploaded: string[] = [];
  if (config.backup.s3 !== null && options.upload !== false) {
    try {
      uploaded = await uploadToS3(config.backup.s3, [file, manifestPathFor(file)], manifest.sha256);
    } catch (error) {
      throw new BackupError(`the backup ${file} is written and complete, but ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    log(`backup: uploaded to s3://${config.backup.s3.bucket}/${uploaded.join(', ')}`);
  }
  return { file, manifest, deleted, uploaded };
}
