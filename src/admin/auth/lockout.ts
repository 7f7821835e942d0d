/**
 * Lockout after repeated failed logins, with back-off: the first lockout lasts 1 minute, each further one
 * within 24 hours twice as long, up to 1 hour. A lock never keys on the account alone: failures from one
 * client must not deny the right password from another (OWASP), or anyone could keep an admin out. So:
 *   - per (account, client): 5 failures lock that client out of that account, even with the right password;
 *   - per client (any accounts): 20 failures lock the client out of every account;
 *   - per account (any clients): failures are counted and reported (a warning, a Prometheus counter), never
 *     a refusal.
 * A client is its IP address, an IPv6 client its /64 (clientKey, as the rate limits count it). Counters
 * live where the rate limits live (Redis when configured), so every process enforces the same lockout.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { clientKey } from '../../platform/rate-limit/client-key.js';
import type { LimiterStore } from '../../platform/rate-limit/limiters.js';

/** Consecutive failures from one client that lock it out of an account, and failures from one client (any accounts) that lock it. */
export const ACCOUNT_FAILURES = 5;
export const IP_FAILURES = 20;
const FAILURE_WINDOW_S = 3_600;
const FIRST_LOCK_S = 60;
const MAX_LOCK_S = 3_600;
const LOCKOUT_MEMORY_S = 24 * 3_600;
/** The account-wide count only reports, so its limit is one it never reaches. */
const UNREACHABLE_POINTS = 1_000_000_000;

/** Told of every failed login, with the account's failures from any client in the last hour. */
export interface LockoutWatch {
  failed(email: string, client: string, accountFailures: number): void;
}

/**
 * Reports failed logins: `login_failures_total` counts them all; a warning names an account when its
 * failures from any clients in the last hour reach 5, 10, 20, 40… (doubling, so a long attack logs little).
 */
export function createLoginFailureWatch(log: FastifyBaseLogger, registry: Registry): LockoutWatch {
  const failures = new Counter({ name: 'login_failures_total', help: 'Failed admin logins (wrong email or password, or a disabled account), from any client', registers: [registry] });
  return {
    failed(email, client, accountFailures) {
      failures.inc();
      const doublings = Math.log2(accountFailures / ACCOUNT_FAILURES);
      if (doublings >= 0 && Number.isInteger(doublings)) {
        log.warn({ account: email, client, accountFailures, windowS: FAILURE_WINDOW_S }, 'repeated failed logins for one account (each client is locked out on its own; the right password from another client still signs in)');
      }
    },
  };
}

export function createLockout(store: LimiterStore, watch: LockoutWatch | null = null) {
  // Each attempt takes a point before the password is checked, so a burst of concurrent guesses cannot all
  // pass a check made before any of them failed; a success gives its points back. The attempt after the
  // allowed failures is the refused one that locks.
  const pair = store.limiter('login-fail-account-client', { points: ACCOUNT_FAILURES, durationS: FAILURE_WINDOW_S });
  const address = store.limiter('login-fail-ip', { points: IP_FAILURES, durationS: FAILURE_WINDOW_S });
  const account = store.limiter('login-failures-account', { points: UNREACHABLE_POINTS, durationS: FAILURE_WINDOW_S });
  const lockouts = store.limiter('login-lockouts', { points: 10_000, durationS: LOCKOUT_MEMORY_S });
  // A client key holds no '|' (an IPv4 address or `…::/64`), so the pair key cannot be forged from an email.
  const pairKey = (email: string, client: string) => `${client}|${email}`;

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
     * Counts a login attempt for `email` from `ip` before its password is checked: the seconds until this
     * client may try this account again, or 0 when this attempt may go ahead. Lockout is a security control,
     * not a rate limit: it holds with rate limits disabled and for allowlisted addresses.
     */
    async attempt(email: string, ip: string): Promise<number> {
      const client = clientKey(ip);
      const key = pairKey(email, client);
      const [byPair, byClient] = await Promise.all([lockedForS(pair, key), lockedForS(address, client)]);
      if (byPair > 0 || byClient > 0) return Math.max(byPair, byClient);
      const [takenPair, takenClient] = await Promise.all([take(pair, key, 'account-client'), take(address, client, 'ip')]);
      return Math.max(takenPair, takenClient);
    },
    /** A failed login (its points stay taken): counted against the account from any client, for the watch. */
    async failed(email: string, ip: string): Promise<void> {
      const accountFailures = await account.consume(email).then((r) => r.consumedPoints, () => null);
      if (accountFailures !== null) watch?.failed(email, clientKey(ip), accountFailures);
    },
    /**
     * A success clears this client's consecutive failures on the account and gives the client its point
     * back (only the client's failures count: it may be guessing other accounts).
     */
    async succeeded(email: string, ip: string): Promise<void> {
      const client = clientKey(ip);
      await Promise.all([pair.delete(pairKey(email, client)), address.reward(client, 1)]);
    },
  };
}
export type Lockout = ReturnType<typeof createLockout>;
