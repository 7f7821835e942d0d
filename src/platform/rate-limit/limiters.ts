/**
 * Rate-limit counters from rate-limiter-flexible, wherever the deployment keeps shared state:
 *   - Redis configured (a server, Sentinel or Cluster): Redis counters, exact across every process and host; while Redis is unreachable an
 *     in-memory insurance limiter (per process) takes over, so limits still hold, per process;
 *   - cluster workers without Redis: counters kept by the cluster primary over IPC (exact on the host);
 *   - one process: in-memory counters.
 * The tier every public API request spends is counted in each process and reconciled with these in batches
 * (batched-limiter.ts): one round trip per key per RATE_LIMIT_SYNC_MS instead of one per request.
 */
import cluster from 'node:cluster';
import { RateLimiterCluster, RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitRule } from '../../config.js';
import type { RedisClient } from '../redis.js';
import { createBatchedLimiter, type BatchedLimiter } from './batched-limiter.js';

/** A worker's request to the primary's counters fails after this long (then the insurance limiter decides). */
const CLUSTER_TIMEOUT_MS = 1_000;

export interface LimiterStore {
  /** A limiter named `name` (unique per store: it is the counters' key prefix). */
  limiter(name: string, rule: RateLimitRule, options?: { blockDurationS?: number }): RateLimiterAbstract;
  /** The limiter `name` counted here and reconciled with the shared counters every `syncMs` (0: every request). */
  batched(name: string, rule: RateLimitRule, syncMs: number, onError: (error: unknown) => void): BatchedLimiter;
  /** Pushes what the batched limiters hold and stops their timers. */
  close(): Promise<void>;
}

export function createLimiterStore(redis: RedisClient | null, prefix: string): LimiterStore {
  const made = new Map<string, RateLimiterAbstract>();
  const batched = new Map<string, BatchedLimiter>();
  return {
    batched(name, rule, syncMs, onError) {
      let limiter = batched.get(name);
      if (limiter === undefined) {
        limiter = createBatchedLimiter(this.limiter(name, rule), rule, { syncMs, onError });
        batched.set(name, limiter);
      }
      return limiter;
    },
    async close() {
      await Promise.all([...batched.values()].map((limiter) => limiter.close()));
    },
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
