/**
 * Decorates the app with `cache` (a ResponseCache). Embedded mode: memory tiers only (cluster workers of
 * one host share invalidations over IPC). With Redis (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES):
 * bentocache adds Redis as L2 and a Redis bus that keeps every process's memory tiers coherent. A Redis
 * that is down costs nothing but the shared tier: answers keep coming from memory and the database, and the
 * connections reconnect by themselves.
 */
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import cluster from 'node:cluster';
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { closeRedis, createRedis, redisTarget, waitForRedis, type RedisClient } from '../redis.js';
import { createCacheStats } from './cache-stats.js';
import { createHotTier } from './hot-tier.js';
import { ipcBus } from './ipc-bus.js';
import { redisBus } from './redis-bus.js';
import { createResponseCache, isInvalidation, type ResponseCache } from './response-cache.js';

declare module 'fastify' {
  interface FastifyInstance {
    cache: ResponseCache;
    /** The cache's Redis connection (its L2), null without Redis: what the health checks probe. */
    cacheRedis: RedisClient | null;
  }
}

/**
 * A load slower than this, with an expired entry still in grace, answers with that entry (STALE) and
 * finishes in the background. It must not be 0: bentocache then always answers a graced entry first and
 * refreshes behind it, so the first request after an invalidation would still see the old answer.
 */
const SLOW_LOAD_MS = 2_000;
/** After an L2 (Redis) error, skip Redis for this long instead of paying a timeout on every request. */
const L2_CIRCUIT_BREAKER_MS = 5_000;
const BYTES_PER_MB = 1024 * 1024;
/** Upper bound on entry count in bentocache's L1 (lru-cache preallocates per entry, so not unbounded). */
const L1_MAX_ENTRIES = 200_000;
/** How long start-up waits for Redis before going on without it (it keeps reconnecting). */
const REDIS_STARTUP_WAIT_MS = 3_000;

export interface CachePluginOptions {
  config: Config;
}

export const cachePlugin = fp<CachePluginOptions>(
  async (app, { config }) => {
    const memoryBytes = config.cache.memoryMb * BYTES_PER_MB;
    // Half of the memory budget holds final bytes (hot tier), half bentocache's serialised L1.
    // bentocache's memory tier defaults to 1,000 entries, fewer than a warm catalogue's hot set: bound by bytes.
    const store = bentostore().useL1Layer(memoryDriver({ maxSize: Math.floor(memoryBytes / 2), maxItems: L1_MAX_ENTRIES, serialize: true }));
    let l2: RedisClient | null = null;
    const redis = redisTarget(config);
    if (redis !== null) {
      l2 = createRedis(redis, { name: 'gadizone-cache' });
      if (!(await waitForRedis(l2, REDIS_STARTUP_WAIT_MS))) {
        app.log.warn('Redis is not reachable: the cache serves from this process only until it is');
      }
      store.useL2Layer(redisDriver({ connection: l2 })).useBus(redisBus(redis));
    } else if (cluster.isWorker) {
      // Workers of one host without Redis keep their memory tiers coherent through the primary.
      store.useBus(ipcBus());
    }
    const bento = new BentoCache({
      default: 'api',
      prefix: `${config.redisPrefix}:cache`,
      stores: { api: store },
      l2CircuitBreakerDuration: L2_CIRCUIT_BREAKER_MS,
      timeout: SLOW_LOAD_MS,
    });
    const hot = createHotTier(Math.floor(memoryBytes / 2));
    const stats = createCacheStats();
    const cache = createResponseCache({ bento, hot, stats, config: config.cache });
    // Create the store (and subscribe the bus) now, not on the first request.
    bento.use();
    bento.on('bus:message:received', ({ message }: { message: { type: string; keys: string[] } }) => {
      cache.onRemoteChange(message.type, message.keys);
      // Another process wrote: refill from the primary for a while, not from a replica that may lag the write.
      if (isInvalidation(message.type, message.keys)) app.readRouting.noteRemoteWrite();
    });
    app.decorate('cache', cache);
    app.decorate<RedisClient | null>('cacheRedis', l2);
    app.addHook('onClose', async () => {
      // bentocache closes its bus connections; the L2 connection is ours.
      await bento.disconnectAll().catch((error: unknown) => app.log.warn({ err: error }, 'closing the cache failed'));
      if (l2 !== null) await closeRedis(l2);
    });
  },
  { name: 'cache' },
);
