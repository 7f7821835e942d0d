/**
 * Lockout after repeated failed logins, per account and per client IP, with back-off: the first lockout
 * lasts 1 minute, each further one within 24 hours twice as long, up to 1 hour. Counters live where the
 * rate limits live (Redis when configured), so every process enforces the same lockout.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterStore } from '../../platform/rate-limit/limiters.js';

/** Consecutive failures that lock an account, and failures from one address (any accounts) that lock it. */
export const ACCOUNT_FAILURES = 5;
export const IP_FAILURES = 20;
const FAILURE_WINDOW_S = 3_600;
const FIRST_LOCK_S = 60;
const MAX_LOCK_S = 3_600;
const LOCKOUT_MEMORY_S = 24 * 3_600;

export function createLockout(store: LimiterStore) {
  // A limiter allows `points` and refuses the next: the Nth failure is the refused one that locks.
  const account = store.limiter('login-fail-account', { points: ACCOUNT_FAILURES - 1, durationS: FAILURE_WINDOW_S });
  const address = store.limiter('login-fail-ip', { points: IP_FAILURES - 1, durationS: FAILURE_WINDOW_S });
  const lockouts = store.limiter('login-lockouts', { points: 10_000, durationS: LOCKOUT_MEMORY_S });

  const lockedForS = async (limiter: RateLimiterAbstract, key: string, points: number): Promise<number> => {
    const state = await limiter.get(key);
    return state !== null && state.consumedPoints > points ? Math.ceil(state.msBeforeNext / 1000) : 0;
  };

  const fail = async (limiter: RateLimiterAbstract, key: string, kind: string) => {
    try {
      await limiter.consume(key);
    } catch {
      // Over the limit: lock for a time that doubles with each lockout in the last day.
      const count = await lockouts.consume(`${kind}:${key}`).then((r) => r.consumedPoints, () => 1);
      await limiter.block(key, Math.min(FIRST_LOCK_S * 2 ** (count - 1), MAX_LOCK_S));
    }
  };

  return {
    /** Seconds until `email` from `ip` may try again; 0 when not locked. */
    async lockedForS(email: string, ip: string): Promise<number> {
      const [byAccount, byIp] = await Promise.all([lockedForS(account, email, ACCOUNT_FAILURES - 1), lockedForS(address, ip, IP_FAILURES - 1)]);
      return Math.max(byAccount, byIp);
    },
    async failed(email: string, ip: string): Promise<void> {
      await Promise.all([fail(account, email, 'account'), fail(address, ip, 'ip')]);
    },
    /** A success clears the account's consecutive failures (not the address's: it may be guessing others). */
    async succeeded(email: string): Promise<void> {
      await account.delete(email);
    },
  };
}
export type Lockout = ReturnType<typeof createLockout>;
