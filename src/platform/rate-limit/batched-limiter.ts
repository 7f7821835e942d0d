/**
 * A tier counted in this process and reconciled with the shared counters (Redis, or the cluster primary) in
 * batches, for the tier every public API request spends (`public`): asking Redis or the primary on each
 * request cost more than the cached answer itself (measured: ~150 µs of CPU per request with two workers
 * and no Redis, against ~20 µs for a bare route).
 *
 * Each key keeps what the shared counters said at the last reconciliation (`shared`, with the window's end)
 * and what this process admitted since (`pending`). A request is admitted or refused from those two at no
 * I/O cost. The pending points are pushed every `syncMs` (one consume per key that has any), and at once,
 * awaited, by the request that would take a key's pending points past `batchPoints`: no process ever holds
 * more than `batchPoints` of a key unreported. So a client can exceed its budget, in one window, by at most
 * `batchPoints` for each other process counting it; with `batchPoints` 0 (a budget under
 * BATCH_DIVISOR, or syncMs 0) every request goes through the shared counters, exactly as before.
 * One process alone is always exact (its own points are all in `shared + pending`).
 *
 * When the shared counters cannot be reached at all (no insurance: the cluster primary is gone), the key
 * is counted here alone until a reconciliation succeeds again: the limit holds per process instead of
 * letting every request through.
 */
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitRule } from '../../config.js';

/** A tier's batch is a tenth of its budget: 60 a minute lets each process hold 6 points unreported. */
const BATCH_DIVISOR = 10;

export interface Verdict {
  allowed: boolean;
  /** Points left in the window, as far as this process knows. */
  remaining: number;
  msBeforeNext: number;
}

interface KeyState {
  /** The shared count at the last reconciliation (this window). */
  shared: number;
  /** Points pushed and not answered yet. */
  inFlight: number;
  /** Points this process admitted and has not pushed yet. */
  pending: number;
  /** When the window ends (ms since the epoch); 0 until the shared counters have answered. */
  resetAt: number;
  /** The push in flight for this key, if any (one at a time, so answers arrive in order). */
  syncing: Promise<void> | null;
  /** The last push failed (not refused: failed): count here alone until a timed push succeeds. */
  unreachable: boolean;
}

export interface BatchedLimiter {
  /** A verdict now when this process can decide alone, else a promise of one (after a push). */
  consume(key: string, points?: number): Verdict | Promise<Verdict>;
  /** Gives back one point this process admitted. */
  refund(key: string): void;
  /** Pushes every pending point now, and forgets keys whose window ended. */
  flush(): Promise<void>;
  /** Stops the timer and pushes what is pending (graceful shutdown: other processes keep the counts). */
  close(): Promise<void>;
  /** Keys held in memory (tests: keys of ended windows are dropped). */
  readonly size: number;
}

export interface BatchedLimiterOptions {
  /** How often pending points are pushed; 0 = never batch (every request is pushed, awaited). */
  syncMs: number;
  /** Called when the shared counters fail (not when they refuse). */
  onError: (error: unknown) => void;
}

/** Without batching, the timer still retries what an unreachable store missed and forgets ended windows. */
const SWEEP_MS = 1_000;
/**
 * Keys held beyond this (a flood of distinct addresses) are forgotten once reported, while a batch still
 * fits under their budget: a forgotten key is a key this process has not seen, which the bound covers.
 * A key at its limit is kept, so that forgetting never admits it again.
 */
const MAX_KEYS = 50_000;

/** Points a process may admit for one key before it must report them: a tenth of the budget, 0 below ten. */
export function batchPointsFor(rule: RateLimitRule, syncMs: number): number {
  return syncMs === 0 ? 0 : Math.floor(rule.points / BATCH_DIVISOR);
}

export function createBatchedLimiter(shared: RateLimiterAbstract, rule: RateLimitRule, { syncMs, onError }: BatchedLimiterOptions): BatchedLimiter {
  const batchPoints = batchPointsFor(rule, syncMs);
  const durationMs = rule.durationS * 1000;
  const keys = new Map<string, KeyState>();

  const used = (state: KeyState) => state.shared + state.inFlight + state.pending;
  const verdict = (state: KeyState, allowed: boolean, now: number): Verdict => ({
    allowed,
    remaining: Math.max(0, rule.points - used(state)),
    msBeforeNext: state.resetAt === 0 ? durationMs : Math.max(0, state.resetAt - now),
  });

  /** A verdict without I/O, or null when the request must wait for a push. */
  function decideLocally(state: KeyState, points: number, now: number): Verdict | null {
    if (state.resetAt !== 0 && now >= state.resetAt && state.syncing === null) {
      // The window ended: its shared count expired with it, and what was pending belonged to it.
      state.shared = 0;
      state.pending = 0;
      state.resetAt = 0;
    }
    // Not batching: every request asks the shared counters, refusals included (they count there too).
    if (batchPoints === 0 && !state.unreachable) return null;
    // The shared count only grows within a window: over it here is over it there.
    if (used(state) + points > rule.points) return verdict(state, false, now);
    if (!state.unreachable && state.inFlight + state.pending + points > batchPoints) return null;
    state.pending += points;
    return verdict(state, true, now);
  }

  /** Pushes the key's pending points plus `extra` (a request waiting for the answer); true when they fit. */
  async function push(key: string, state: KeyState, extra: number): Promise<boolean> {
    const points = state.pending + extra;
    state.pending = 0;
    state.inFlight = points;
    let result: RateLimiterRes;
    try {
      result = await shared.consume(key, points);
    } catch (outcome) {
      state.inFlight = 0;
      if (!(outcome instanceof RateLimiterRes)) {
        onError(outcome);
        state.unreachable = true;
        state.pending += points - extra;
        const allowed = used(state) + extra <= rule.points;
        if (allowed) state.pending += extra;
        return allowed;
      }
      result = outcome;
    }
    state.inFlight = 0;
    state.unreachable = false;
    state.shared = result.consumedPoints;
    state.resetAt = Date.now() + result.msBeforeNext;
    return result.consumedPoints <= rule.points;
  }

  function startPush(key: string, state: KeyState, extra: number): Promise<boolean> {
    const pushed = push(key, state, extra);
    const settled = pushed.then(
      () => {
        state.syncing = null;
      },
      () => {
        state.syncing = null;
      },
    );
    state.syncing = settled;
    return pushed;
  }

  async function consumeThrough(key: string, state: KeyState, points: number): Promise<Verdict> {
    while (state.syncing !== null) await state.syncing;
    const decided = decideLocally(state, points, Date.now());
    if (decided !== null) return decided;
    const allowed = await startPush(key, state, points);
    return verdict(state, allowed, Date.now());
  }

  async function flush(): Promise<void> {
    const pushes: Promise<unknown>[] = [];
    const now = Date.now();
    for (const [key, state] of keys) {
      if (state.syncing !== null) continue;
      if (state.pending > 0) pushes.push(startPush(key, state, 0));
      else if (state.resetAt === 0 || now >= state.resetAt) keys.delete(key);
    }
    await Promise.all(pushes);
    if (keys.size <= MAX_KEYS) return;
    for (const [key, state] of keys) {
      if (keys.size <= MAX_KEYS) break;
      if (state.syncing === null && state.pending === 0 && !state.unreachable && used(state) + batchPoints < rule.points) keys.delete(key);
    }
  }

  const timer = setInterval(() => void flush(), syncMs > 0 ? syncMs : SWEEP_MS);
  timer.unref();

  return {
    consume(key, points = 1) {
      let state = keys.get(key);
      if (state === undefined) {
        state = { shared: 0, inFlight: 0, pending: 0, resetAt: 0, syncing: null, unreachable: false };
        keys.set(key, state);
      }
      const decided = decideLocally(state, points, Date.now());
      if (decided === null) return consumeThrough(key, state, points);
      // A refusal reports what was admitted before it at once, so that other processes refuse too.
      if (!decided.allowed && state.pending > 0 && state.syncing === null) void startPush(key, state, 0);
      return decided;
    },
    refund(key) {
      const state = keys.get(key);
      if (state !== undefined && state.pending > 0) state.pending -= 1;
      else shared.reward(key, 1).catch(onError);
    },
    flush,
    async close() {
      clearInterval(timer);
      for (const state of keys.values()) if (state.syncing !== null) await state.syncing;
      await flush();
    },
    get size() {
      return keys.size;
    },
  };
}
