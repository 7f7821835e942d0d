/**
 * The files under MEDIA_DIR. Names are content hashes (names.ts), so a file that exists already holds the
 * right bytes: writes skip it, and a write goes to a temporary file renamed into place, so a reader never
 * sees half a file and two processes writing the same name cannot corrupt it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MEDIA_NAME_PATTERN } from './names.js';

export interface MediaStore {
  readonly dir: string;
  /** Writes `bytes` as `name` unless it exists; returns the size. */
  write(name: string, bytes: Buffer): Promise<number>;
  read(name: string): Promise<Buffer>;
  /** Size and modification time, or null when there is no such file. */
  stat(name: string): Promise<{ size: number; mtime: Date } | null>;
  /** The file's path; only for names that match the pattern. */
  pathOf(name: string): string;
}

export function createMediaStore(dir: string): MediaStore {
  let ready: Promise<unknown> | null = null;
  const pathOf = (name: string) => {
    if (!MEDIA_NAME_PATTERN.test(name)) throw new Error(`not a media file name: ${JSON.stringify(name)}`);
    return join(dir, name);
  };
  return {
    dir,
    pathOf,
    async write(name, bytes) {
      const path = pathOf(name);
      ready ??= mkdir(dir, { recursive: true });
      await ready;
      const existing = await stat(path).catch(() => null);
      if (existing?.size === bytes.length) return existing.size;
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temporary, bytes);
        await rename(temporary, path);
      } finally {
        await rm(temporary, { force: true });
      }
      return bytes.length;
    },
    read: (name) => readFile(pathOf(name)),
    async stat(name) {
      const found = await stat(pathOf(name)).catch(() => null);
      return found?.isFile() ? { size: found.size, mtime: found.mtime } : null;
    },
  };
}
