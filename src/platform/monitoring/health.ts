/**
 * Component checks for /api/monitoring/ready and /health: the database (a round trip), the schema
 * (no pending migration), Redis when configured (PING) and the outbox (how much is waiting). Each check
 * is bounded by a timeout, and a result is reused for HEALTH_REUSE_MS, so a storm of probes (every load
 * balancer, every kubelet) costs at most one round of checks per second per process.
 */
import { pendingMigrationCount } from '../../db/migrate.js';
import type { ReplicaStatus } from '../replica-set.js';
import { withTimeout } from '../with-timeout.js';
import type { RedisClient } from '../redis.js';
import type { Executor } from '../db.js';

export type ComponentStatus = 'up' | 'down';

export interface ComponentHealth {
  status: ComponentStatus;
  latencyMs: number;
  detail?: string;
}

export interface HealthReport {
  status: ComponentStatus;
  checkedAt: string;
  components: Record<string, ComponentHealth>;
}

const CHECK_TIMEOUT_MS = 1_000;
const HEALTH_REUSE_MS = 1_000;

/** Runs `probe`; its string (if any) becomes the detail; a throw or timeout makes the component down. */
async function check(probe: () => Promise<string | void>): Promise<ComponentHealth> {
  const started = performance.now();
  try {
    const detail = await withTimeout(probe(), CHECK_TIMEOUT_MS);
    return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10, ...(detail ? { detail } : {}) };
  } catch (error) {
    return { status: 'down', latencyMs: Math.round((performance.now() - started) * 10) / 10, detail: error instanceof Error ? error.message : String(error) };
  }
}

export interface HealthSources {
  pool: Executor;
  /** The database circuit breaker's state, reported with the database. */
  breakerState: () => string;
  /** The connection PING goes over; null when no Redis is configured. */
  redis: RedisClient | null;
  /** Whether Redis being down makes the process unready (READY_REQUIRES_REDIS). */
  readyRequiresRedis: boolean;
  /** The read replicas' states from their own periodic checks; absent without DATABASE_REPLICA_URLS. */
  replicas?: () => readonly ReplicaStatus[];
}

/**
 * One component per replica, named `replica <host:port/db>`. Never required for readiness: with every
 * replica out, the primary serves the reads.
 */
function replicaComponents(statuses: readonly ReplicaStatus[]): Record<string, ComponentHealth> {
  return Object.fromEntries(
    statuses.map((s) => [
      `replica ${s.name}`,
      { status: s.state === 'up' ? 'up' : 'down', latencyMs: 0, detail: s.state === 'up' ? `in service, ${s.lagMs ?? 0} ms behind` : `out of service (${s.state}): ${s.detail ?? 'not checked yet'}` },
    ]),
  );
}

export function createHealthChecks({ pool, breakerState, redis, readyRequiresRedis, replicas }: HealthSources) {
  let cached: { at: number; report: Promise<HealthReport> } | null = null;

  async function run(): Promise<HealthReport> {
    const [database, migrations, outbox, cache] = await Promise.all([
      check(async () => {
        try {
          await pool.query('SELECT 1');
        } catch (error) {
          throw new Error(`${error instanceof Error ? error.message : String(error)} (circuit ${breakerState()})`);
        }
        return `circuit ${breakerState()}`;
      }),
      check(async () => {
        const pending = await pendingMigrationCount(pool);
        if (pending > 0) throw new Error(`${pending} migration(s) not applied: run gadizone migrate`);
        return 'current';
      }),
      check(async () => {
        const { rows } = await pool.query<{ pending: number; oldestS: number | null }>(
          `SELECT count(*)::int AS pending, extract(epoch FROM now() - min(created_at))::int AS "oldestS" FROM outbox WHERE processed_at IS NULL`,
        );
        return `${rows[0]!.pending} pending${rows[0]!.oldestS === null ? '' : `, oldest ${rows[0]!.oldestS} s`}`;
      }),
      redis === null
        ? Promise.resolve<ComponentHealth | null>(null)
        : check(async () => {
            if (redis.status !== 'ready') throw new Error(`connection ${redis.status}`);
            await redis.ping();
          }),
    ]);
    const components: Record<string, ComponentHealth> = { database, migrations, outbox, ...replicaComponents(replicas?.() ?? []) };
    if (cache !== null) components.redis = cache;
    const required = [database, migrations, ...(cache !== null && readyRequiresRedis ? [cache] : [])];
    return { status: required.every((c) => c.status === 'up') ? 'up' : 'down', checkedAt: new Date().toISOString(), components };
  }

  return {
    /** The latest report, at most HEALTH_REUSE_MS old; concurrent callers share one round of checks. */
    report(): Promise<HealthReport> {
      const now = Date.now();
      if (cached === null || now - cached.at > HEALTH_REUSE_MS) cached = { at: now, report: run() };
      return cached.report;
    },
  };
}
export type HealthChecks = ReturnType<typeof createHealthChecks>;
