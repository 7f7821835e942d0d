/**
 * The database: one `pg` pool per process, sized and timed out from config, a Drizzle instance over it,
 * and `query()` for hot paths, which runs named (prepared) statements: PostgreSQL plans each distinct
 * statement once per connection instead of on every request.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { DatabasePoolConfig } from '../config.js';
import * as schema from '../db/schema/index.js';
import { databaseUnavailable } from '../errors.js';
import type { DatabaseBreaker } from './db-breaker.js';
import { noteRequestWrite } from './read-context.js';

export type Db = NodePgDatabase<typeof schema>;
export type Executor = pg.Pool | pg.PoolClient;

/**
 * Planner cost of a random page read, relative to a sequential one. PostgreSQL's default (4) models
 * spinning disks; on SSDs and a warm cache (every machine we run on) 1.1 is the usual setting, and it lets
 * the planner pick the bitmap index scans our filtered counts need instead of reading whole tables.
 */
const RANDOM_PAGE_COST = 1.1;

const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** DATE stays 'YYYY-MM-DD' (no time-zone shift); int8 and numeric become numbers (counts and sums fit). */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (value: string) => value;
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Told how long each statement took and whether it succeeded (metrics). */
export type QueryObserver = (seconds: number, ok: boolean) => void;

/**
 * A pg.Client that times its statements. pg has no query event, and the pool calls `client.query` with a
 * callback while our code awaits promises, so both forms are timed here, where every statement passes.
 */
function timedClient(observe: QueryObserver): typeof pg.Client {
  return class TimedClient extends pg.Client {
    // pg.Client#query has seven overloads and this returns what the driver returns for the same arguments;
    // no single signature but `never` is assignable to all seven, hence the one cast at the end.
    override query(...args: unknown[]): never {
      const started = performance.now();
      const done = (ok: boolean) => observe((performance.now() - started) / 1000, ok);
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        args[last] = (error: unknown, result: unknown) => {
          done(error === null || error === undefined);
          (callback as (error: unknown, result: unknown) => void)(error, result);
        };
      }
      const result = (super.query as (...a: unknown[]) => unknown)(...args);
      if (result instanceof Promise) {
        result.then(
          () => done(true),
          () => done(false),
        );
      }
      return result as never;
    }
  };
}

export interface PoolOptions {
  /** Times every statement (metrics). */
  onQuery?: QueryObserver;
  /** Connections are acquired through it; failures become DATABASE_UNAVAILABLE. */
  breaker?: DatabaseBreaker;
}

/** pg.Pool's callback form of `connect`. */
export type ConnectCallback = (error: Error | undefined, client: pg.PoolClient | undefined, release: () => void) => void;

/** A pool whose connection attempts pass through the breaker (pool.query connects through this too). */
function guardedPool(breaker: DatabaseBreaker): typeof pg.Pool {
  return class GuardedPool extends pg.Pool {
    override connect(): Promise<pg.PoolClient>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
      // Failing to get a connection (refused, timed out, not accepting connections, breaker open) always
      // means the database is unavailable to us, whatever the driver's error says.
      const attempt = breaker.connect(() => super.connect()).catch((error: unknown) => {
        throw Object.assign(databaseUnavailable(), { cause: error });
      });
      if (callback === undefined) return attempt;
      attempt.then(
        (client) => callback(undefined, client, () => client.release()),
        (error: Error) => callback(error, undefined, () => undefined),
      );
    }
  };
}

/** Each pool's clients whose connection is still open (a client leaves the pool before its socket closes). */
const openClients = new WeakMap<pg.Pool, Set<pg.ClientBase>>();
/** How long closePool waits for the last connections to close once the pool has ended them. */
const CLOSE_WAIT_MS = 2_000;
const CLOSE_POLL_MS = 10;

/**
 * Ends a pool and waits until its connections have really closed. `pool.end()` resolves once every client
 * has left the pool, while their sockets may still be open: stopping PostgreSQL in that moment answers them
 * with "terminating connection due to administrator command", logged as a failure at shutdown (seen in
 * test/db/embedded-shutdown.test.ts under load). Bounded by CLOSE_WAIT_MS.
 */
export async function closePool(pool: pg.Pool): Promise<void> {
  await pool.end();
  const open = openClients.get(pool);
  const deadline = Date.now() + CLOSE_WAIT_MS;
  while (open !== undefined && open.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, CLOSE_POLL_MS));
}

export function createPool(url: string, config: DatabasePoolConfig, applicationName = 'gadizone', options: PoolOptions = {}): pg.Pool {
  const Pool = options.breaker ? guardedPool(options.breaker) : pg.Pool;
  const pool = new Pool({
    ...(options.onQuery ? { Client: timedClient(options.onQuery) } : {}),
    connectionString: url,
    max: config.max,
    min: config.min,
    idleTimeoutMillis: config.idleTimeoutMs,
    connectionTimeoutMillis: config.connectionTimeoutMs,
    statement_timeout: config.statementTimeoutMs === 0 ? undefined : config.statementTimeoutMs,
    application_name: applicationName,
    options: `-c random_page_cost=${RANDOM_PAGE_COST}`,
    types: typeParsers,
  });
  // pg-pool listens for errors only on idle clients. A checked-out client whose server connection dies
  // between two statements (a transaction awaiting something) would emit an unhandled 'error' and crash
  // the process; its next statement fails anyway, and release() then discards it.
  const open = new Set<pg.ClientBase>();
  openClients.set(pool, open);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    open.add(client);
    client.once('end', () => open.delete(client));
  });
  // An idle client whose server connection ends (PostgreSQL stopping, a failover) is dropped by pg-pool,
  // which then emits 'error' on the pool: with no listener that crashes the process. It was seen when
  // `gadizone seed` stopped its embedded PostgreSQL while a client was still being opened. Owners that
  // want to log it add their own listener (db-plugin.ts).
  pool.on('error', () => undefined);
  return pool;
}

export function createDb(pool: pg.Pool): Db {
  return drizzle(pool, { schema });
}

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `gz_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** Runs `text` as a named prepared statement. */
export async function query<Row extends pg.QueryResultRow>(executor: Executor, text: string, values: unknown[] = []): Promise<Row[]> {
  const result = await executor.query<Row>({ name: statementName(text), text, values });
  return result.rows;
}

/** Runs `fn` in a transaction on one pooled connection; rolls back on any error. */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    noteRequestWrite();
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
