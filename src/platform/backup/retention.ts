/**
 * Daily retention: of the backups in BACKUP_DIR, keep the latest one of each of the BACKUP_KEEP_DAILY most
 * recent UTC days that have a backup, and delete the rest (with their manifests). Counting days that have a
 * backup, not calendar days, means a week without backups never empties the folder. The backup just made
 * is never deleted, whatever the clock says about the others. Files that are not ours are left alone.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { manifestPathFor, parseBackupName } from './files.js';

/** A `.partial` file this old is a crashed backup's leftover, not one in progress. */
const STALE_PARTIAL_MS = 24 * 3_600_000;

/** The backup names to delete (pure: the folder listing in, names out). */
export function expiredBackups(names: readonly string[], keepDaily: number, protect: string): string[] {
  const latestPerDay = new Map<string, string>();
  for (const name of names) {
    const at = parseBackupName(name);
    if (at === null) continue;
    const day = at.toISOString().slice(0, 10);
    const latest = latestPerDay.get(day);
    if (latest === undefined || name > latest) latestPerDay.set(day, name);
  }
  const keptDays = [...latestPerDay.keys()].sort().reverse().slice(0, keepDaily);
  const kept = new Set([protect, ...keptDays.map((day) => latestPerDay.get(day)!)]);
  return names.filter((name) => parseBackupName(name) !== null && !kept.has(name)).sort();
}

/** Deletes expired backups and stale partial files in `dir`; returns the backup names deleted. */
export async function applyRetention(dir: string, keepDaily: number, protect: string, now = Date.now()): Promise<string[]> {
  const names = await readdir(dir);
  const expired = expiredBackups(names, keepDaily, protect);
  for (const name of expired) {
    const path = join(dir, name);
    await rm(manifestPathFor(path), { force: true });
    await rm(path, { force: true });
  }
  for (const name of names.filter((n) => /^\.gadizone-.*\.partial-\d+$/.test(n))) {
    const path = join(dir, name);
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: now }));
    if (now - mtimeMs > STALE_PARTIAL_MS) await rm(path, { force: true });
  }
  // A manifest whose dump is gone (deleted by hand) describes nothing.
  const remaining = new Set(await readdir(dir));
  for (const name of remaining) {
    if (name.endsWith('.dump.json') && parseBackupName(name.slice(0, -'.json'.length)) !== null && !remaining.has(name.slice(0, -'.json'.length))) {
      await rm(join(dir, name), { force: true });
    }
  }
  return expired;
}
