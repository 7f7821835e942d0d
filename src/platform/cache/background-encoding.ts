/**
 * Compresses cached answers after they were sent, so that a miss costs a serialisation and nothing more: the
 * first request for a key is answered with the identity body, and the brotli and gzip forms replace the memory
 * entry once ready, for the hits that follow.
 *
 * Bounded, because a flood of distinct URLs is a flood of misses: at most `concurrency` compressions run and
 * `maxQueued` wait; anything beyond is dropped (the entry stays identity, and a later hit on it asks again).
 * A finished compression replaces the entry only if the memory tier still holds that very entry: an
 * invalidation (or a refill) while it ran wins, and nothing it dropped is brought back.
 */
import { compressBody, type EncodedBody } from './encoding.js';
import type { HotEntry, HotTier } from './hot-tier.js';

/** Compressions in flight (libuv runs four threads; leave two for the file system, DNS and crypto). */
const DEFAULT_CONCURRENCY = 2;
/** Compressions waiting for a slot: enough to absorb a burst of new keys, small enough that a flood costs nothing. */
const DEFAULT_MAX_QUEUED = 64;

export interface BackgroundEncoderOptions {
  hot: HotTier;
  /** Compressions at once; default 2. */
  concurrency?: number;
  /** Compressions waiting; default 64. Beyond it a request to compress is dropped. */
  maxQueued?: number;
  /** Compresses a body (default: brotli and gzip, encoding.ts); null when compressing is not worth it. */
  compress?: (body: EncodedBody) => Promise<EncodedBody | null>;
}

export function createBackgroundEncoder({ hot, concurrency = DEFAULT_CONCURRENCY, maxQueued = DEFAULT_MAX_QUEUED, compress = compressBody }: BackgroundEncoderOptions) {
  /** Keys waiting or being compressed: one job per key at a time. */
  const scheduled = new Set<string>();
  const queue: { key: string; entry: HotEntry }[] = [];
  let running = 0;
  let idleWaiters: (() => void)[] = [];

  async function run(key: string, entry: HotEntry): Promise<void> {
    try {
      const body = await compress(entry.body);
      // Only the entry that was compressed may be replaced: an invalidated or refilled key keeps what it has now.
      if (body !== null && hot.peek(key) === entry) hot.set(key, { ...entry, body });
    } catch {
      // A failed compression leaves the identity entry, which is a correct answer.
    } finally {
      scheduled.delete(key);
      next();
    }
  }

  function next(): void {
    running -= 1;
    const job = queue.shift();
    if (job !== undefined) start(job.key, job.entry);
    else if (running === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  function start(key: string, entry: HotEntry): void {
    running += 1;
    // After the current reply is written: the compression never delays the answer that caused it.
    setImmediate(() => void run(key, entry));
  }

  return {
    /**
     * Asks for `entry` (held by the memory tier under `key`) to be compressed in the background. False when
     * it was not taken: already compressed or scheduled, too small, or the queue is full (dropped).
     */
    schedule(key: string, entry: HotEntry): boolean {
      if (entry.body.encoded || scheduled.has(key)) return false;
      if (running >= concurrency) {
        if (queue.length >= maxQueued) return false;
        queue.push({ key, entry });
      } else start(key, entry);
      scheduled.add(key);
      return true;
    },
    /** Resolves when no compression runs or waits (for tests and benchmarks). */
    idle(): Promise<void> {
      if (running === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    get pending(): number {
      return scheduled.size;
    },
  };
}
export type BackgroundEncoder = ReturnType<typeof createBackgroundEncoder>;
