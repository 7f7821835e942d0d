/**
 * The read replicas (DATABASE_REPLICA_URLS): one pool each, checked every REPLICA_CHECK_INTERVAL_MS. A
 * replica is in service while it answers, is a standby (in recovery) and is at most REPLICA_MAX_LAG_MS
 * behind the primary; otherwise it is out until a later check finds it well. `pick()` rotates over the
 * replicas in service (round robin); null means none is, and the primary serves.
 *
 * Lag is a time measured from WAL positions: each check records the primary's flushed WAL position and
 * when it read it; a replica's lag is the age of the oldest recorded position it has not replayed yet (0
 * once it has replayed them all). Unlike `now() - pg_last_xact_replay_timestamp()` this does not grow
 * while the primary is idle, needs no clock agreement between hosts, and errs by at most one interval.
 */
import type pg from 'pg';
import type { DatabasePoolConfig, ReplicaConfig } from '../config.js';
import { createDatabase, createPool, type Executor, type QueryObserver } from './db.js';
import { withTimeout } from './with-timeout.js';

/** A replica that cannot be reached fails over to the primary after this long, not the pool's 5 s. */
const REPLICA_CONNECT_TIMEOUT_MS = 1_000;
/** One check's bound on each round trip (primary position, replica position). */
const CHECK_TIMEOUT_MS = 1_000;

export type ReplicaState = 'starting' | 'up' | 'lagging' | 'down' | 'not-standby';

export interface ReplicaStatus {
  /** host:port/database, never the credentials. */
  readonly name: string;
  readonly state: ReplicaState;
  /** Behind the primary by about this much; null until measured or while unreachable. */
  readonly lagMs: number | null;
  /** Why it is out of service (the error, or how far behind). */
  readonly detail: string | null;
}

interface Replica {
  readonly name: string;
  /** Reads: statements on `pool`, timed. */
  readonly reads: Executor;
  readonly pool: pg.Pool;
  /** Checks, on a connection of their own: a pool busy with reads does not make a replica look down. */
  readonly probe: pg.Pool;
  status: ReplicaStatus;
}

interface WalSample {
  readonly atMs: number;
  readonly lsn: bigint;
}

/** "16/B374D848" → a comparable number. */
export function parseLsn(text: string): bigint {
  const [high = '0', low = '0'] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

function replicaName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

export interface ReplicaSetOptions {
  config: ReplicaConfig;
  pool: DatabasePoolConfig;
  /** The primary: where WAL positions are read. */
  primary: Executor;
  onQuery?: QueryObserver;
  /** Told when a replica's state changes (in or out of service, and why). */
  onChange?: (status: ReplicaStatus) => void;
}

export function createReplicaSet({ config, pool, primary, onQuery, onChange }: ReplicaSetOptions) {
  const replicaPool = { ...pool, connectionTimeoutMs: Math.min(pool.connectionTimeoutMs, REPLICA_CONNECT_TIMEOUT_MS) };
  const replicas: Replica[] = config.urls.map((url) => {
    const pool = createPool(url, replicaPool, 'gadizone-replica');
    return {
      name: replicaName(url),
      reads: createDatabase(pool, onQuery ? { onQuery } : {}),
      pool,
      probe: createPool(url, { ...replicaPool, max: 1, min: 0 }, 'gadizone-replica-check'),
      status: { name: replicaName(url), state: 'starting', lagMs: null, detail: null },
    };
  });
  // An idle connection lost: the next check says so.
  for (const replica of replicas) for (const pool of [replica.pool, replica.probe]) pool.on('error', () => undefined);
  let serving: Replica[] = [];
  let next = 0;
  let samples: WalSample[] = [];
  // Positions older than this are not needed: a replica behind the oldest kept is out of service anyway.
  const keepMs = config.maxLagMs + 2 * config.checkIntervalMs;

  function setStatus(replica: Replica, status: Omit<ReplicaStatus, 'name'>): void {
    const changed = replica.status.state !== status.state;
    replica.status = { name: replica.name, ...status };
    if (changed) {
      serving = replicas.filter((r) => r.status.state === 'up');
      onChange?.(replica.status);
    }
  }

  function lagOf(replayed: bigint, nowMs: number): number {
    const oldestMissing = samples.find((sample) => sample.lsn > replayed);
    return oldestMissing === undefined ? 0 : nowMs - oldestMissing.atMs;
  }

  async function checkReplica(replica: Replica): Promise<void> {
    try {
      const { rows } = await withTimeout(
        replica.probe.query<{ standby: boolean; replayed: string | null }>('SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replayed'),
        CHECK_TIMEOUT_MS,
      );
      const { standby, replayed } = rows[0]!;
      if (!standby || replayed === null) {
        setStatus(replica, { state: 'not-standby', lagMs: null, detail: 'not a standby (pg_is_in_recovery() is false): refusing to read from it' });
        return;
      }
      const lagMs = lagOf(parseLsn(replayed), Date.now());
      if (lagMs > config.maxLagMs) setStatus(replica, { state: 'lagging', lagMs, detail: `${lagMs} ms behind (bound ${config.maxLagMs} ms)` });
      else setStatus(replica, { state: 'up', lagMs, detail: null });
    } catch (error) {
      markDown(replica, error);
    }
  }

  function markDown(replica: Replica, error: unknown): void {
    setStatus(replica, { state: 'down', lagMs: null, detail: error instanceof Error ? error.message : String(error) });
  }

  /** One round: the primary's position, then every replica against it. */
  async function check(): Promise<void> {
    try {
      const { rows } = await withTimeout(primary.query<{ lsn: string }>('SELECT pg_current_wal_flush_lsn()::text AS lsn'), CHECK_TIMEOUT_MS);
      const now = Date.now();
      samples = [...samples.filter((sample) => now - sample.atMs <= keepMs), { atMs: now, lsn: parseLsn(rows[0]!.lsn) }];
    } catch {
      // Primary unreachable: its old positions still bound the replicas' lag (conservatively).
    }
    await Promise.all(replicas.map(checkReplica));
  }

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const loop = async () => {
    await check();
    if (!stopped) timer = setTimeout(() => void loop(), config.checkIntervalMs).unref();
  };

  return {
    /** Runs the first check (so replicas that are well serve from the start), then keeps checking. */
    start: () => loop(),
    /** A replica in service, in turn; null when none is. */
    pick(): { name: string; reads: Executor } | null {
      if (serving.length === 0) return null;
      next = (next + 1) % serving.length;
      return serving[next] ?? null;
    },
    /** Takes a replica out at once (a read on it failed); the next check puts it back if it recovered. */
    markDown(name: string, error: unknown): void {
      const replica = replicas.find((r) => r.name === name);
      if (replica !== undefined && replica.status.state === 'up') markDown(replica, error);
    },
    statuses: (): ReplicaStatus[] => replicas.map((r) => r.status),
    async close(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await Promise.allSettled(replicas.flatMap((r) => [r.pool.end(), r.probe.end()]));
    },
  };
}
export type ReplicaSet = ReturnType<typeof createReplicaSet>;
