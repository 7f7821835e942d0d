/**
 * Environment → typed, frozen configuration. Validated once at boot: a bad value stops start-up with a
 * message that names the variable and what it expects. Code branches on these settings, never on NODE_ENV.
 */
import { resolve } from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface DatabasePoolConfig {
  /** Largest number of pooled connections per process. Default 20. */
  readonly max: number;
  /** Connections kept open while idle. Default 2. */
  readonly min: number;
  /** Close a connection idle for this long. Default 30 000 ms. */
  readonly idleTimeoutMs: number;
  /** Give up waiting for a free connection after this long. Default 5 000 ms. */
  readonly connectionTimeoutMs: number;
  /** PostgreSQL statement_timeout for every pooled connection. Default 5 000 ms. */
  readonly statementTimeoutMs: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Where the embedded PostgreSQL keeps its files. Default ./data. */
  readonly dataDir: string;
  /** A server PostgreSQL; null until the embedded one has started, in embedded mode. */
  readonly databaseUrl: string | null;
  /** True when DATABASE_URL is unset: the app starts its own PostgreSQL under DATA_DIR. */
  readonly embedded: boolean;
  /** Port of the embedded PostgreSQL (127.0.0.1 only). Default 54329. */
  readonly embeddedDbPort: number;
  readonly pool: DatabasePoolConfig;
  readonly logLevel: LogLevel;
  /** Run pending migrations at start-up. Default: on in embedded mode, off with a server database. */
  readonly autoMigrate: boolean;
  /** Load the curated catalogue at start-up when the database has none. Default: on in embedded mode. */
  readonly autoSeed: boolean;
  /** Bound on graceful shutdown: in-flight requests get this long to finish. Default 10 000 ms. */
  readonly shutdownTimeoutMs: number;
  /** Trust X-Forwarded-* from these proxies (Fastify trustProxy). Default: trust none. */
  readonly trustProxy: boolean | string;
  /** Public origin used in links (OpenAPI servers, emails). Default http://HOST:PORT. */
  readonly publicUrl: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name}="${value}": expected an integer from ${min} to ${max}`);
      return fallback;
    }
    return parsed;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalUrl(name: string, protocols: string[]): string | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol)) throw new Error('protocol');
      return value;
    } catch {
      this.problems.push(`${name}: expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      return null;
    }
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name}="${value}": expected true or false`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}="${value}": expected one of ${allowed.join(', ')}`);
    return fallback;
  }
}

/** Reads and validates the configuration; throws ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const read = new Reader(env);
  const port = read.int('PORT', 3000, 0, 65535);
  const host = read.string('HOST', '127.0.0.1');
  const databaseUrl = read.optionalUrl('DATABASE_URL', ['postgres:', 'postgresql:']);
  const pool: DatabasePoolConfig = {
    max: read.int('DATABASE_POOL_MAX', 20, 1, 1000),
    min: read.int('DATABASE_POOL_MIN', 2, 0, 1000),
    idleTimeoutMs: read.int('DATABASE_IDLE_TIMEOUT_MS', 30_000, 0, 3_600_000),
    connectionTimeoutMs: read.int('DATABASE_CONNECTION_TIMEOUT_MS', 5_000, 1, 600_000),
    statementTimeoutMs: read.int('DATABASE_STATEMENT_TIMEOUT_MS', 5_000, 0, 3_600_000),
  };
  if (pool.min > pool.max) {
    read.problems.push(`DATABASE_POOL_MIN=${pool.min}: must not exceed DATABASE_POOL_MAX=${pool.max}`);
  }
  const trustProxyRaw = read.string('TRUST_PROXY', 'false');
  const trustProxy = ['true', 'false'].includes(trustProxyRaw) ? trustProxyRaw === 'true' : trustProxyRaw;
  const config: Config = {
    port,
    host,
    dataDir: resolve(read.string('DATA_DIR', './data')),
    databaseUrl,
    embedded: databaseUrl === null,
    embeddedDbPort: read.int('EMBEDDED_DB_PORT', 54329, 1024, 65535),
    pool,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    autoMigrate: read.bool('AUTO_MIGRATE', databaseUrl === null),
    autoSeed: read.bool('AUTO_SEED', databaseUrl === null),
    shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    trustProxy,
    publicUrl: read.optionalUrl('PUBLIC_URL', ['http:', 'https:']) ?? `http://${host}:${port}`,
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return Object.freeze({ ...config, pool: Object.freeze(pool) });
}
