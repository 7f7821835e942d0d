/**
 * The database: one `pg` pool per process, sized and timed out from config, a Drizzle instance over it,
 * and `query()` for hot paths, which runs named (prepared) statements: PostgreSQL plans each distinct
 * statement once per connection instead of on every request.
 *
 * Repositories and services do not take pg's classes but the app's own small interfaces (`Executor`,
 * `Database`): a pg.Pool and a pg.PoolClient meet them as they are, and so do the wrappers that add what pg
 * has no hook for (statement timing, the circuit breaker: `createDatabase`; read routing: read-routing.ts),
 * by holding the pool rather than subclassing it.
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

/** A statement with its parameters; `name` makes it a prepared statement on the connection that runs it. */
export interface Statement {
  name?: string;
  text: string;
  values?: unknown[];
  /** Rows as arrays of values in column order (bulk reads, no object per row); `fields` names them. */
  rowMode?: 'array';
}

/** What the app reads of a statement's answer. */
export interface QueryRows<Row> {
  rows: Row[];
  /** Rows the statement inserted, updated, deleted or returned; null for statements that count none. */
  rowCount: number | null;
  /** The answer's columns, in order (pg always gives them): what names an array row's values. */
  fields?: { name: string }[];
}

/** Runs statements: a pool, a transaction's connection, the read router. Repositories take one, last (`tx = db`). */
export interface Executor {
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(statement: string | Statement, values?: unknown[]): Promise<QueryRows<Row>>;
}

/** One connection lent by a Database: every statement on it runs in order, in the same session. */
export interface Connection extends Executor {
  /** Gives the connection back; with an error, discards it (the session may be broken). */
  release(error?: Error): void;
}

/** Statements, and connections for transactions: the primary (`app.pg`), or a bare pg.Pool in a CLI command. */
export interface Database extends Executor {
  connect(): Promise<Connection>;
}

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

export function createPool(url: string, config: DatabasePoolConfig, applicationName = 'gadizone'): pg.Pool {
  const pool = new pg.Pool({
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

export interface DatabaseOptions {
  /** Times every statement (metrics). */
  onQuery?: QueryObserver;
  /** Connections are acquired through it; failures become DATABASE_UNAVAILABLE. */
  breaker?: DatabaseBreaker;
}

/** The primary as the app holds it (`app.pg`): a Database, and how busy its pool is (metrics). */
export interface PrimaryDatabase extends Database {
  connections(): { total: number; idle: number; waiting: number };
}

function statementOf(statement: string | Statement, values: unknown[] | undefined): Statement {
  if (typeof statement !== 'string') return statement;
  return values === undefined ? { text: statement } : { text: statement, values };
}

/**
 * `pool` with what pg has no hook for: each statement timed from sending it to its answer (not the wait for
 * a connection), and connections acquired through the breaker. A statement outside a transaction takes a
 * connection, runs and gives it back, as pg.Pool#query does (discarding it when the statement failed).
 */
export function createDatabase(pool: pg.Pool, options: DatabaseOptions = {}): PrimaryDatabase {
  const { onQuery, breaker } = options;
  const run = async <Row extends pg.QueryResultRow>(client: pg.PoolClient, statement: Statement): Promise<QueryRows<Row>> => {
    if (onQuery === undefined) return client.query<Row>(statement);
    const started = performance.now();
    try {
      const result = await client.query<Row>(statement);
      onQuery((performance.now() - started) / 1000, true);
      return result;
    } catch (error) {
      onQuery((performance.now() - started) / 1000, false);
      throw error;
    }
  };
  const acquire = async (): Promise<pg.PoolClient> => {
    if (breaker === undefined) return pool.connect();
    // Failing to get a connection (refused, timed out, not accepting connections, breaker open) always
    // means the database is unavailable to us, whatever the driver's error says.
    return breaker.connect(() => pool.connect()).catch((error: unknown) => {
      throw Object.assign(databaseUnavailable(), { cause: error });
    });
  };
  return {
    async query<Row extends pg.QueryResultRow>(statement: string | Statement, values?: unknown[]) {
      const client = await acquire();
      try {
        const result = await run<Row>(client, statementOf(statement, values));
        client.release();
        return result;
      } catch (error) {
        client.release(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    },
    async connect(): Promise<Connection> {
      const client = await acquire();
      return {
        query: <Row extends pg.QueryResultRow>(statement: string | Statement, values?: unknown[]) => run<Row>(client, statementOf(statement, values)),
        release: (error) => client.release(error),
      };
    },
    connections: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
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

/** Runs `fn` in a transaction on one connection; rolls back on any error. */
export async function transaction<T>(database: Database, fn: (tx: Executor) => Promise<T>): Promise<T> {
  const connection = await database.connect();
  try {
    await connection.query('BEGIN');
    const result = await fn(connection);
    await connection.query('COMMIT');
    noteRequestWrite();
    return result;
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}
