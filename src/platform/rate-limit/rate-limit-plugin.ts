/**
 * Rate limits by tier (config.rateLimits): `public` on every public API request, keyed by client IP
 * (Fastify's `request.ip`, which honours TRUST_PROXY and nothing else); the others are consumed by the
 * routes they guard (`app.rateLimit.consume(...)`): `auth` per IP on login, `leads` per IP and `leadsPhone`
 * per phone number, `newsletterIp` per IP and `newsletter` per email address, `events` per IP (a point per
 * event), `misses` per IP on each load a cached route starts (response-cache.ts: hits are free), `modify`
 * and `bulk` per signed-in user. A page form spends the same budgets under the same keys
 * as its API route, so alternating between them gains nothing. Per-IP keys come from `clientKey` (an IPv6
 * client is its /64). Answers carry
 * `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (response-cache.ts removes them from
 * shared-cacheable answers); a refusal is a 429 with `Retry-After`.
 */
import { randomBytes } from 'node:crypto';
import { BlockList, isIPv6 } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Config, RateLimitConfig } from '../../config.js';
import { AppError } from '../../errors.js';
import { closeRedis, createRedis, redisTarget, waitForRedis, type RedisClient } from '../redis.js';
import { clientKey } from './client-key.js';
import { createLimiterStore, type LimiterStore } from './limiters.js';

export type RateLimitTier = Exclude<keyof RateLimitConfig, 'enabled' | 'allowlist'>;

declare module 'fastify' {
  interface FastifyInstance {
    rateLimit: RateLimiter;
  }
}

/** Paths the public tier does not count: health and metrics (probes), the docs, the admin API (own tiers). */
const UNCOUNTED_PREFIXES = ['/api/monitoring/', '/api/docs', '/api/admin/'];
/**
 * How long start-up waits for Redis before going on without it. Until the connection is ready every request
 * is counted by the per-process insurance limiter, so without this wait the first requests after start-up
 * would each get a budget per process instead of one shared budget.
 */
const REDIS_STARTUP_WAIT_MS = 3_000;

export interface RateLimiter {
  /** Counts `points` (default 1) of `tier` for `key`; throws a 429 AppError (headers set on `reply`) when over. */
  consume(request: FastifyRequest, reply: FastifyReply, tier: RateLimitTier, key: string, points?: number): Promise<void>;
  /** Gives back one point that `consume` counted (in the background): the work it paid for did not happen. */
  refund(request: FastifyRequest, tier: RateLimitTier, key: string): void;
  /** The limiters themselves, for lockout counters that are not request tiers. */
  store: LimiterStore;
  exempt(ip: string): boolean;
  /**
   * Headers that mark a request the app makes to itself (app.inject: the cache warm-up) so that it is not
   * counted against the public budget of 127.0.0.1. The value is random per process and never leaves it.
   */
  internalHeaders: Readonly<Record<string, string>>;
}

const INTERNAL_HEADER = 'x-gadizone-internal';
const MAX_REMEMBERED_VERDICTS = 10_000;

function allowlist(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

function setHeaders(reply: FastifyReply, limit: number, result: RateLimiterRes): void {
  reply
    .header('ratelimit-limit', limit)
    .header('ratelimit-remaining', Math.max(0, result.remainingPoints))
    .header('ratelimit-reset', Math.ceil(result.msBeforeNext / 1000));
}

export function createRateLimiter(config: Config['rateLimits'], store: LimiterStore, onError: (error: unknown) => void): RateLimiter {
  const allowed = allowlist(config.allowlist);
  // BlockList#check builds a SocketAddress per call; clients repeat, so remember answers (bounded).
  const verdicts = new Map<string, boolean>();
  const exempt = (ip: string) => {
    let verdict = verdicts.get(ip);
    if (verdict === undefined) {
      const address = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
      verdict = config.allowlist.length > 0 && allowed.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
      if (verdicts.size >= MAX_REMEMBERED_VERDICTS) verdicts.clear();
      verdicts.set(ip, verdict);
    }
    return verdict;
  };
  const internalKey = randomBytes(24).toString('base64url');
  return {
    store,
    exempt,
    internalHeaders: Object.freeze({ [INTERNAL_HEADER]: internalKey }),
    async consume(request, reply, tier, key, points = 1) {
      if (!config.enabled || exempt(request.ip) || request.headers[INTERNAL_HEADER] === internalKey) return;
      const rule = config[tier];
      try {
        const result = await store.limiter(tier, rule).consume(key, points);
        // The misses budget is spent beside the request's own tier: its counters show only when it refuses.
        if (tier !== 'misses') setHeaders(reply, rule.points, result);
      } catch (outcome) {
        if (!(outcome instanceof RateLimiterRes)) {
          // The shared counters are unreachable and there is no insurance (cluster primary gone): let it through.
          onError(outcome);
          return;
        }
        setHeaders(reply, rule.points, outcome);
        const retryAfterS = Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
        reply.header('retry-after', retryAfterS);
        throw new AppError('TOO_MANY_REQUESTS', `too many requests (${tier}: ${rule.points} per ${rule.durationS} s); try again in ${retryAfterS} s`);
      }
    },
    refund(request, tier, key) {
      if (!config.enabled || exempt(request.ip) || request.headers[INTERNAL_HEADER] === internalKey) return;
      store.limiter(tier, config[tier]).reward(key, 1).catch(onError);
    },
  };
}

export const rateLimitPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const target = redisTarget(config);
    const redis: RedisClient | null = target === null ? null : createRedis(target, { name: 'gadizone-rate-limit' });
    if (redis !== null && config.rateLimits.enabled && !(await waitForRedis(redis, REDIS_STARTUP_WAIT_MS))) {
      app.log.warn('Redis is not reachable: rate limits are counted per process until it is');
    }
    const limiter = createRateLimiter(config.rateLimits, createLimiterStore(redis, config.redisPrefix), (error) =>
      app.log.warn({ err: error }, 'rate-limit counters unavailable: request allowed'),
    );
    app.decorate('rateLimit', limiter);
    app.addHook('onRequest', async (request, reply) => {
      const url = request.routeOptions.url;
      if (url === undefined || !url.startsWith('/api/') || UNCOUNTED_PREFIXES.some((prefix) => url.startsWith(prefix))) return;
      await limiter.consume(request, reply, 'public', clientKey(request.ip));
    });
    app.addHook('onClose', async () => {
      if (redis !== null) await closeRedis(redis);
    });
  },
  { name: 'rate-limit' },
);
