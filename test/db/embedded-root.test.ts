/**
 * Run as root (as CI and many containers do), the embedded PostgreSQL runs as the `postgres` user, since
 * PostgreSQL refuses root. That user must be able to enter every directory on the way to DATA_DIR; a
 * DATA_DIR inside a 0700 directory (any `mktemp -d`) used to die in initdb with "could not access
 * directory … Permission denied". Now start-up stops before initdb with the directory and the fix, and the
 * directories gadizone creates itself are made passable whatever the umask.
 */
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/platform/embedded-postgres.js';
import { inject } from '../helpers.js';
import { freePort } from '../setup/redis-server.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const exists = (path: string) => stat(path).then(() => true, () => false);

describe.runIf(inject('engine') === 'embedded' && process.getuid?.() === 0)('embedded PostgreSQL started by root', () => {
  it('names the 0700 directory above DATA_DIR and the fix, before initdb; works once it is passable', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'gadizone-root-'));
    dirs.push(parent);
    expect((await stat(parent)).mode & 0o777).toBe(0o700);
    const dataDir = join(parent, 'data');
    const port = await freePort();

    const refused = startEmbeddedPostgres({ dataDir, port, log: () => undefined });
    await expect(refused).rejects.toThrow(`cannot enter ${parent} (mode 0700, owner uid 0)`);
    await expect(refused).rejects.toThrow(`chmod o+x ${parent}`);
    await expect(refused).rejects.toThrow('set DATA_DIR to a directory outside it');
    expect(await exists(join(dataDir, 'postgres'))).toBe(false);
    expect(await exists(join(dataDir, 'gadizone.lock'))).toBe(false);

    await chmod(parent, 0o701);
    const embedded = await startEmbeddedPostgres({ dataDir, port, log: () => undefined });
    await embedded.stop();
  }, 60_000);

  it('makes the directories it creates for DATA_DIR passable, even under a umask of 077', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'gadizone-root-umask-'));
    dirs.push(parent);
    await chmod(parent, 0o711);
    const dataDir = join(parent, 'several', 'levels', 'data');
    const previous = process.umask(0o077);
    try {
      const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: () => undefined });
      await embedded.stop();
    } finally {
      process.umask(previous);
    }
    for (const dir of [join(parent, 'several'), join(parent, 'several', 'levels'), dataDir]) expect((await stat(dir)).mode & 0o001, dir).toBe(0o001);
  }, 60_000);
});
