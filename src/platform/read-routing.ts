/**
 * Where reads go. Read-only repositories are given `app.pgRead`: without replicas it is `app.pg` itself,
 * so the default costs nothing per query. With DATABASE_REPLICA_URLS it is a routing Executor whose `query()`
 * sends each statement to a replica in service, unless the reader must see the primary:
 *
 *   - the request writes (any method but GET, HEAD, OPTIONS): all its reads, before and after the write;
 *   - the request committed a transaction (`noteRequestWrite`): every read after it;
 *   - its sender wrote within REPLICA_STICKY_MS ("the admin who just saved"): a cookie for browsers
 *     (signed, so nobody pins their reads to the primary by writing one; honoured for REPLICA_STICKY_MS
 *     from now at most), and a marker keyed by the signed-in user for API clients that send a bearer token;
 *   - this process committed a signed-in user's write, or heard of another process's invalidation, within
 *     REPLICA_STICKY_MS: a cache fill must not store what a replica shows from before the write, for
 *     the cache would then serve it until its TTL.
 *
 * A read that fails on a replica's connection takes the replica out and runs again on the primary, so a
 * replica going away costs no request. It is only an Executor, with no `connect()`: transactions take
 * `app.pg`, the primary.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import type pg from 'pg';
import type { Config } from '../config.js';
import type { Database, Executor, QueryRows, Statement } from './db.js';
import { readContext, type RequestReadState } from './read-context.js';
import { createReplicaSet, type ReplicaSet } from './replica-set.js';

/** Holds "this browser wrote; read from the primary until then": `<epoch ms>.<signature>`. */
export const READ_PRIMARY_COOKIE = 'gz_rw';
/** Signature length: 128 bits of HMAC-SHA-256, base64url. */
const SIGNATURE_CHARS = 22;
const SIGNED_VALUE = new RegExp(`^(\\d{1,15})\\.([A-Za-z0-9_-]{${SIGNATURE_CHARS}})$`);

export interface ReadCookieCodec {
  encode(untilMs: number): string;
  /** The time a cookie value holds, at most `nowMs + stickyMs`; undefined when it is absent, malformed or not ours. */
  decode(value: string | undefined, nowMs?: number): number | undefined;
}

/**
 * Signs the read-primary cookie with a key derived from `secret` (the JWT secret, shared by every process
 * of the deployment); without one, a random key: this process's cookies are then honoured by it alone.
 */
export function createReadCookieCodec(secret: string | null, stickyMs: number): ReadCookieCodec {
  const key = Buffer.from(hkdfSync('sha256', secret ?? randomBytes(32), Buffer.alloc(0), 'gadizone read-primary cookie', 32));
  const sign = (until: string) => createHmac('sha256', key).update(until).digest('base64url').slice(0, SIGNATURE_CHARS);
  return {
    encode: (untilMs) => `${untilMs}.${sign(String(untilMs))}`,
    decode(value, nowMs = Date.now()) {
      const parts = value === undefined ? null : SIGNED_VALUE.exec(value);
      const until = parts?.[1];
      const signature = parts?.[2];
      if (until === undefined || signature === undefined) return undefined;
      if (!timingSafeEqual(Buffer.from(sign(until)), Buffer.from(signature))) return undefined;
      return Math.min(Number(until), nowMs + stickyMs);
    },
  };
}
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** SQLSTATE classes that mean the replica, not the statement, failed: connection, shutdown, recovery conflict. */
const REPLICA_FAILURE = /^(08|57P|40001)/;

/** True when a read failed because of the replica (retry on the primary), not because of the statement. */
export function isReplicaFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // Network errors carry no SQLSTATE (ECONNREFUSED, "Connection terminated"), or the errno name.
  return typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || REPLICA_FAILURE.test(code);
}

type Route = () => { name: string; reads: Executor } | null;

/**
 * An Executor (what repositories take) that lends each statement to the executor `route` picks, and runs it
 * again on the primary when the replica, not the statement, failed.
 */
function createRoutingExecutor(primary: Executor, route: Route, onReplicaFailure: (name: string, error: unknown) => void): Executor {
  return {
    async query<Row extends pg.QueryResultRow>(statement: string | Statement, values?: unknown[]): Promise<QueryRows<Row>> {
      const replica = route();
      if (replica === null) return primary.query<Row>(statement, values);
      try {
        return await replica.reads.query<Row>(statement, values);
      } catch (error) {
        if (!isReplicaFailure(error)) throw error;
        onReplicaFailure(replica.name, error);
        return primary.query<Row>(statement, values);
      }
    },
  };
}

/** Reads go to the primary while a marker (epoch ms) has not passed. */
const within = (untilMs: number | undefined) => untilMs !== undefined && Date.now() < untilMs;

function mustReadPrimary(state: RequestReadState | undefined, userMarkers: Map<number, number>): boolean {
  if (state === undefined) return false;
  if (state.primary || state.wrote) return true;
  const user = state.request.user;
  return user !== null && within(userMarkers.get(user.userId));
}

export interface ReadRouting {
  /** What read-only repositories query: the primary itself without replicas. */
  readonly reads: Executor;
  /** Another process wrote (its cache invalidation arrived): this process's fills read the primary for a while. */
  noteRemoteWrite(): void;
}

/**
 * The reads for `primary`: `primary` itself without replicas; else a routing Executor, with the request
 * hooks that decide per request, and the replicas' health checks (the first one awaited).
 */
export async function createReadRouting(app: FastifyInstance, config: Config, primary: Database, replicas: ReplicaSet | null): Promise<ReadRouting> {
  if (replicas === null) return { reads: primary, noteRemoteWrite: () => undefined };
  const stickyMs = config.replicas.stickyMs;
  const cookies = createReadCookieCodec(config.jwtSecret, stickyMs);
  const userMarkers = new Map<number, number>();
  let processPrimaryUntil = 0;
  const reads = new Counter({ name: 'db_reads_total', help: 'Statements sent through the read router, by where they ran (replica or primary)', labelNames: ['target'] as const, registers: [app.metrics.registry] });

  const route: Route = () => {
    if (Date.now() < processPrimaryUntil || mustReadPrimary(readContext.getStore(), userMarkers)) {
      reads.inc({ target: 'primary' });
      return null;
    }
    const replica = replicas.pick();
    reads.inc({ target: replica === null ? 'primary' : 'replica' });
    return replica;
  };
  const routed = createRoutingExecutor(primary, route, (name, error) => {
    app.log.warn({ err: error, replica: name }, 'read failed on a replica: taken out, read again on the primary');
    replicas.markDown(name, error);
  });

  app.decorateRequest('readState', null);
  app.addHook('onRequest', (request, _reply, done) => {
    const cookie = cookies.decode(request.cookies[READ_PRIMARY_COOKIE]);
    const state: RequestReadState = { request, primary: !SAFE_METHODS.has(request.method) || within(cookie), wrote: false };
    request.readState = state;
    readContext.run(state, done);
  });
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.readState?.wrote !== true) return;
    const until = Date.now() + stickyMs;
    reply.setCookie(READ_PRIMARY_COOKIE, cookies.encode(until), { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: Math.ceil(stickyMs / 1000) });
    if (request.user !== null) {
      // Signed-in writers change the catalogue (and invalidate its cache); visitors' leads do not.
      processPrimaryUntil = until;
      for (const [id, at] of userMarkers) if (!within(at)) userMarkers.delete(id);
      userMarkers.set(request.user.userId, until);
    }
  });
  await replicas.start();
  return {
    reads: routed,
    noteRemoteWrite: () => {
      processPrimaryUntil = Date.now() + stickyMs;
    },
  };
}

/** Scrape-time gauges of each replica: in service or not, and lag. */
export function registerReplicaMetrics(app: FastifyInstance, replicas: ReplicaSet): void {
  const registers = [app.metrics.registry];
  new Gauge({
    name: 'db_replica_in_service',
    help: 'Read replica serving reads (1) or taken out: down, lagging past REPLICA_MAX_LAG_MS, or not a standby (0)',
    labelNames: ['replica'] as const,
    registers,
    collect() {
      for (const status of replicas.statuses()) this.set({ replica: status.name }, status.state === 'up' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'db_replica_lag_seconds',
    help: 'How far each read replica is behind the primary (-1 while unreachable)',
    labelNames: ['replica'] as const,
    registers,
    aggregator: 'max',
    collect() {
      for (const status of replicas.statuses()) this.set({ replica: status.name }, status.lagMs === null ? -1 : status.lagMs / 1000);
    },
  });
}

export function createReplicas(app: FastifyInstance, config: Config, primary: Executor): ReplicaSet | null {
  if (config.replicas.urls.length === 0) return null;
  const { queryDuration } = app.metrics;
  return createReplicaSet({
    config: config.replicas,
    pool: config.pool,
    primary,
    onQuery: (seconds, ok) => queryDuration.observe({ outcome: ok ? 'ok' : 'error' }, seconds),
    onChange: (status) => app.log.warn({ replica: status.name, state: status.state, detail: status.detail }, status.state === 'up' ? 'read replica in service' : 'read replica out of service'),
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    readState: RequestReadState | null;
  }
}
