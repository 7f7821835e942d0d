/**
 * Redis connections, the one place they are made. Each subsystem (cache tier, bus, rate limiter, queue) gets
 * its own connection from `createRedis`, to whichever Redis the configuration names: one server (REDIS_URL),
 * a Sentinel-managed master (REDIS_SENTINELS) or a Cluster (REDIS_CLUSTER_NODES). Every connection is tuned
 * so that a dead or hung Redis makes commands fail fast instead of queueing: callers degrade (the cache
 * serves from memory, limits fall back to in-process counters) and the connection keeps reconnecting by
 * itself: after a Sentinel failover to the new master, in a Cluster to whichever node now owns a slot.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Config, RedisClusterConfig, RedisSentinelConfig } from '../config.js';

/** What every subsystem holds: a single-server or Sentinel connection (`Redis`), or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/** Where Redis is, from the configuration; null when no Redis is configured (embedded mode). */
export type RedisTarget =
  | { readonly kind: 'server'; readonly url: string }
  | { readonly kind: 'sentinel'; readonly sentinel: RedisSentinelConfig }
  | { readonly kind: 'cluster'; readonly cluster: RedisClusterConfig };

/** Reconnect delays grow to this bound and then stay there: a Redis that returns is picked up within it. */
const MAX_RECONNECT_DELAY_MS = 2_000;
const CONNECT_TIMEOUT_MS = 2_000;
/** A command Redis has not answered in this long fails, so a hung Redis cannot stall a request. */
const COMMAND_TIMEOUT_MS = 1_000;
/** A sentinel that has not answered "who is the master" by then is skipped for the next one. */
const SENTINEL_COMMAND_TIMEOUT_MS = 1_000;

export interface RedisConnectionOptions {
  /** Shown in `CLIENT LIST` and logs. */
  name: string;
  /** Queue commands while disconnected (true for the job queue, which must not lose a job). Default false. */
  offlineQueue?: boolean;
  /** Per-command timeout; blocking clients (queue workers) must turn it off. Default 1 000 ms. */
  commandTimeoutMs?: number | null;
}

/** The configured Redis: sentinels, then cluster, then URL (config allows only one of them to be set). */
export function redisTarget(config: Pick<Config, 'redisUrl' | 'redisSentinel' | 'redisCluster'>): RedisTarget | null {
  if (config.redisSentinel) return { kind: 'sentinel', sentinel: config.redisSentinel };
  if (config.redisCluster) return { kind: 'cluster', cluster: config.redisCluster };
  if (config.redisUrl) return { kind: 'server', url: config.redisUrl };
  return null;
}

/**
 * A key prefix that keeps every key of one user on one Cluster slot (a `{hash tag}`), for users whose
 * scripts touch many keys at once (BullMQ). Unchanged off a Cluster, so existing keys keep their names.
 */
export function slotPrefix(target: RedisTarget, prefix: string): string {
  return target.kind === 'cluster' ? `{${prefix}}` : prefix;
}

/** Options for one server connection (also each node's connection inside a Cluster). */
export function redisOptions(options: RedisConnectionOptions): RedisOptions {
  return {
    connectionName: options.name,
    lazyConnect: false,
    enableOfflineQueue: options.offlineQueue ?? false,
    maxRetriesPerRequest: options.offlineQueue ? null : 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...(options.commandTimeoutMs === null ? {} : { commandTimeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS }),
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    // A write that reaches a demoted master (a failover in progress) reconnects, and so finds the new master.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
  };
}

function sentinelOptions(sentinel: RedisSentinelConfig, options: RedisConnectionOptions): RedisOptions {
  return {
    ...redisOptions(options),
    sentinels: sentinel.sentinels.map(({ host, port }) => ({ host, port })),
    name: sentinel.masterName,
    ...(sentinel.sentinelPassword === null ? {} : { sentinelPassword: sentinel.sentinelPassword }),
    ...(sentinel.password === null ? {} : { password: sentinel.password }),
    sentinelCommandTimeout: SENTINEL_COMMAND_TIMEOUT_MS,
    // With no sentinel answering, keep asking (bounded back-off) rather than giving up for good.
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    // Listen for +switch-master on the sentinels: move at once, not on the next error.
    failoverDetector: true,
  };
}

function clusterOptions(cluster: RedisClusterConfig, options: RedisConnectionOptions): ClusterOptions {
  const { retryStrategy: _retry, enableOfflineQueue: _offline, ...node } = redisOptions(options);
  return {
    enableOfflineQueue: options.offlineQueue ?? false,
    clusterRetryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
    redisOptions: { ...node, ...(cluster.password === null ? {} : { password: cluster.password }) },
  };
}

/** A connection to the configured Redis, reconnecting by itself; errors are left to the caller's checks. */
export function createRedis(target: RedisTarget, options: RedisConnectionOptions): RedisClient {
  let client: RedisClient;
  if (target.kind === 'cluster') {
    client = new Cluster(
      target.cluster.nodes.map(({ host, port }) => ({ host, port })),
      clusterOptions(target.cluster, options),
    );
  } else if (target.kind === 'sentinel') {
    client = new Redis(sentinelOptions(target.sentinel, options));
  } else {
    client = new Redis(target.url, redisOptions(options));
  }
  // Connection errors are reported through health checks; an unhandled 'error' event would crash the process.
  client.on('error', () => undefined);
  return client;
}

/** Closes a connection without waiting on a Redis that may be gone. */
export async function closeRedis(redis: RedisClient): Promise<void> {
  try {
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  } catch {
    redis.disconnect();
  }
}

/**
 * Waits until the connection is ready, at most `timeoutMs`; false when it is not (the caller goes on
 * degraded and the connection keeps trying). Start-up uses it so the first requests find Redis in use.
 */
export async function waitForRedis(redis: RedisClient, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.on('ready', onReady);
  });
}
