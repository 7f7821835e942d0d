/**
 * Backup files on disk: their names (`gadizone-<UTC timestamp>.dump`), the manifest beside each
 * (`….dump.json`: size, sha256, versions, migration count), hashing, and the fsyncs that make a rename
 * durable.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { BackupError } from './backup-error.js';

const NAME_PATTERN = /^gadizone-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.dump$/;
const MANIFEST_SUFFIX = '.json';
export const MANIFEST_FORMAT = 'gadizone-backup/1';

/** What the manifest beside a dump records; restore checks the file against it. */
export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  /** The dump's file name (no folder). */
  file: string;
  createdAt: string;
  sizeBytes: number;
  sha256: string;
  database: string;
  serverVersion: string;
  serverMajor: number;
  pgDumpVersion: string;
  pgDumpMajor: number;
  /** Rows in drizzle.__drizzle_migrations when the dump was taken. */
  migrations: number;
  durationMs: number;
}

/** `gadizone-20250102T030405Z.dump` for 2025-01-02 03:04:05 UTC (sorts by time as text). */
export function backupFileName(at: Date): string {
  const stamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `gadizone-${stamp}.dump`;
}

/** The time in a backup's name, or null when the name is not one of ours. */
export function parseBackupName(name: string): Date | null {
  const match = NAME_PATTERN.exec(name);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(at.getTime()) ? null : at;
}

export function manifestPathFor(dumpPath: string): string {
  return `${dumpPath}${MANIFEST_SUFFIX}`;
}

export async function hashFile(path: string): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    sizeBytes += chunk.length;
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}

/** Flushes a file (or, opened read-only, a folder's entries) to stable storage. */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes the manifest through a temporary file, fsynced and renamed, so a reader sees all of it or none. */
export async function writeManifest(dumpPath: string, manifest: BackupManifest): Promise<string> {
  const path = manifestPathFor(dumpPath);
  const partial = `${dirname(path)}/.${basename(path)}.partial-${process.pid}`;
  try {
    await writeFile(partial, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    await fsyncPath(partial);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return path;
}

export async function readManifest(dumpPath: string): Promise<BackupManifest> {
  const path = manifestPathFor(dumpPath);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    throw new BackupError(
      `no manifest ${path} beside the backup, so its checksum cannot be verified; copy it along with the dump, or pass --skip-checksum to restore unverified`,
    );
  });
  let manifest: Partial<BackupManifest>;
  try {
    manifest = JSON.parse(text) as Partial<BackupManifest>;
  } catch {
    throw new BackupError(`the manifest ${path} is not valid JSON: it is damaged`);
  }
  if (manifest.format !== MANIFEST_FORMAT || typeof manifest.sha256 !== 'string' || typeof manifest.sizeBytes !== 'number') {
    throw new BackupError(`${path} is not a gadizone backup manifest (expected format ${MANIFEST_FORMAT} with sizeBytes and sha256)`);
  }
  return manifest as BackupManifest;
}
