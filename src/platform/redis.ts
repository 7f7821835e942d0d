/**
 * Redis connections. Each subsystem (cache tier, bus, rate limiter, queue) gets its own connection from
 * `createRedis`, tuned so that a dead or hung Redis makes commands fail fast instead of queueing: callers
 * degrade (the cache serves from memory, limits fall back to in-process counters) and the connection keeps
 * reconnecting by itself.
 */
import { Redis, type RedisOptions } from 'ioredis';

/** Reconnect delays grow to this bound and then stay there: a Redis that returns is picked up within it. */
const MAX_RECONNECT_DELAY_MS = 2_000;
const CONNECT_TIMEOUT_MS = 2_000;
/** A command Redis has not answered in this long fails, so a hung Redis cannot stall a request. */
const COMMAND_TIMEOUT_MS = 1_000;

export interface RedisConnectionOptions {
  /** Shown in `CLIENT LIST` and logs. */
  name: string;
  /** Queue commands while disconnected (true for the job queue, which must not lose a job). Default false. */
  offlineQueue?: boolean;
  /** Per-command timeout; blocking clients (queue workers) must turn it off. Default 1 000 ms. */
  commandTimeoutMs?: number | null;
}

export function redisOptions(options: RedisConnectionOptions): RedisOptions {
  return {
    connectionName: options.name,
    lazyConnect: false,
    enableOfflineQueue: options.offlineQueue ?? false,
    maxRetriesPerRequest: options.offlineQueue ? null : 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...(options.commandTimeoutMs === null ? {} : { commandTimeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS }),
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  };
}

export function createRedis(url: string, options: RedisConnectionOptions): Redis {
  const redis = new Redis(url, redisOptions(options));
  // Connection errors are reported through health checks; an unhandled 'error' event would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

/** Closes a connection without waiting on a Redis that may be gone. */
export async function closeRedis(redis: Redis): Promise<void> {
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
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
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
