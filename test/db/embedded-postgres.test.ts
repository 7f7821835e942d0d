import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/platform/embedded-postgres.js';
import { freePort } from '../setup/redis-server.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function version(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  it('runs a real PostgreSQL 15 and survives a crashed owner by stopping its stale server', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gadizone-embedded-'));
    dirs.push(dataDir);
    // From the kernel, not a random pick: a random port can collide with another test's server.
    const PORT = await freePort();
    const log: string[] = [];
    const first = await startEmbeddedPostgres({ dataDir, port: PORT, log: (l) => log.push(l) });
    expect(await version(first.url)).toMatch(/^15\./);

    // A crash: the owner is gone (its lock file with it) but its PostgreSQL still runs.
    await unlink(join(dataDir, 'gadizone.lock'));
    const second = await startEmbeddedPostgres({ dataDir, port: PORT, log: (l) => log.push(l) });
    expect(log.some((l) => l.includes('stopping a stale server'))).toBe(true);
    expect(await version(second.url)).toMatch(/^15\./);
    await second.stop();
    await second.stop();
  }, 60_000);
});
