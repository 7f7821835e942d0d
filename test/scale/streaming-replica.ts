/**
 * A real PostgreSQL 15 primary with a streaming replica on free loopback ports, for the replica tests:
 * initdb, migrate and seed the primary, `pg_basebackup -R` the replica, start it. The server binaries come
 * from PG_BIN (default /usr/lib/postgresql/15/bin); as root they run as the postgres user (initdb refuses
 * root). Everything lives in one temporary directory, removed by close().
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../setup/redis-server.js';
import { migrateAndSeed } from '../setup/template.js';

const run = promisify(execFile);
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;
/** The OS user the servers run as when the test runs as root. */
const POSTGRES_USER = 'postgres';
const START_TIMEOUT_S = 30;

export const canRunStreamingReplica = existsSync(join(PG_BIN, 'pg_basebackup')) && (!asRoot || existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser'));

async function pgTool(tool: string, args: string[]): Promise<void> {
  const [command, argv] = asRoot ? ['runuser', ['-u', POSTGRES_USER, '--', join(PG_BIN, tool), ...args]] : [join(PG_BIN, tool), args];
  await run(command, argv, { timeout: 60_000 });
}

async function ownedByPostgres(dir: string): Promise<void> {
  if (!asRoot) return;
  const { stdout } = await run('id', ['-u', POSTGRES_USER]);
  const { stdout: gid } = await run('id', ['-g', POSTGRES_USER]);
  await chown(dir, Number(stdout.trim()), Number(gid.trim()));
}

export interface StreamingPair {
  primaryUrl: string;
  replicaUrl: string;
  /** One statement on the primary or the replica, on a connection of its own. */
  sql(on: 'primary' | 'replica', text: string, values?: unknown[]): Promise<pg.QueryResultRow[]>;
  stopReplica(): Promise<void>;
  close(): Promise<void>;
}

export async function startStreamingPair(): Promise<StreamingPair> {
  const dir = await mkdtemp(join(tmpdir(), 'gz-replica-test-'));
  await ownedByPostgres(dir);
  const primaryPort = await freePort();
  let replicaPort = await freePort();
  while (replicaPort === primaryPort) replicaPort = await freePort();
  const server = (port: number, extra: string) => `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off ${extra}`;
  const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/gadizone`;
  const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/gadizone`;
  let replicaRunning = false;

  const sql = async (on: 'primary' | 'replica', text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: on === 'primary' ? primaryUrl : replicaUrl });
    await client.connect();
    try {
      return (await client.query(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  const stopReplica = async () => {
    if (!replicaRunning) return;
    replicaRunning = false;
    await pgTool('pg_ctl', ['-D', join(dir, 'replica'), '-m', 'immediate', 'stop']);
  };
  const close = async () => {
    await stopReplica().catch(() => undefined);
    await pgTool('pg_ctl', ['-D', join(dir, 'primary'), '-m', 'immediate', 'stop']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await pgTool('initdb', ['-D', join(dir, 'primary'), '-U', 'postgres', '-A', 'trust', '--no-sync']);
    await pgTool('pg_ctl', ['-D', join(dir, 'primary'), '-l', join(dir, 'primary.log'), '-w', '-t', String(START_TIMEOUT_S), 'start', '-o', server(primaryPort, '-c wal_level=replica -c max_wal_senders=4')]);
    const admin = new pg.Client({ connectionString: primaryUrl.replace(/\/gadizone$/, '/postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE gadizone').finally(() => admin.end());
    await migrateAndSeed(primaryUrl);
    await pgTool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', join(dir, 'replica'), '-R', '-X', 'fetch', '-c', 'fast', '--no-sync', '--no-manifest']);
    await pgTool('pg_ctl', ['-D', join(dir, 'replica'), '-l', join(dir, 'replica.log'), '-w', '-t', String(START_TIMEOUT_S), 'start', '-o', server(replicaPort, '-c hot_standby=on')]);
    replicaRunning = true;
    return { primaryUrl, replicaUrl, sql, stopReplica, close };
  } catch (error) {
    await close();
    throw error;
  }
}
