/**
 * The hottest tier: final response bytes (body, brotli, gzip, ETag) for each cache key, in this process,
 * bounded by bytes (LRU). Bentocache below it holds the serialised bodies in memory and Redis and does the
 * hard parts (stampede locks, grace, tags, the bus); this tier exists because a bentocache hit costs about
 * 40% of a bare route's throughput (measured: docs/ARCHITECTURE.md), while a Map lookup costs ~nothing.
 *
 * It is kept exact by the same invalidations: a tag purge here for local writes, and for other processes'
 * writes the bentocache bus messages (tag keys and plain keys) that the cache listens to.
 */
import { LRUCache } from 'lru-cache';
import { encodedBytes, type EncodedBody } from './encoding.js';

export interface HotEntry {
  body: EncodedBody;
  status: number;
  tags: readonly string[];
  /** Epoch ms after which the entry is refetched from the tiers below. */
  expiresAt: number;
}

/**
 * Memory per entry besides its body bytes, its key and its tags: the entry and body objects, the buffers'
 * objects and backing stores, the LRU's slot and map entry.
 */
const ENTRY_OVERHEAD_BYTES = 800;
/**
 * Per tag of an entry: its place in the tag index, which for a tag only this entry has (`model:<slug>` on a
 * detail answer) is a Set of its own and the tag's string. Measured (test/cache/cache-memory.test.ts):
 * 20,000 small answers with two tags, one of them their own, take about 970 bytes each; counted ~1,250.
 */
const TAG_OVERHEAD_BYTES = 160;

/** What an entry costs in memory: the budget counts this, not only the body. Keys are ASCII (percent-encoded). */
function entryBytes(entry: HotEntry, key: string): number {
  let tagBytes = 0;
  for (const tag of entry.tags) tagBytes += TAG_OVERHEAD_BYTES + tag.length;
  return encodedBytes(entry.body) + key.length + tagBytes + ENTRY_OVERHEAD_BYTES;
}

export function createHotTier(maxBytes: number) {
  const byTag = new Map<string, Set<string>>();

  const unindex = (key: string, entry: HotEntry) => {
    for (const tag of entry.tags) {
      const keys = byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) byTag.delete(tag);
    }
  };

  const entries = new LRUCache<string, HotEntry>({
    maxSize: maxBytes,
    sizeCalculation: entryBytes,
    dispose: (entry, key) => unindex(key, entry),
  });

  return {
    /** A fresh entry, or undefined (an expired one is dropped). */
    get(key: string, now: number): HotEntry | undefined {
      const entry = entries.get(key);
      if (entry === undefined || entry.expiresAt > now) return entry;
      entries.delete(key);
      return undefined;
    },
    /** The entry held under `key`, expired or not, without refreshing its place in the LRU order. */
    peek(key: string): HotEntry | undefined {
      return entries.peek(key);
    },
    /** Stores `entry` (replacing any under `key`: its size and tags are counted again). */
    set(key: string, entry: HotEntry): void {
      entries.set(key, entry);
      // LRUCache skips entries larger than the whole tier; index only what it kept.
      if (!entries.has(key)) return;
      for (const tag of entry.tags) {
        let keys = byTag.get(tag);
        if (keys === undefined) {
          keys = new Set();
          byTag.set(tag, keys);
        }
        keys.add(key);
      }
    },
    deleteKey(key: string): void {
      entries.delete(key);
    },
    deleteTags(tags: Iterable<string>): number {
      let removed = 0;
      for (const tag of tags) {
        for (const key of [...(byTag.get(tag) ?? [])]) {
          if (entries.delete(key)) removed += 1;
        }
        byTag.delete(tag);
      }
      return removed;
    },
    clear(): void {
      entries.clear();
      byTag.clear();
    },
    get size(): number {
      return entries.size;
    },
    get bytes(): number {
      return entries.calculatedSize;
    },
  };
}
export type HotTier = ReturnType<typeof createHotTier>;
