/**
 * Private Redis topologies on free loopback ports, for the high-availability tests: a master + replica
 * watched by sentinels (`redis-server --sentinel` with a generated config in a temp dir), and a small
 * Cluster (`--cluster-enabled yes` nodes joined by `redis-cli --cluster create`). Every process is killed
 * by `stop()`; nothing is persisted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { RedisNodeAddress } from '../../src/config.js';
import { freePort } from './redis-server.js';

const HOST = '127.0.0.1';
/** How long a topology may take to come up, or a failover to complete. */
const READY_TIMEOUT_MS = 20_000;
const POLL_MS = 50;
/** Sentinel timings short enough for a test: a silent master is "down" after 1 s. */
const DOWN_AFTER_MS = 1_000;
const FAILOVER_TIMEOUT_MS = 5_000;

export interface RedisProcesses {
  stop(): Promise<void>;
}

function startServer(args: string[]): ChildProcess {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  child.on('error', () => undefined);
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Runs `command` on a short-lived connection to host:port. */
export async function redisCommand(port: number, command: string, ...args: Array<string | number>): Promise<unknown> {
  const client = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(command, ...args);
  } finally {
    client.disconnect();
  }
}

/** Polls `check` until it returns a value other than undefined (errors count as "not yet"). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = READY_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const serverArgs = (port: number, dir: string) => ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir];

export interface SentinelTopology extends RedisProcesses {
  masterName: string;
  sentinels: RedisNodeAddress[];
  /** The port of whichever server the sentinels currently name as master. */
  masterPort(): Promise<number>;
  /** `SENTINEL FAILOVER`, then waits until the sentinels and the promoted server agree on the new master. */
  failover(): Promise<{ from: number; to: number }>;
}

/** A master, one replica and `sentinelCount` sentinels (quorum 1) watching them. */
export async function startSentinelTopology(sentinelCount = 1, masterName = 'mymaster'): Promise<SentinelTopology> {
  const dir = await mkdtemp(join(tmpdir(), 'gz-sentinel-'));
  const children: ChildProcess[] = [];
  const [masterPort, replicaPort] = [await freePort(), await freePort()];
  children.push(startServer(serverArgs(masterPort, dir)));
  children.push(startServer([...serverArgs(replicaPort, dir), '--replicaof', HOST, String(masterPort)]));
  const sentinelPorts: number[] = [];
  for (let i = 0; i < sentinelCount; i += 1) {
    const port = await freePort();
    const file = join(dir, `sentinel-${port}.conf`);
    await writeFile(
      file,
      [
        `port ${port}`,
        `bind ${HOST}`,
        `dir ${dir}`,
        `sentinel monitor ${masterName} ${HOST} ${masterPort} 1`,
        `sentinel down-after-milliseconds ${masterName} ${DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${masterName} ${FAILOVER_TIMEOUT_MS}`,
        `sentinel parallel-syncs ${masterName} 1`,
        '',
      ].join('\n'),
    );
    children.push(startServer([file, '--sentinel']));
    sentinelPorts.push(port);
  }
  const stop = async () => {
    await Promise.all(children.map(kill));
    await rm(dir, { recursive: true, force: true });
  };
  const masterPortNow = async (port = sentinelPorts[0]!) => {
    const [, reported] = (await redisCommand(port, 'SENTINEL', 'get-master-addr-by-name', masterName)) as [string, string];
    return Number(reported);
  };
  /** Every sentinel sees the replica in sync with the master, so a failover has somewhere to go. */
  const replicaKnown = async () => {
    for (const port of sentinelPorts) {
      const replicas = (await redisCommand(port, 'SENTINEL', 'replicas', masterName)) as string[][];
      const ok = replicas.some((fields) => {
        const info = new Map<string, string>();
        for (let i = 0; i + 1 < fields.length; i += 2) info.set(fields[i]!, fields[i + 1]!);
        return info.get('flags') === 'slave' && info.get('master-link-status') === 'ok';
      });
      if (!ok) return undefined;
    }
    return true;
  };
  try {
    await waitFor('the replica to sync and the sentinels to see it', replicaKnown);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    masterName,
    sentinels: sentinelPorts.map((port) => ({ host: HOST, port })),
    masterPort: () => masterPortNow(),
    async failover() {
      const from = await masterPortNow();
      await redisCommand(sentinelPorts[0]!, 'SENTINEL', 'failover', masterName);
      const to = await waitFor('the sentinels to name a new master', async () => {
        const ports = await Promise.all(sentinelPorts.map((port) => masterPortNow(port)));
        return ports.every((port) => port !== from && port === ports[0]) ? ports[0] : undefined;
      });
      await waitFor('the promoted server to act as master', async () => (String(await redisCommand(to, 'ROLE')).startsWith('master') ? true : undefined));
      return { from, to };
    },
    stop,
  };
}

export interface ClusterTopology extends RedisProcesses {
  nodes: RedisNodeAddress[];
}

/** `masters` cluster nodes (no replicas), every slot assigned, state ok. */
export async function startRedisCluster(masters = 3): Promise<ClusterTopology> {
  const dir = await mkdtemp(join(tmpdir(), 'gz-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < masters; i += 1) {
    const port = await freePort();
    ports.push(port);
    children.push(startServer([...serverArgs(port, dir), '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000']));
  }
  const stop = async () => {
    await Promise.all(children.map(kill));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(`cluster node ${port}`, async () => ((await redisCommand(port, 'PING')) === 'PONG' ? true : undefined));
    await new Promise<void>((resolve, reject) => {
      const create = spawn('redis-cli', ['--cluster', 'create', ...ports.map((port) => `${HOST}:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore' });
      create.on('error', reject);
      create.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli --cluster create exited ${code}`))));
    });
    for (const port of ports) {
      await waitFor(`cluster state ok on ${port}`, async () => (String(await redisCommand(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok') ? true : undefined));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: HOST, port })), stop };
}
