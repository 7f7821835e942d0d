/**
 * Rate-limit counters from rate-limiter-flexible, wherever the deployment keeps shared state:
 *   - Redis configured (a server, Sentinel or Cluster): Redis counters, exact across every process and host; while Redis is unreachable an
 *     in-memory insurance limiter (per process) takes over, so limits still hold, per process;
 *   - cluster workers without Redis: counters kept by the cluster primary over IPC (exact on the host);
 *   - one process: in-memory counters.
 */
import cluster from 'node:cluster';
import { RateLimiterCluster, RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitRule } from '../../config.js';
import type { RedisClient } from '../redis.js';

/** A worker's request to the primary's counters fails after this long (then the insurance limiter decides). */
const CLUSTER_TIMEOUT_MS = 1_000;

export interface LimiterStore {
  /** A limiter named `name` (unique per store: it is the counters' key prefix). */
  limiter(name: string, rule: RateLimitRule, options?: { blockDurationS?: number }): RateLimiterAbstract;
}

export function createLimiterStore(redis: RedisClient | null, prefix: string): LimiterStore {
  const made = new Map<string, RateLimiterAbstract>();
  return {
    limiter(name, rule, options = {}) {
      const existing = made.get(name);
      if (existing) return existing;
      const base = { points: rule.points, duration: rule.durationS, blockDuration: options.blockDurationS ?? 0, keyPrefix: `${prefix}:rl:${name}` };
      const insurance = new RateLimiterMemory(base);
      let limiter: RateLimiterAbstract;
      if (redis !== null) {
        // rejectIfRedisNotReady: a disconnected Redis hands over to the insurance limiter at once.
        limiter = new RateLimiterRedis({ ...base, storeClient: redis, insuranceLimiter: insurance, rejectIfRedisNotReady: true });
      } else if (cluster.isWorker) {
        limiter = new RateLimiterCluster({ ...base, timeoutMs: CLUSTER_TIMEOUT_MS });
      } else {
        limiter = insurance;
      }
      made.set(name, limiter);
      return limiter;
    },
  };
}
