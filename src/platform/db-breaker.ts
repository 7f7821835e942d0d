/**
 * A circuit breaker (opossum) on the database's connections. When PostgreSQL is down every request would
 * wait DATABASE_CONNECTION_TIMEOUT_MS for a connection that never comes, tying up the pool, the event
 * loop's queue and the client. Once most recent connection attempts fail, the breaker opens and requests
 * fail at once: cached reads are served from grace (`X-Cache: STALE`), everything else is a 503
 * DATABASE_UNAVAILABLE with Retry-After. After BREAKER_RESET_MS one attempt is let through (half-open);
 * its success closes the breaker.
 *
 * Only acquiring a connection is guarded: a query that fails on a live connection (a constraint, a
 * statement timeout) says nothing about whether the database is up.
 */
import CircuitBreaker from 'opossum';
import type pg from 'pg';


/** Attempts in the rolling window before the error rate can open the breaker. */
const VOLUME_THRESHOLD = 5;
const ERROR_THRESHOLD_PERCENT = 50;
const ROLLING_WINDOW_MS = 10_000;
/** How long an open breaker waits before letting one attempt through. */
export const BREAKER_RESET_MS = 5_000;

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface DatabaseBreaker {
  /** Acquires a connection through the breaker. */
  connect(acquire: () => Promise<pg.PoolClient>): Promise<pg.PoolClient>;
  state(): BreakerState;
  shutdown(): void;
}

export function createDatabaseBreaker(onStateChange?: (state: BreakerState) => void): DatabaseBreaker {
  const breaker = new CircuitBreaker((acquire: () => Promise<pg.PoolClient>) => acquire(), {
    timeout: false, // the pool's connectionTimeoutMillis bounds an attempt
    volumeThreshold: VOLUME_THRESHOLD,
    errorThresholdPercentage: ERROR_THRESHOLD_PERCENT,
    rollingCountTimeout: ROLLING_WINDOW_MS,
    resetTimeout: BREAKER_RESET_MS,
  });
  const state = (): BreakerState => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed');
  breaker.on('open', () => onStateChange?.('open'));
  breaker.on('halfOpen', () => onStateChange?.('half-open'));
  breaker.on('close', () => onStateChange?.('closed'));
  return {
    connect: (acquire) => breaker.fire(acquire),
    state,
    shutdown: () => breaker.shutdown(),
  };
}
