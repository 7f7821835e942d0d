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
 *
 * The public tier, spent by every public API request (cached hits included), is counted in this process
 * and reconciled with the shared counters in batches (batched-limiter.ts, RATE_LIMIT_SYNC_MS); its hook
 * decides without a promise when it can, since it runs on every request. The other tiers guard writes and
 * logins, are spent rarely, and stay exact: each request asks the shared counters.
 */
import { randomBytes } from 'node:crypto';
import { BlockList, isIPv6 } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Config, RateLimitConfig, RateLimitRule } from '../../config.js';
import { AppError } from '../../errors.js';
import { closeRedis, createRedis, redisTarget, waitForRedis, type RedisClient } from '../redis.js';
import type { Verdict } from './batched-limiter.js';
import { clientKey } from './client-key.js';
import { createLimiterStore, type LimiterStore } from './limiters.js';

export type RateLimitTier = Exclude<keyof RateLimitConfig, 'enabled' | 'allowlist' | 'syncMs'>;

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
  /**
   * Counts `points` (default 1) of `tier` for `key`: undefined when admitted at once, a promise when the
   * shared counters must be asked; throws (or rejects with) a 429 AppError, headers set on `reply`, when over.
   */
  check(request: FastifyRequest, reply: FastifyReply, tier: RateLimitTier, key: string, points?: number): Promise<void> | undefined;
  /** `check`, always as a promise. */
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

function setHeaders(reply: FastifyReply, limit: number, remaining: number, msBeforeNext: number): void {
  reply
    .header('ratelimit-limit', limit)
    .header('ratelimit-remaining', Math.max(0, remaining))
    .header('ratelimit-reset', Math.ceil(msBeforeNext / 1000));
}

/** Sets the 429's headers and builds its error. */
function refusal(reply: FastifyReply, tier: RateLimitTier, rule: RateLimitRule, remaining: number, msBeforeNext: number): AppError {
  setHeaders(reply, rule.points, remaining, msBeforeNext);
  const retryAfterS = Math.max(1, Math.ceil(msBeforeNext / 1000));
  reply.header('retry-after', retryAfterS);
  return new AppError('TOO_MANY_REQUESTS', `too many requests (${tier}: ${rule.points} per ${rule.durationS} s); try again in ${retryAfterS} s`);
}

/** The tiers counted in batches: the one every public request spends. */
const BATCHED: ReadonlySet<RateLimitTier> = new Set(['public']);

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
  const counted = (request: FastifyRequest) => config.enabled && !exempt(request.ip) && request.headers[INTERNAL_HEADER] !== internalKey;

  const answer = (reply: FastifyReply, tier: RateLimitTier, rule: RateLimitRule, verdict: Verdict) => {
    if (!verdict.allowed) throw refusal(reply, tier, rule, verdict.remaining, verdict.msBeforeNext);
    setHeaders(reply, rule.points, verdict.remaining, verdict.msBeforeNext);
  };

  async function consumeShared(reply: FastifyReply, tier: RateLimitTier, key: string, points: number): Promise<void> {
    const rule = config[tier];
    try {
      const result = await store.limiter(tier, rule).consume(key, points);
      // The misses budget is spent beside the request's own tier: its counters show only when it refuses.
      if (tier !== 'misses') setHeaders(reply, rule.points, result.remainingPoints, result.msBeforeNext);
    } catch (outcome) {
      if (!(outcome instanceof RateLimiterRes)) {
        // The shared counters are unreachable and there is no insurance (cluster primary gone): let it through.
        onError(outcome);
        return;
      }
      throw refusal(reply, tier, rule, outcome.remainingPoints, outcome.msBeforeNext);
    }
  }

  const check: RateLimiter['check'] = (request, reply, tier, key, points = 1) => {
    if (!counted(request)) return undefined;
    if (!BATCHED.has(tier)) return consumeShared(reply, tier, key, points);
    const rule = config[tier];
    const verdict = store.batched(tier, rule, config.syncMs, onError).consume(key, points);
    if (verdict instanceof Promise) return verdict.then((decided) => answer(reply, tier, rule, decided));
    answer(reply, tier, rule, verdict);
    return undefined;
  };

  return {
    store,
    exempt,
    internalHeaders: Object.freeze({ [INTERNAL_HEADER]: internalKey }),
    check,
    async consume(request, reply, tier, key, points = 1) {
      await check(request, reply, tier, key, points);
    },
    refund(request, tier, key) {
      if (!counted(request)) return;
      if (BATCHED.has(tier)) store.batched(tier, config[tier], config.syncMs, onError).refund(key);
      else store.limiter(tier, config[tier]).reward(key, 1).catch(onError);
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
    const store = createLimiterStore(redis, config.redisPrefix);
    const limiter = createRateLimiter(config.rateLimits, store, (error) =>
      app.log.warn({ err: error }, 'rate-limit counters unavailable: request allowed'),
    );
    app.decorate('rateLimit', limiter);
    // A callback hook, not an async one: it runs on every public API request, and most decide without I/O.
    app.addHook('onRequest', (request, reply, done) => {
      const url = request.routeOptions.url;
      if (url === undefined || !url.startsWith('/api/') || UNCOUNTED_PREFIXES.some((prefix) => url.startsWith(prefix))) {
        done();
        return;
      }
      let waiting: Promise<void> | undefined;
      try {
        waiting = limiter.check(request, reply, 'public', clientKey(request.ip));
      } catch (error) {
        done(error as FastifyError);
        return;
      }
      if (waiting === undefined) done();
      else waiting.then(() => done(), (error: FastifyError) => done(error));
    });
    app.addHook('onClose', async () => {
      // What this process admitted and has not reported yet goes to the shared counters before it leaves.
      await store.close().catch((error: unknown) => app.log.warn({ err: error }, 'rate-limit counters not reported at close'));
      if (redis !== null) await closeRedis(redis);
    });
  },
  { name: 'rate-limit' },
);
