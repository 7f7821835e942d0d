/**
 * The state every admin request is judged by: the user's current role, disabled flag and session version,
 * and whether the request's session (refresh-token family) was signed out. Read from the primary and kept
 * in this process for at most USER_STATE_TTL_MS, so a hot admin client costs one indexed lookup per user
 * and session per second. A change made here drops the user's entries at once and is published on the
 * user-state bus (user-state-bus.ts), which drops them in every other process on receipt; the TTL bounds
 * the rest (a message lost while Redis was away, a change made with psql or the CLI).
 */
import type { SessionState } from './repository.js';

/** The longest a process judges a request by a state it read earlier (when no change message reached it). */
export const USER_STATE_TTL_MS = 1_000;
/** Entries of users and sessions idle for more than the TTL are swept once the map holds this many. */
const SWEEP_AT_ENTRIES = 10_000;

export type LoadSessionState = (userId: number, sessionId: string) => Promise<SessionState | null>;

interface Entry {
  state: SessionState | null;
  expiresAtMs: number;
}

export interface UserStateOptions {
  load: LoadSessionState;
  /** Tells the other processes that `userId` changed (the bus); resolves once sent, never throws. */
  publish?: (userId: number) => Promise<void>;
  /** Clock in ms (tests); default performance.now. */
  nowMs?: () => number;
}

export function createUserState({ load, publish = async () => undefined, nowMs = () => performance.now() }: UserStateOptions) {
  const byUser = new Map<number, Map<string, Entry>>();
  let entries = 0;
  /** Bumped by every drop: a lookup that started before one must not store what it read. */
  let generation = 0;

  const drop = (userId: number): void => {
    generation += 1;
    entries -= byUser.get(userId)?.size ?? 0;
    byUser.delete(userId);
  };

  const sweep = (now: number): void => {
    for (const [userId, sessions] of byUser) {
      for (const [sessionId, entry] of sessions) {
        if (entry.expiresAtMs <= now) {
          sessions.delete(sessionId);
          entries -= 1;
        }
      }
      if (sessions.size === 0) byUser.delete(userId);
    }
  };

  const store = (userId: number, sessionId: string, state: SessionState | null, now: number): void => {
    if (entries >= SWEEP_AT_ENTRIES) sweep(now);
    let sessions = byUser.get(userId);
    if (sessions === undefined) byUser.set(userId, (sessions = new Map()));
    if (!sessions.has(sessionId)) entries += 1;
    sessions.set(sessionId, { state, expiresAtMs: now + USER_STATE_TTL_MS });
  };

  return {
    /**
     * The state of `userId` for a request of session `sessionId`. `fresh`: read the database whatever is
     * cached (state-changing requests, so no write is ever authorised by a state older than its request).
     */
    async get(userId: number, sessionId: string, { fresh = false } = {}): Promise<SessionState | null> {
      const now = nowMs();
      const cached = byUser.get(userId)?.get(sessionId);
      if (!fresh && cached !== undefined && cached.expiresAtMs > now) return cached.state;
      const startedAt = generation;
      const state = await load(userId, sessionId);
      if (generation === startedAt) store(userId, sessionId, state, nowMs());
      return state;
    },

    /** After a committed change to the user or one of its sessions: forget it here, and everywhere. */
    async changed(userId: number): Promise<void> {
      drop(userId);
      await publish(userId);
    },

    /** Another process changed `userId` (a bus message). */
    onRemoteChange(userId: number): void {
      drop(userId);
    },

    /** Forget everything (the bus reconnected: messages may have been missed meanwhile). */
    clear(): void {
      generation += 1;
      byUser.clear();
      entries = 0;
    },

    /** Whether a state for this user and session is held (expired or not): how tests see the bus work. */
    holds(userId: number, sessionId: string): boolean {
      return byUser.get(userId)?.has(sessionId) ?? false;
    },

    size: (): number => entries,
  };
}
export type UserState = ReturnType<typeof createUserState>;
