/**
 * A second checkout on the same machine: its embedded PostgreSQL finds EMBEDDED_DB_PORT taken (by the
 * first checkout's, or any program). It must not die with PostgreSQL's "could not create any TCP/IP
 * sockets": it listens on the next free port, says so, and records it in DATA_DIR, where CLI commands run
 * beside the server (migrate, seed, backup, admin create) find it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/platform/embedded-postgres.js';
import { inject } from '../helpers.js';
import { freePort } from '../setup/redis-server.js';

const CLI_TIMEOUT_MS = 60_000;

const dirs: string[] = [];
const running: EmbeddedPostgres[] = [];
let blocker: Server | undefined;
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  blocker?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Another program on 127.0.0.1:`port`. */
function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function version(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

/** `gadizone <args>` in its own process, as a user would run it beside `npm start`. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of ['DATABASE_URL', 'REDIS_URL']) delete childEnv[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe.runIf(inject('engine') === 'embedded')('embedded PostgreSQL when its port is taken', () => {
  it('listens on the next free port, says so, and CLI commands run beside it find that port', async () => {
    const configured = await freePort();
    blocker = await occupy(configured);

    const firstDir = await tempDir('gadizone-port-a-');
    const log: string[] = [];
    const first = await startEmbeddedPostgres({ dataDir: firstDir, port: configured, log: (l) => log.push(l) });
    running.push(first);
    expect(first.port).not.toBe(configured);
    expect(first.url).toContain(`@127.0.0.1:${first.port}/`);
    expect(await version(first.url)).toMatch(/^15\./);
    expect(log.join('\n')).toContain(`port ${configured} (EMBEDDED_DB_PORT) is taken`);
    expect(JSON.parse(await readFile(join(firstDir, 'gadizone.lock'), 'utf8'))).toEqual({ pid: process.pid, port: first.port });

    // A second checkout with the same settings: neither the other program's port nor the first checkout's.
    const second = await startEmbeddedPostgres({ dataDir: await tempDir('gadizone-port-b-'), port: configured, log: () => undefined });
    running.push(second);
    expect([configured, first.port]).not.toContain(second.port);
    expect(await version(second.url)).toMatch(/^15\./);

    // `gadizone migrate` beside the first "server", with the configured (taken) port in its environment.
    const migrate = await cli(['migrate'], { DATA_DIR: firstDir, EMBEDDED_DB_PORT: String(configured) });
    expect(migrate.code, migrate.output).toBe(0);
    expect(migrate.output).toContain(`on port ${first.port}`);
  }, 120_000);
});
