/**
 * `restoreBackup(config, file, options)`: checks a backup against its manifest, refuses a target database
 * that holds rows unless forced, restores it with pg_restore in one transaction, re-gathers planner
 * statistics (a dump carries none), and checks the migrations it brought back.
 */
import { performance } from 'node:perf_hooks';
import { readFile, stat } from 'node:fs/promises';
import type pg from 'pg';
import type { Config } from '../../config.js';
import { MIGRATIONS_DIR } from '../../db/migrate.js';
import { BackupError } from './backup-error.js';
import { hashFile, readManifest, type BackupManifest } from './files.js';
import { databaseFacts, findPgTool, libpqConnection, runTool, withClient, type DatabaseFacts, type PgTool } from './pg-tools.js';

export type RestoreSettings = Pick<Config, 'pgBinDir'> & { readonly databaseUrl: string };

export interface RestoreOptions {
  /** Restore over a database that holds rows: its public and drizzle schemas are dropped first. Default false. */
  force?: boolean;
  /** Restore without a manifest: no checksum check (pg_restore still reads the whole archive). Default false. */
  skipChecksum?: boolean;
  /** Progress lines. Default: none. */
  log?: (message: string) => void;
}

export interface RestoreResult {
  manifest: BackupManifest | null;
  durationMs: number;
  /** Migrations recorded in the restored database, and how many this release has. */
  migrations: { restored: number; expected: number };
}

/** Schemas the app owns; all of the app's data lives in them. */
const APP_SCHEMAS = ['public', 'drizzle'];

interface TableRows {
  table: string;
  rows: number;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function expectedMigrations(): Promise<number> {
  const journal = JSON.parse(await readFile(`${MIGRATIONS_DIR}/meta/_journal.json`, 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

async function verifyFile(file: string, skipChecksum: boolean, log: (m: string) => void): Promise<BackupManifest | null> {
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile()) throw new BackupError(`no backup file at ${file}`);
  if (skipChecksum) {
    log(`restore: --skip-checksum: ${file} is not checked against a manifest`);
    return null;
  }
  const manifest = await readManifest(file);
  const actual = await hashFile(file);
  if (actual.sizeBytes !== manifest.sizeBytes || actual.sha256 !== manifest.sha256) {
    throw new BackupError(
      `${file} is corrupt: it is ${actual.sizeBytes} bytes with sha256 ${actual.sha256}, but its manifest says ${manifest.sizeBytes} bytes with sha256 ${manifest.sha256}; nothing was restored`,
    );
  }
  log(`restore: ${file} matches its manifest (${manifest.sizeBytes} bytes, sha256 ${manifest.sha256})`);
  return manifest;
}

async function tablesWithRowCounts(client: pg.Client): Promise<TableRows[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') ORDER BY 1`,
    [APP_SCHEMAS],
  );
  const counted: TableRows[] = [];
  for (const { name } of rows) counted.push({ table: name, rows: (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`)).rows[0]!.n });
  return counted;
}

/** Makes the target empty, or refuses: a database with rows is replaced only with `force`. */
async function prepareTarget(client: pg.Client, database: string, force: boolean, log: (m: string) => void): Promise<void> {
  const tables = await tablesWithRowCounts(client);
  if (tables.length === 0) return;
  const withRows = tables.filter((t) => t.rows > 0);
  const total = withRows.reduce((sum, t) => sum + t.rows, 0);
  const detail = withRows.map((t) => `${t.table} ${t.rows}`).join(', ');
  if (withRows.length > 0 && !force) {
    throw new BackupError(
      `the database ${database} is not empty: ${withRows.length} tables hold ${total} rows (${detail}); ` +
        `restore into an empty database, or pass --force to drop its schemas ${APP_SCHEMAS.join(' and ')} first`,
    );
  }
  log(
    withRows.length > 0
      ? `restore: --force: dropping schemas ${APP_SCHEMAS.join(' and ')} of ${database}: ${tables.length} tables, ${total} rows (${detail})`
      : `restore: ${database} holds ${tables.length} empty tables (a schema without data): dropping them`,
  );
  await client.query('BEGIN');
  try {
    await client.query('DROP SCHEMA IF EXISTS public CASCADE');
    await client.query('DROP SCHEMA IF EXISTS drizzle CASCADE');
    await client.query('CREATE SCHEMA public');
    await client.query('GRANT USAGE ON SCHEMA public TO PUBLIC');
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** A pg_restore able to read the archive and talk to the target, after checking that the target is new enough. */
async function restoreTool(pgBinDir: string | null, file: string, manifest: BackupManifest | null, target: DatabaseFacts): Promise<PgTool> {
  if (manifest !== null && manifest.serverMajor > target.serverMajor) {
    throw new BackupError(
      `server version mismatch: the backup was taken from PostgreSQL ${manifest.serverVersion}, the target runs ${target.serverVersion}; restore into PostgreSQL ${manifest.serverMajor} or newer`,
    );
  }
  const archiveIsNewer = manifest !== null && manifest.pgDumpMajor > target.serverMajor;
  const why = archiveIsNewer ? `the backup was written by pg_dump ${manifest.pgDumpVersion}` : `the database runs PostgreSQL ${target.serverVersion}`;
  const tool = await findPgTool('pg_restore', pgBinDir, archiveIsNewer ? manifest.pgDumpMajor : target.serverMajor, why);
  const listing = await runTool(tool.path, ['--list', file]);
  if (listing.code !== 0) throw new BackupError(`${file} is not a readable pg_dump custom-format archive: ${listing.stderr || `pg_restore exit ${listing.code}`}`);
  return tool;
}

/** pg_restore in one transaction, then ANALYZE: a dump carries no planner statistics, and without them the first queries crawl. */
async function runPgRestore(tool: PgTool, databaseUrl: string, file: string, client: pg.Client, log: (m: string) => void): Promise<void> {
  const { dbname, env } = libpqConnection(databaseUrl);
  const args = ['--no-owner', '--no-acl', '--exit-on-error', '--single-transaction', '--no-password', `--dbname=${dbname}`, file];
  const started = performance.now();
  const run = await runTool(tool.path, args, env);
  if (run.code !== 0) throw new BackupError(`pg_restore failed (exit ${run.code}); it ran in one transaction, so nothing of the backup was applied: ${run.stderr || 'no message'}`);
  const analyzeStarted = performance.now();
  await client.query('ANALYZE');
  log(`restore: pg_restore ${seconds(analyzeStarted - started)} s, ANALYZE ${seconds(performance.now() - analyzeStarted)} s`);
}

/** The restored migrations must be the backup's, and not newer than this release's. */
async function checkMigrations(client: pg.Client, manifest: BackupManifest | null, expected: number, log: (m: string) => void): Promise<number> {
  const restored = (await databaseFacts(client)).migrations;
  if (manifest !== null && restored !== manifest.migrations) {
    throw new BackupError(`the restored database records ${restored} migrations, but the manifest says the backup had ${manifest.migrations}`);
  }
  if (restored > expected) throw new BackupError(`the restored database records ${restored} migrations, more than this release's ${expected}: run it with the release that made the backup`);
  const behind = expected - restored;
  if (behind > 0) log(`restore: the backup is ${behind} migration${behind === 1 ? '' : 's'} behind this release: run \`gadizone migrate\` (automatic at start in embedded mode)`);
  return restored;
}

export async function restoreBackup(config: RestoreSettings, file: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const manifest = await verifyFile(file, options.skipChecksum === true, log);
  const expected = await expectedMigrations();
  if (manifest !== null && manifest.migrations > expected) {
    throw new BackupError(`the backup comes from a newer gadizone (${manifest.migrations} migrations; this one has ${expected}): restore it with that release`);
  }
  return withClient(config.databaseUrl, async (client) => {
    const target = await databaseFacts(client);
    const tool = await restoreTool(config.pgBinDir, file, manifest, target);
    await prepareTarget(client, target.database, options.force === true, log);
    log(`restore: restoring ${file} into ${target.database} (PostgreSQL ${target.serverVersion}) with ${tool.path} ${tool.version}`);
    await runPgRestore(tool, config.databaseUrl, file, client, log);
    const restored = await checkMigrations(client, manifest, expected, log);
    return { manifest, durationMs: Math.round(performance.now() - started), migrations: { restored, expected } };
  });
}
