/**
 * Lockout after repeated failed logins, per account and per client IP, with back-off: the first lockout
 * lasts 1 minute, each further one within 24 hours twice as long, up to 1 hour. Counters live where the
 * rate limits live (Redis when configured), so every process enforces the same lockout.
 */
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterStore } from '../../platform/rate-limit/limiters.js';

/** Consecutive failures that lock an account, and failures from one address (any accounts) that lock it. */
export const ACCOUNT_FAILURES = 5;
export const IP_FAILURES = 20;
const FAILURE_WINDOW_S = 3_600;
const FIRST_LOCK_S = 60;
const MAX_LOCK_S = 3_600;
const LOCKOUT_MEMORY_S = 24 * 3_600;

export function createLockout(store: LimiterStore) {
  // Each attempt takes a point before the password is checked, so a burst of concurrent guesses cannot all
  // pass a check made before any of them failed; a success gives its points back. The attempt after the
  // allowed failures is the refused one that locks.
  const account = store.limiter('login-fail-account', { points: ACCOUNT_FAILURES, durationS: FAILURE_WINDOW_S });
  const address = store.limiter('login-fail-ip', { points: IP_FAILURES, durationS: FAILURE_WINDOW_S });
  const lockouts = store.limiter('login-lockouts', { points: 10_000, durationS: LOCKOUT_MEMORY_S });

  const lockedForS = async (limiter: RateLimiterAbstract, key: string): Promise<number> => {
    const state = await limiter.get(key);
    return state !== null && state.consumedPoints > limiter.points ? Math.ceil(state.msBeforeNext / 1000) : 0;
  };

  /** Takes a point; over the limit, locks (the first refusal only) and returns the seconds locked. */
  const take = async (limiter: RateLimiterAbstract, key: string, kind: string): Promise<number> => {
    try {
      await limiter.consume(key);
      return 0;
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      // Already locked (a concurrent attempt locked it): the lock stands, no longer and no further back-off.
      if (refusal.consumedPoints > limiter.points + 1) return Math.min(MAX_LOCK_S, Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)));
      // A lock lasts twice as long as the one before it in the last day.
      const count = await lockouts.consume(`${kind}:${key}`).then((r) => r.consumedPoints, () => 1);
      const lockS = Math.min(FIRST_LOCK_S * 2 ** (count - 1), MAX_LOCK_S);
      await limiter.block(key, lockS);
      return lockS;
    }
  };

  return {
    /**
     * Counts a login attempt for `email` from `ip` before its password is checked: the seconds until they
     * may try again, or 0 when this attempt may go ahead. Lockout is a security control, not a rate limit:
     * it holds with rate limits disabled and for allowlisted addresses.
     */
    async attempt(email: string, ip: string): Promise<number> {
      const [byAccount, byIp] = await Promise.all([lockedForS(account, email), lockedForS(address, ip)]);
      if (byAccount > 0 || byIp > 0) return Math.max(byAccount, byIp);
      const [takenAccount, takenIp] = await Promise.all([take(account, email, 'account'), take(address, ip, 'ip')]);
      return Math.max(takenAccount, takenIp);
    },
    /**
     * A success clears the account's consecutive failures and gives the address its point back (only the
     * address's failures count: it may be guessing other accounts).
     */
    async succeeded(email: string, ip: string): Promise<void> {
      await Promise.all([account.delete(email), address.reward(ip, 1)]);
    },
  };
}
export type Lockout = ReturnType<typeof createLockout>;
