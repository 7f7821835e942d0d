/**
 * Decorates the app with `cache` (a ResponseCache). Embedded mode: memory tiers only (cluster workers of
 * one host share invalidations over IPC). With Redis (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES):
 * bentocache adds Redis as L2 and a Redis bus that keeps every process's memory tiers coherent. A Redis
 * that is down costs nothing but the shared tier: answers keep coming from memory and the database, and the
 * connections reconnect by themselves.
 */
import { BentoCache, bentostore } from 'bentocache';
import { MemoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import cluster from 'node:cluster';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import type { Config } from '../../config.js';
import { clientKey } from '../rate-limit/client-key.js';
import { closeRedis, createRedis, redisTarget, waitForRedis, type RedisClient } from '../redis.js';
import { createCacheStats } from './cache-stats.js';
import { createHotTier } from './hot-tier.js';
import { ipcBus } from './ipc-bus.js';
import { redisBus } from './redis-bus.js';
import { createResponseCache, isInvalidation, type MissBudget, type ResponseCache } from './response-cache.js';

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
/** One L1 slot per KiB of its share (many smaller answers are evicted by count before bytes). */
const L1_BYTES_PER_SLOT = 1_024;
/** What lru-cache preallocates per slot (key and value arrays, links, free list, TTL and size arrays). */
const L1_SLOT_BYTES = 64;
/**
 * Per L1 entry besides its value and key: the map entry, two string headers, heap alignment. Measured
 * (test/cache/cache-memory.test.ts): a small search answer takes about 490 bytes, 320 of them characters.
 */
const L1_ENTRY_OVERHEAD_BYTES = 224;
/**
 * What a byte on V8's heap costs in resident memory: the old generation may grow 30% past what is live
 * (heap-growth.ts) and keeps pages committed between collections. Measured under a flood with a 256 MB
 * budget: 345 MB of old space committed for 206 MB in use. L1 values live there; the hot tier's bytes do not.
 */
const HEAP_RESIDENT_FACTOR = 1.6;
/** A character V8 cannot store in one byte: the whole string then takes two bytes per character. */
const WIDE_CHAR = /[\u0100-\uffff]/;
/** How long start-up waits for Redis before going on without it (it keeps reconnecting). */
const REDIS_STARTUP_WAIT_MS = 3_000;

export interface CachePluginOptions {
  config: Config;
}

/**
 * bentocache's memory tier, bounded by what its entries really take: the serialised value as V8 stores it
 * (one or two bytes a character; bentocache's own driver counts UTF-8 bytes, half of a two-byte string) plus
 * its key and bookkeeping, on the heap (HEAP_RESIDENT_FACTOR), and the slots lru-cache preallocates counted
 * against the same share.
 */
export function createL1Store(maxBytes: number): LRUCache<string, string> {
  const max = Math.max(1, Math.min(L1_MAX_ENTRIES, Math.floor(maxBytes / L1_BYTES_PER_SLOT)));
  return new LRUCache<string, string>({
    max,
    maxSize: Math.max(1, maxBytes - max * L1_SLOT_BYTES),
    sizeCalculation: (value, key) => Math.ceil((value.length * (WIDE_CHAR.test(value) ? 2 : 1) + key.length + L1_ENTRY_OVERHEAD_BYTES) * HEAP_RESIDENT_FACTOR),
    ttlAutopurge: false,
  });
}

export const cachePlugin = fp<CachePluginOptions>(
  async (app, { config }) => {
    const memoryBytes = config.cache.memoryMb * BYTES_PER_MB;
    // Half of the memory budget holds final bytes (hot tier), half bentocache's serialised L1.
    const l1 = createL1Store(Math.floor(memoryBytes / 2));
    const store = bentostore().useL1Layer({
      options: { serialize: true },
      factory: (driverConfig: ConstructorParameters<typeof MemoryDriver>[0]) => new MemoryDriver({ ...driverConfig, cacheInstance: l1 }),
    });
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
    // The rate-limit plugin registers after this one; it is looked up when a miss happens.
    const missBudget: MissBudget = {
      charge: (request, reply) => app.rateLimit.consume(request, reply, 'misses', clientKey(request.ip)),
      refund: (request) => app.rateLimit.refund(request, 'misses', clientKey(request.ip)),
    };
    const cache = createResponseCache({ bento, hot, stats, config: config.cache, missBudget });
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
