/**
 * Cached public GET answers, as final bytes, through three tiers:
 *   memory (this process: body + brotli + gzip + ETag) → bentocache L1 (this process) → bentocache L2
 *   (Redis, shared) → the database, one load per key at a time (stampede protection).
 * A miss serialises once and answers with the identity body; the brotli and gzip forms are made after the
 * reply, in a bounded background queue (background-encoding.ts), and replace the memory entry for later hits.
 * Entries carry tags; `invalidate(tags)` drops them here and, through bentocache's bus, on every process.
 * When a load fails with a server error and an expired entry is still within grace, that entry is served
 * and marked `X-Cache: STALE`. 4xx answers (an unknown slug) are cached briefly only when the route says
 * which tags would make them wrong, so that creating the slug invalidates them.
 *
 * What a stranger can cost: keys come from the route's declared, validated parameters only (cache-key.ts),
 * and each load this process starts is charged to the client's miss budget first (`missBudget`, the
 * `misses` rate-limit tier; given back when bentocache's L1 or Redis had the answer after all): hits are
 * never charged, and joining a load another request started is free. Shared-cacheable answers carry no
 * per-client headers.
 */
import type { BentoCache } from 'bentocache';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CacheConfig, CacheTtlConfig } from '../../config.js';
import { AppError, errorBody } from '../../errors.js';
import { assertPlanFits, canonicaliseSets, keyOf, planKey, type KeyPlan } from './cache-key.js';
import type { CacheStats, Outcome } from './cache-stats.js';
import { createBackgroundEncoder, type BackgroundEncoder } from './background-encoding.js';
import { etagFor, hashBody, identityBody, matchesEtag, negotiate, type EncodedBody } from './encoding.js';
import type { HotEntry, HotTier } from './hot-tier.js';

/** How one route caches its answers (one CachedRoute per Fastify route: its key plan is learnt from that route). */
export interface CachedRoute<T> {
  /** Stable name: key prefix and statistics label, e.g. `models.list`. */
  name: string;
  /** Which configured TTL applies. */
  ttl: keyof CacheTtlConfig;
  /** The tags of an answer: the rows it shows and the lists it belongs to. */
  tags(value: T): string[];
  /** Tags of a 4xx answer (e.g. `model:<slug>` for an unknown slug); without it 4xx answers are not cached. */
  errorTags?(request: FastifyRequest): string[];
  /** The body of an answer as text (an HTML page); without it the value is serialised by the route's JSON schema. */
  render?(value: T): string;
  /** Content-Type of a 200 answer; default JSON. */
  contentType?: string;
  /**
   * Query parameters whose value is a comma-separated set (`brand=a,b`, `fields=slug,name`): order and
   * repeats carry no meaning, so the value is sorted and de-duplicated before the key is made and the answer
   * loaded. `brand=b,a,a` and `brand=a,b` then share one entry instead of being one more miss each.
   */
  sets?: readonly string[];
}

/** What the tiers below memory hold for one key: serialised, so it travels through Redis as is. */
interface StoredAnswer {
  body: string;
  hash: string;
  status: number;
  tags: string[];
  storedAt: number;
}

/** A 4xx answer is kept this long at most: long enough to absorb a flood of requests for a missing slug. */
const ERROR_TTL_MS = 60_000;
/** After a failed load served a stale entry, wait this long before asking the database again. */
const STALE_RETRY_MS = 5_000;
const JSON_TYPE = 'application/json; charset=utf-8';
/** Where bentocache keeps a tag's invalidation time (its tag system's key prefix), and for how long. */
const TAG_KEY_PREFIX = '___bc:t:';

/**
 * True for a bus message that invalidates (a tag's time recorded, keys deleted or expired, all cleared);
 * false for the `set` another process publishes on every fill, which changes no data.
 */
export function isInvalidation(type: string, keys: readonly string[]): boolean {
  return type !== 'set' || keys.some((key) => key.startsWith(TAG_KEY_PREFIX));
}
const TAG_RECORD_MS = 10 * 24 * 3600 * 1000;

const X_CACHE: Record<Exclude<Outcome, 'notModified'>, string> = { memory: 'HIT', l1: 'HIT', l2: 'HIT', miss: 'MISS', stale: 'STALE' };

export interface ResponseCacheDeps {
  bento: BentoCache<Record<string, never>>;
  hot: HotTier;
  stats: CacheStats;
  config: CacheConfig;
  /** Loads a client may start (default: unlimited). */
  missBudget?: MissBudget;
  /** Compresses entries after their first answer (default: a bounded queue over `hot`). */
  encoder?: BackgroundEncoder;
}

export interface MissBudget {
  /** Charges one load to the client; throws a 429 AppError (headers set on `reply`) when its budget is spent. */
  charge(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Gives the charge back: the load was answered by a tier below memory, not the database. */
  refund(request: FastifyRequest): void;
}

/**
 * Per-client headers (this client's rate-limit counters) that a shared cache would hand to everyone: kept off
 * every shared-cacheable answer. A 429 (no-store) still carries them, and so does every uncached answer.
 */
const PER_CLIENT_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'] as const;

/** The Cache-Control of every cached answer: browsers, then CDNs, may keep it; stale copies bridge outages. */
export function cacheControlFor(config: CacheConfig): string {
  return `public, max-age=${config.browserMaxAgeS}, s-maxage=${config.cdnMaxAgeS}, stale-while-revalidate=${config.staleWhileRevalidateS}, stale-if-error=${config.graceS}`;
}

/** An invalidation (the tags a write named) or a clear of everything. */
export type CacheChange = { tags: readonly string[] } | { clear: true };

export function createResponseCache({ bento, hot, stats, config, missBudget, encoder = createBackgroundEncoder({ hot }) }: ResponseCacheDeps) {
  const pending = new Map<string, Promise<{ entry: HotEntry; outcome: Outcome }>>();
  const plans = new WeakMap<CachedRoute<unknown>, KeyPlan>();
  /** Where bentocache found the last value for each key (from its hit events), read right after the call. */
  const lastTier = new Map<string, 'l1' | 'l2' | 'stale'>();
  /** Bumped by every invalidation: a fill that started before one must not store what it read. */
  let epoch = 0;
  /** Told of every invalidation and clear, local or from another process (the catalogue read model). */
  const changeListeners: ((change: CacheChange) => void)[] = [];
  const notify = (change: CacheChange) => {
    for (const listener of changeListeners) listener(change);
  };
  const graceMs = config.graceS * 1000;
  const cacheControl = cacheControlFor(config);

  bento.on('cache:hit', ({ key, layer, graced }: { key: string; layer: 'l1' | 'l2'; graced: boolean }) => {
    if (!key.startsWith('___bc:')) lastTier.set(key, graced ? 'stale' : layer);
  });

  async function load<T>(key: string, route: CachedRoute<T>, request: FastifyRequest, reply: FastifyReply, run: () => Promise<T>) {
    let loaded = false;
    let failure: unknown = undefined;
    lastTier.delete(key);
    const stored = await bento
      .getOrSet<StoredAnswer>({
      key,
      ttl: config.ttl[route.ttl] * 1000,
      grace: graceMs > 0 ? graceMs : false,
      graceBackoff: STALE_RETRY_MS,
      factory: async (ctx) => {
        loaded = true;
        try {
          const value = await run();
          const body = route.render ? route.render(value) : (reply.serialize(value) as string);
          const tags = route.tags(value);
          ctx.setTags(tags);
          return { body, hash: hashBody(body), status: 200, tags, storedAt: Date.now() };
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500 || route.errorTags === undefined) {
            failure = error;
            throw error;
          }
          const tags = route.errorTags(request);
          const body = JSON.stringify(errorBody(error));
          ctx.setTags(tags);
          ctx.setTtl(Math.min(ERROR_TTL_MS, config.ttl[route.ttl] * 1000));
          return { body, hash: hashBody(body), status: error.status, tags, storedAt: Date.now() };
        }
      },
      })
      // bentocache wraps a failed load in its own error; callers (and the error handler) want the original.
      .catch((error: unknown) => {
        throw failure ?? error;
      });
    const tier = lastTier.get(key);
    lastTier.delete(key);
    const outcome: Outcome = failure !== undefined || tier === 'stale' ? 'stale' : loaded ? 'miss' : (tier ?? 'l1');
    return { stored, outcome };
  }

  async function fill<T>(key: string, route: CachedRoute<T>, request: FastifyRequest, reply: FastifyReply, run: () => Promise<T>) {
    const startedAt = epoch;
    const { stored, outcome } = await load(key, route, request, reply, run);
    if (outcome === 'l1' || outcome === 'l2') missBudget?.refund(request);
    const ttlMs = stored.status === 200 ? config.ttl[route.ttl] * 1000 : ERROR_TTL_MS;
    const entry: HotEntry = {
      body: identityBody(stored.body, stored.hash),
      status: stored.status,
      tags: stored.tags,
      expiresAt: outcome === 'stale' ? Date.now() + STALE_RETRY_MS : stored.storedAt + ttlMs,
    };
    if (epoch === startedAt) hot.set(key, entry);
    return { entry, outcome };
  }

  function send(request: FastifyRequest, reply: FastifyReply, route: string, entry: HotEntry, outcome: Outcome, contentType = JSON_TYPE, xCache = X_CACHE[outcome as keyof typeof X_CACHE] ?? 'HIT'): FastifyReply {
    const body: EncodedBody = entry.body;
    // Added to, not replaced: CORS has already put Origin there, and a shared cache must key on both.
    const vary = reply.getHeader('vary');
    reply.header('vary', vary === undefined ? 'accept-encoding' : `${String(vary)}, accept-encoding`).header('x-cache', xCache);
    if (entry.status !== 200) {
      stats.record(route, outcome);
      return reply.code(entry.status).header('cache-control', 'no-store').type(JSON_TYPE).send(body.raw);
    }
    reply.header('cache-control', cacheControl);
    if (reply.hasHeader(PER_CLIENT_HEADERS[0])) for (const name of PER_CLIENT_HEADERS) reply.removeHeader(name);
    const isHit = outcome === 'memory' || outcome === 'l1' || outcome === 'l2';
    if (matchesEtag(request.headers['if-none-match'], body.hash)) {
      stats.record(route, isHit ? 'notModified' : outcome);
      return reply.code(304).header('etag', etagFor(body.hash, 'identity')).send();
    }
    stats.record(route, outcome);
    const encoding = negotiate(request.headers['accept-encoding'], body);
    reply.header('etag', etagFor(body.hash, encoding)).type(contentType);
    if (encoding === 'identity') return reply.send(body.raw);
    return reply.header('content-encoding', encoding).send(encoding === 'br' ? body.br : body.gzip);
  }

  /** CACHE_ENABLED=false: every request loads (charged like a miss) and nothing is kept; ETag and 304 still hold. */
  async function serveUncached<T>(request: FastifyRequest, reply: FastifyReply, route: CachedRoute<T>, run: () => Promise<T>): Promise<void> {
    await missBudget?.charge(request, reply);
    const value = await run();
    const text = route.render ? route.render(value) : (reply.serialize(value) as string);
    const entry: HotEntry = { body: identityBody(text, hashBody(text)), status: 200, tags: [], expiresAt: 0 };
    await send(request, reply, route.name, entry, 'miss', route.contentType, 'BYPASS');
  }

  return {
    /**
     * Answers `request` from the cache, loading with `run` (at most once per key at a time) on a miss.
     * Resolves once the reply is written (a reply is a thenable that settles when the response ends).
     */
    async serve<T>(request: FastifyRequest, reply: FastifyReply, route: CachedRoute<T>, run: () => Promise<T>): Promise<void> {
      let plan = plans.get(route as CachedRoute<unknown>);
      if (plan === undefined) {
        plan = planKey(request, route.name);
        plans.set(route as CachedRoute<unknown>, plan);
      }
      if (route.sets !== undefined) canonicaliseSets(request.query, route.sets);
      if (!config.enabled) {
        assertPlanFits(plan, request, route.name);
        await serveUncached(request, reply, route, run);
        return;
      }
      const key = keyOf(route.name, plan, request.params, request.query);
      const cached = hot.get(key, Date.now());
      if (cached !== undefined) {
        // Compressed once a key is asked for a second time (a miss answers the identity body and compresses
        // nothing), and again after a compression the full queue dropped.
        if (!cached.body.encoded && cached.status === 200) encoder.schedule(key, cached);
        await send(request, reply, route.name, cached, 'memory', route.contentType);
        return;
      }
      // Concurrent misses on one key share one load (and one compression); only starting one is charged.
      let filling = pending.get(key);
      if (filling === undefined) {
        assertPlanFits(plan, request, route.name);
        if (missBudget !== undefined) {
          await missBudget.charge(request, reply);
          filling = pending.get(key);
          if (filling !== undefined) missBudget.refund(request);
        }
        if (filling === undefined) {
          filling = fill(key, route, request, reply, run).finally(() => pending.delete(key));
          pending.set(key, filling);
        }
      }
      const { entry, outcome } = await filling;
      // Not compressed now: most keys of a long tail or a flood are asked for once, and compressing each
      // (brotli and gzip) would cost more than the load. The first hit schedules it (above).
      await send(request, reply, route.name, entry, outcome, route.contentType);
    },

    /** Drops every entry carrying one of `tags`, in this process now and in every other through the bus. */
    async invalidate(tags: string[]): Promise<void> {
      if (tags.length === 0) return;
      epoch += 1;
      notify({ tags });
      hot.deleteTags(tags);
      await bento.deleteByTag({ tags });
    },

    /**
     * Called for the bus messages other processes publish: keep the memory tier as exact as bentocache's
     * L1. For a tag invalidation, also record it in this process's bentocache (without publishing again):
     * bentocache itself would re-read the tag's time from L2, which does not exist without Redis and may
     * have missed the write when Redis faltered; the time we received it is never earlier than the write.
     */
    onRemoteChange(type: string, keys: string[]): void {
      // Another process filling a key changes no data: what changes data arrives as a tag invalidation first
      // (in order, from the same publisher). Dropping our entry on its fill made two processes without
      // Redis reload one key in turn forever, each fill evicting the other's (a fifth of hits were loads).
      if (!isInvalidation(type, keys)) return;
      epoch += 1;
      if (type === 'clear') {
        notify({ clear: true });
        hot.clear();
        return;
      }
      const tags = keys.filter((key) => key.startsWith(TAG_KEY_PREFIX)).map((key) => key.slice(TAG_KEY_PREFIX.length));
      if (tags.length > 0) notify({ tags });
      for (const key of keys) {
        if (!key.startsWith(TAG_KEY_PREFIX)) {
          if (type !== 'set') hot.deleteKey(key);
          continue;
        }
        hot.deleteTags([key.slice(TAG_KEY_PREFIX.length)]);
        if (type === 'set') void bento.set({ key, value: Date.now(), ttl: TAG_RECORD_MS, grace: TAG_RECORD_MS, skipBusNotify: true, skipL2Write: true }).catch(() => undefined);
      }
    },

    /** Empties every tier, everywhere. */
    async clear(): Promise<void> {
      epoch += 1;
      notify({ clear: true });
      hot.clear();
      await bento.clear();
    },

    /**
     * Calls `listener` synchronously with every invalidation (its tags) and clear, made here or received from
     * another process, before the tiers drop anything.
     */
    onChange(listener: (change: CacheChange) => void): void {
      changeListeners.push(listener);
    },

    /** Resolves when no background compression runs or waits (tests and benchmarks). */
    compressionIdle: (): Promise<void> => encoder.idle(),

    stats: () => ({ enabled: config.enabled, ...stats.snapshot(), memory: { entries: hot.size, bytes: hot.bytes }, compressionsPending: encoder.pending }),
  };
}
export type ResponseCache = ReturnType<typeof createResponseCache>;
