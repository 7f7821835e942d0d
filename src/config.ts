/**
 * Environment → typed, frozen configuration. Validated once at boot: a bad value stops start-up with a
 * message that names the variable and what it expects. Code branches on these settings, never on NODE_ENV.
 */
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type LogFormat = 'json' | 'pretty' | 'auto';

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

/** Seconds each kind of cached answer stays fresh; a write invalidates it sooner, on every process. */
export interface CacheTtlConfig {
  /** Brand lists and pages. Default 3 600 s (1 h). */
  readonly brandsS: number;
  /** Model lists and pages. Default 1 800 s (30 min). */
  readonly modelsS: number;
  /** Variant lists, pages, search and compare. Default 900 s (15 min). */
  readonly variantsS: number;
  /** Popular comparisons. Default 7 200 s (2 h). */
  readonly comparisonsS: number;
  /** Articles. Default 900 s (15 min). */
  readonly articlesS: number;
}

export interface CacheConfig {
  /**
   * False runs without the response cache (benchmarks, debugging): every cached route loads on every request
   * and nothing is stored; answers keep their ETag, Cache-Control and 304. Default true.
   */
  readonly enabled: boolean;
  readonly ttl: CacheTtlConfig;
  /** How long past its TTL an entry may still be served when the database fails. Default 21 600 s (6 h). */
  readonly graceS: number;
  /** Memory each process gives its cache tiers (final bytes + bentocache L1), in MiB. Default 256. */
  readonly memoryMb: number;
  /** `max-age` sent to browsers. Default 60 s. */
  readonly browserMaxAgeS: number;
  /** `s-maxage` sent to CDNs and shared caches (they cannot be invalidated by us). Default 120 s. */
  readonly cdnMaxAgeS: number;
  /** `stale-while-revalidate` sent with cached answers. Default 600 s. */
  readonly staleWhileRevalidateS: number;
  /** Warm the hot set at start-up, for at most this long; 0 turns warm-up off. Default 10 000 ms. */
  readonly warmupTimeoutMs: number;
}

/** One rate-limit tier: at most `points` requests per `durationS` seconds per key. */
export interface RateLimitRule {
  readonly points: number;
  readonly durationS: number;
}

export interface RateLimitConfig {
  /** Off only for load tests run against an isolated copy; on by default. */
  readonly enabled: boolean;
  /** Login attempts per client IP. Default 5 per 15 min. */
  readonly auth: RateLimitRule;
  /** Public API requests per client IP. Default 60 per min. */
  readonly public: RateLimitRule;
  /** Cache misses (loads that reach the database or a render) per client IP, pages and API together. Default 120 per min. */
  readonly misses: RateLimitRule;
  /** Admin writes per user. Default 20 per min. */
  readonly modify: RateLimitRule;
  /** Bulk imports and exports per user. Default 10 per hour. */
  readonly bulk: RateLimitRule;
  /** Newsletter sign-ups per email address. Default 1 per hour. */
  readonly newsletter: RateLimitRule;
  /** Newsletter sign-ups per client IP (API and page form together: each one mails a stranger). Default 5 per hour. */
  readonly newsletterIp: RateLimitRule;
  /** Leads per client IP. Default 10 per hour. */
  readonly leads: RateLimitRule;
  /** Leads per phone number (a dealer calls it): API and page form together. Default 5 per 24 hours. */
  readonly leadsPhone: RateLimitRule;
  /** Analytics events per client IP, each event of a batch one point. Default 600 per 10 min. */
  readonly events: RateLimitRule;
  /** Client addresses or CIDR ranges never limited (monitoring, your own load tests). Default none. */
  readonly allowlist: readonly string[];
  /**
   * How often each process reports the public tier's counts to the shared counters (Redis, or the cluster
   * primary), in ms: a client may pass its budget by a tenth of it per other process. 0 = on every request
   * (exact, one round trip each). Default 100.
   */
  readonly syncMs: number;
}

/** An S3-compatible bucket that every backup is also uploaded to (BACKUP_S3_*). */
export interface BackupS3Config {
  readonly bucket: string;
  /** Endpoint of an S3-compatible store (MinIO, R2, B2, …); null means AWS S3 in `region`. */
  readonly endpoint: string | null;
  /** Default us-east-1. */
  readonly region: string;
  /** Static credentials; null leaves them to the AWS SDK's chain (AWS_* variables, instance role). */
  readonly accessKeyId: string | null;
  readonly secretAccessKey: string | null;
  /** Key prefix such as `gadizone/`. Default none. */
  readonly prefix: string;
  /** Path-style URLs (bucket in the path), which most S3-compatible stores need. Default: on with an endpoint. */
  readonly forcePathStyle: boolean;
}

export interface BackupConfig {
  /** Where `gadizone backup` writes. Default DATA_DIR/backups. */
  readonly dir: string;
  /** Days whose latest backup is kept. Default 7. */
  readonly keepDaily: number;
  /** Off-site copy; null when BACKUP_S3_BUCKET is unset. */
  readonly s3: BackupS3Config | null;
}

/** Background jobs (src/platform/jobs): BullMQ on Redis, or in-process through the outbox without Redis. */
export interface JobsConfig {
  /** Jobs one process runs at once (BullMQ worker concurrency). Default 4. */
  readonly concurrency: number;
  /**
   * With Redis, `serve` processes also consume jobs. Default true, so a deployment without a separate
   * `gadizone worker` (one box, `--workers N`) still runs them; set false when dedicated workers run.
   */
  readonly inServe: boolean;
  /** Hours between scheduled backups; 0 = off. Default 24 when BACKUP_DIR is set, else 0. */
  readonly backupEveryHours: number;
  /** Minutes between analytics roll-ups; 0 = off. Default 10. */
  readonly analyticsRollUpEveryMinutes: number;
  /** Minutes between warm-ups of the shared cache (Redis L2) by a worker; 0 = off (each process warms itself at start). Default 0. */
  readonly warmUpEveryMinutes: number;
}

/** Outgoing mail: SMTP when SMTP_URL is set, else each message is written to the log. */
export interface MailConfig {
  /** smtp:// or smtps:// URL with credentials; null = log only. */
  readonly smtpUrl: string | null;
  /** From address. Default "gadizone <no-reply@localhost>". */
  readonly from: string;
}

/** A Redis or Sentinel address from a `host:port` list (IPv6 as `[::1]:26379`). */
export interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

/** Redis behind Sentinel: the sentinels are asked which server is the master, again after every failover. */
export interface RedisSentinelConfig {
  /** REDIS_SENTINELS, at least one. */
  readonly sentinels: readonly RedisNodeAddress[];
  /** The master's name in the sentinels' configuration (REDIS_SENTINEL_NAME). Default mymaster. */
  readonly masterName: string;
  /** Password of the sentinels themselves (REDIS_SENTINEL_PASSWORD); null when they have none. */
  readonly sentinelPassword: string | null;
  /** Password of the Redis servers (REDIS_PASSWORD); null when they have none. */
  readonly password: string | null;
}

/** Redis Cluster: the seed nodes; the rest of the cluster is discovered from them. */
export interface RedisClusterConfig {
  /** REDIS_CLUSTER_NODES, at least one. */
  readonly nodes: readonly RedisNodeAddress[];
  /** Password of the cluster's nodes (REDIS_PASSWORD); null when they have none. */
  readonly password: string | null;
}

/** Images (src/media): renditions, generated artwork and uploaded originals. */
export interface MediaConfig {
  /** Where image files are kept (served at /media/<name>). Default DATA_DIR/media. */
  readonly dir: string;
  /** Largest image upload accepted, in bytes (MEDIA_UPLOAD_MAX_MB). Default 10 MiB. */
  readonly uploadMaxBytes: number;
}

/** Read replicas (DATABASE_REPLICA_URLS): which reads they take and when one is taken out of service. */
export interface ReplicaConfig {
  /** Streaming replicas of DATABASE_URL that serve reads; empty (the default) sends every query to the primary. */
  readonly urls: readonly string[];
  /** A replica further behind the primary than this is taken out until it catches up. Default 5 000 ms. */
  readonly maxLagMs: number;
  /** How often each replica is checked (reachable, in recovery, how far behind). Default 1 000 ms. */
  readonly checkIntervalMs: number;
  /**
   * After a write, the writer's reads (and this process's cache fills, after an admin write) go to the
   * primary for this long. At least REPLICA_MAX_LAG_MS + REPLICA_CHECK_INTERVAL_MS, the most a replica in
   * service can be behind. Default 10 000 ms.
   */
  readonly stickyMs: number;
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
  readonly replicas: ReplicaConfig;
  readonly logLevel: LogLevel;
  /**
   * LOG_FORMAT: `json` (one JSON object a line, for collectors) or `pretty` (coloured, for people).
   * Default `auto`: pretty when standard output is a terminal, else JSON (containers, CI, files).
   */
  readonly logFormat: LogFormat;
  /** One log line per request: `all`, `errors` (4xx and 5xx only) or `none`. Default all. */
  readonly accessLog: 'all' | 'errors' | 'none';
  /** Run pending migrations at start-up. Default: on in embedded mode, off with a server database. */
  readonly autoMigrate: boolean;
  /** Load the curated catalogue at start-up when the database has none. Default: on in embedded mode. */
  readonly autoSeed: boolean;
  /** Bound on graceful shutdown: in-flight requests get this long to finish. Default 10 000 ms. */
  readonly shutdownTimeoutMs: number;
  /** A client gets this long to send a request's headers, then its connection is closed (slow-loris). Default 10 000 ms. */
  readonly headersTimeoutMs: number;
  /** Before closing, answer with `Connection: close` for this long so keep-alive clients leave. Default 1 000 ms. */
  readonly shutdownDrainMs: number;
  /** Trust X-Forwarded-* from these proxies (Fastify trustProxy). Default: trust none. */
  readonly trustProxy: boolean | string;
  /** Public origin used in links (OpenAPI servers, emails). Default http://HOST:PORT. */
  readonly publicUrl: string;
  /** Redis for the shared cache tier, invalidation bus, rate limits and jobs; null = in-process only. */
  readonly redisUrl: string | null;
  /** The same Redis roles on a Sentinel-managed master (REDIS_SENTINELS); null when unused. */
  readonly redisSentinel: RedisSentinelConfig | null;
  /** The same Redis roles on a Redis Cluster (REDIS_CLUSTER_NODES); null when unused. */
  readonly redisCluster: RedisClusterConfig | null;
  /** Prefix of every Redis key and channel this deployment uses. Default "gz". */
  readonly redisPrefix: string;
  /** /api/monitoring/ready answers 503 while the configured Redis is down. Default true. */
  readonly readyRequiresRedis: boolean;
  /** Load shedding: answer 503 + Retry-After while event-loop delay exceeds this (0 = off). Default 1 000 ms. */
  readonly overloadMaxEventLoopDelayMs: number;
  /** How often the event-loop delay is sampled for load shedding. Default 500 ms. */
  readonly overloadSampleIntervalMs: number;
  readonly cache: CacheConfig;
  /**
   * Answer catalogue lists, totals and facets from the in-memory read model (catalogue/read-model/); false
   * answers them from PostgreSQL (benchmarks, debugging). Default true.
   */
  readonly readModel: boolean;
  /** App processes `serve` runs (Node cluster). Default: CPU count with a server database, 1 embedded. */
  readonly workers: number;
  /** HMAC secret for access tokens, at least 32 bytes; generated into DATA_DIR in embedded mode. */
  readonly jwtSecret: string | null;
  /** Origins allowed to call the API from a browser; `*` allows any origin, never with credentials. */
  readonly corsOrigins: readonly string[];
  readonly rateLimits: RateLimitConfig;
  readonly backup: BackupConfig;
  /** Folder holding pg_dump and pg_restore; null looks on PATH and in /usr/lib/postgresql/N/bin. */
  readonly pgBinDir: string | null;
  readonly jobs: JobsConfig;
  readonly mail: MailConfig;
  readonly media: MediaConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const MIN_SECRET_BYTES = 32;
/** Names proxy-addr (Fastify trustProxy) accepts for whole ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An IPv4 or IPv6 address, or a CIDR range such as 10.0.0.0/8. */
function isAddressOrRange(entry: string): boolean {
  const [address = '', bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

/** Secrets shown in README and docs: refused, so a copied example never signs real tokens. */
export const DOCUMENTED_EXAMPLE_SECRETS: readonly string[] = ['replace-me-with-48-random-bytes-from-openssl-rand-base64'];

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

  /** "N/duration" with a duration of s, m or h: `5/15m`, `60/1m`, `10/1h`. */
  rate(name: string, fallback: RateLimitRule): RateLimitRule {
    const value = this.raw(name);
    if (value === undefined) return Object.freeze(fallback);
    const match = /^(\d{1,7})\/(\d{1,6})(s|m|h)$/.exec(value);
    const seconds = match ? Number(match[2]) * { s: 1, m: 60, h: 3_600 }[match[3] as 's' | 'm' | 'h'] : 0;
    if (!match || Number(match[1]) < 1 || seconds < 1) {
      this.problems.push(`${name}="${value}": expected requests/duration such as 60/1m, 5/15m or 10/1h`);
      return Object.freeze(fallback);
    }
    return Object.freeze({ points: Number(match[1]), durationS: seconds });
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /** A secret of at least 32 bytes, not one of the examples in the docs; optional where `optional`. */
  secret(name: string, optional: boolean): string | null {
    const value = this.raw(name);
    if (value === undefined) {
      if (!optional) this.problems.push(`${name}: required with a server database; set at least 32 random bytes (for example: openssl rand -base64 48)`);
      return null;
    }
    if (Buffer.byteLength(value) < MIN_SECRET_BYTES) this.problems.push(`${name}: must be at least ${MIN_SECRET_BYTES} bytes long`);
    else if (DOCUMENTED_EXAMPLE_SECRETS.includes(value)) this.problems.push(`${name}: is the example from the documentation; generate your own`);
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}="${value}": expected one of ${allowed.join(', ')}`);
    return fallback;
  }
}

function readBackupConfig(read: Reader, dataDir: string): BackupConfig {
  const bucket = read.string('BACKUP_S3_BUCKET', '');
  const endpoint = read.optionalUrl('BACKUP_S3_ENDPOINT', ['http:', 'https:']);
  const accessKeyId = read.string('BACKUP_S3_ACCESS_KEY_ID', '') || null;
  const secretAccessKey = read.string('BACKUP_S3_SECRET_ACCESS_KEY', '') || null;
  if ((accessKeyId === null) !== (secretAccessKey === null)) read.problems.push('BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY: set both or neither');
  if (bucket === '' && (endpoint !== null || accessKeyId !== null)) read.problems.push('BACKUP_S3_BUCKET: required when other BACKUP_S3_* variables are set');
  const s3: BackupS3Config | null =
    bucket === ''
      ? null
      : Object.freeze({
          bucket,
          endpoint,
          region: read.string('BACKUP_S3_REGION', 'us-east-1'),
          accessKeyId,
          secretAccessKey,
          prefix: read.string('BACKUP_S3_PREFIX', ''),
          forcePathStyle: read.bool('BACKUP_S3_FORCE_PATH_STYLE', endpoint !== null),
        });
  return Object.freeze({ dir: resolve(read.string('BACKUP_DIR', resolve(dataDir, 'backups'))), keepDaily: read.int('BACKUP_KEEP_DAILY', 7, 1, 3_650), s3 });
}

/** `host:port,host:port`; each bad entry is a problem naming `name`. */
function readNodeList(read: Reader, name: string): RedisNodeAddress[] {
  return read.list(name).flatMap((entry) => {
    const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535) {
      read.problems.push(`${name}: "${entry}" is not host:port (such as 10.0.0.5:26379 or [::1]:26379)`);
      return [];
    }
    return [Object.freeze({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port })];
  });
}

/** Sentinel or Cluster instead of REDIS_URL: at most one way to reach Redis, and no setting that goes unused. */
function readRedisTopology(read: Reader, env: Env): Pick<Config, 'redisSentinel' | 'redisCluster'> {
  const sentinels = readNodeList(read, 'REDIS_SENTINELS');
  const clusterNodes = readNodeList(read, 'REDIS_CLUSTER_NODES');
  const masterName = read.string('REDIS_SENTINEL_NAME', 'mymaster');
  const sentinelPassword = read.string('REDIS_SENTINEL_PASSWORD', '') || null;
  const password = read.string('REDIS_PASSWORD', '') || null;
  const isSet = (name: string) => (env[name] ?? '').trim() !== '';
  const chosen = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'].filter(isSet);
  if (chosen.length > 1) read.problems.push(`${chosen.join(' and ')}: set only one of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES`);
  for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'].filter(isSet)) {
    if (!isSet('REDIS_SENTINELS')) read.problems.push(`${name}: only used with REDIS_SENTINELS, which is unset`);
  }
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(masterName)) read.problems.push(`REDIS_SENTINEL_NAME="${masterName}": expected the master name from the sentinels' configuration (letters, digits, '_', '.', '-')`);
  if (isSet('REDIS_PASSWORD') && !isSet('REDIS_SENTINELS') && !isSet('REDIS_CLUSTER_NODES')) {
    read.problems.push('REDIS_PASSWORD: only used with REDIS_SENTINELS or REDIS_CLUSTER_NODES (with REDIS_URL, put the password in the URL)');
  }
  return {
    redisSentinel: sentinels.length === 0 ? null : Object.freeze({ sentinels: Object.freeze(sentinels), masterName, sentinelPassword, password }),
    redisCluster: clusterNodes.length === 0 ? null : Object.freeze({ nodes: Object.freeze(clusterNodes), password }),
  };
}

const POSTGRES_PROTOCOLS = ['postgres:', 'postgresql:'];

/** DATABASE_REPLICA_URLS and the REPLICA_* bounds; entries are named by position, never echoed (passwords). */
function readReplicaConfig(read: Reader, databaseUrl: string | null): ReplicaConfig {
  const urls = read.list('DATABASE_REPLICA_URLS');
  urls.forEach((url, index) => {
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      // reported below
    }
    if (!POSTGRES_PROTOCOLS.includes(protocol)) read.problems.push(`DATABASE_REPLICA_URLS: entry ${index + 1} is not a URL starting with postgres:// or postgresql://`);
    else if (url === databaseUrl) read.problems.push(`DATABASE_REPLICA_URLS: entry ${index + 1} is DATABASE_URL itself; list the replicas only`);
  });
  if (urls.length > 0 && databaseUrl === null) read.problems.push('DATABASE_REPLICA_URLS: needs DATABASE_URL (the primary); the embedded database has no replicas');
  const maxLagMs = read.int('REPLICA_MAX_LAG_MS', 5_000, 100, 3_600_000);
  const checkIntervalMs = read.int('REPLICA_CHECK_INTERVAL_MS', 1_000, 50, 60_000);
  const stickyMs = read.int('REPLICA_STICKY_MS', Math.max(10_000, maxLagMs + checkIntervalMs), 0, 3_600_000);
  if (stickyMs < maxLagMs + checkIntervalMs) {
    read.problems.push(`REPLICA_STICKY_MS=${stickyMs}: must be at least REPLICA_MAX_LAG_MS + REPLICA_CHECK_INTERVAL_MS (${maxLagMs + checkIntervalMs}), or writers may read their write's past`);
  }
  return Object.freeze({ urls: Object.freeze(urls), maxLagMs, checkIntervalMs, stickyMs });
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
  const cache: CacheConfig = {
    enabled: read.bool('CACHE_ENABLED', true),
    ttl: Object.freeze({
      brandsS: read.int('CACHE_TTL_BRANDS_S', 3_600, 1, 604_800),
      modelsS: read.int('CACHE_TTL_MODELS_S', 1_800, 1, 604_800),
      variantsS: read.int('CACHE_TTL_VARIANTS_S', 900, 1, 604_800),
      comparisonsS: read.int('CACHE_TTL_COMPARISONS_S', 7_200, 1, 604_800),
      articlesS: read.int('CACHE_TTL_ARTICLES_S', 900, 1, 604_800),
    }),
    graceS: read.int('CACHE_GRACE_S', 21_600, 0, 2_592_000),
    memoryMb: read.int('CACHE_MEMORY_MB', 256, 8, 65_536),
    browserMaxAgeS: read.int('CACHE_BROWSER_MAX_AGE_S', 60, 0, 86_400),
    cdnMaxAgeS: read.int('CACHE_CDN_MAX_AGE_S', 120, 0, 86_400),
    staleWhileRevalidateS: read.int('CACHE_STALE_WHILE_REVALIDATE_S', 600, 0, 86_400),
    warmupTimeoutMs: read.int('CACHE_WARMUP_TIMEOUT_MS', 10_000, 0, 600_000),
  };
  const rateLimits: RateLimitConfig = {
    enabled: read.bool('RATE_LIMIT_ENABLED', true),
    auth: read.rate('RATE_LIMIT_AUTH', { points: 5, durationS: 900 }),
    public: read.rate('RATE_LIMIT_PUBLIC', { points: 60, durationS: 60 }),
    misses: read.rate('RATE_LIMIT_MISSES', { points: 120, durationS: 60 }),
    modify: read.rate('RATE_LIMIT_MODIFY', { points: 20, durationS: 60 }),
    bulk: read.rate('RATE_LIMIT_BULK', { points: 10, durationS: 3_600 }),
    newsletter: read.rate('RATE_LIMIT_NEWSLETTER', { points: 1, durationS: 3_600 }),
    newsletterIp: read.rate('RATE_LIMIT_NEWSLETTER_IP', { points: 5, durationS: 3_600 }),
    leads: read.rate('RATE_LIMIT_LEADS', { points: 10, durationS: 3_600 }),
    leadsPhone: read.rate('RATE_LIMIT_LEADS_PHONE', { points: 5, durationS: 86_400 }),
    events: read.rate('RATE_LIMIT_EVENTS', { points: 600, durationS: 600 }),
    allowlist: Object.freeze(read.list('RATE_LIMIT_ALLOWLIST')),
    syncMs: read.int('RATE_LIMIT_SYNC_MS', 100, 0, 60_000),
  };
  const jwtSecret = read.secret('JWT_SECRET', databaseUrl === null);
  const corsOrigins = read.list('CORS_ORIGINS');
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) read.problems.push(`CORS_ORIGINS: "${origin}" is not an origin like https://www.example.com (scheme and host, no path)`);
  }
  const redisPrefix = read.string('REDIS_PREFIX', 'gz');
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(redisPrefix)) read.problems.push(`REDIS_PREFIX="${redisPrefix}": expected 1-40 letters, digits, '_', '.' or '-'`);
  const trustProxyRaw = read.string('TRUST_PROXY', 'false');
  const trustProxy = ['true', 'false'].includes(trustProxyRaw) ? trustProxyRaw === 'true' : trustProxyRaw;
  // Checked here, not left to Fastify: it takes a hop count such as "1" for an address and so trusts no real proxy.
  for (const entry of typeof trustProxy === 'string' ? trustProxy.split(',').map((e) => e.trim()) : []) {
    if (!isAddressOrRange(entry) && !PROXY_RANGE_NAMES.includes(entry)) {
      read.problems.push(`TRUST_PROXY: "${entry}" is not true, false, an IP address or a CIDR range (such as 10.0.0.0/8)`);
    }
  }
  for (const entry of rateLimits.allowlist) {
    if (!isAddressOrRange(entry)) read.problems.push(`RATE_LIMIT_ALLOWLIST: "${entry}" is not an IP address or a CIDR range (such as 10.0.0.0/8)`);
  }
  const config: Config = {
    port,
    host,
    dataDir: resolve(read.string('DATA_DIR', './data')),
    databaseUrl,
    embedded: databaseUrl === null,
    embeddedDbPort: read.int('EMBEDDED_DB_PORT', 54329, 1024, 65535),
    pool,
    replicas: readReplicaConfig(read, databaseUrl),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: read.oneOf<LogFormat>('LOG_FORMAT', ['json', 'pretty'], 'auto'),
    accessLog: read.oneOf('ACCESS_LOG', ['all', 'errors', 'none'] as const, 'all'),
    autoMigrate: read.bool('AUTO_MIGRATE', databaseUrl === null),
    autoSeed: read.bool('AUTO_SEED', databaseUrl === null),
    shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    headersTimeoutMs: read.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 500, 120_000),
    shutdownDrainMs: read.int('SHUTDOWN_DRAIN_MS', 1_000, 0, 60_000),
    trustProxy,
    publicUrl: read.optionalUrl('PUBLIC_URL', ['http:', 'https:']) ?? `http://${host}:${port}`,
    redisUrl: read.optionalUrl('REDIS_URL', ['redis:', 'rediss:']),
    ...readRedisTopology(read, env),
    redisPrefix,
    readyRequiresRedis: read.bool('READY_REQUIRES_REDIS', true),
    overloadMaxEventLoopDelayMs: read.int('OVERLOAD_MAX_EVENT_LOOP_DELAY_MS', 1_000, 0, 60_000),
    overloadSampleIntervalMs: read.int('OVERLOAD_SAMPLE_INTERVAL_MS', 500, 10, 60_000),
    cache,
    readModel: read.bool('READ_MODEL_ENABLED', true),
    workers: read.int('WORKERS', databaseUrl === null ? 1 : availableParallelism(), 1, 256),
    jwtSecret,
    corsOrigins: Object.freeze(corsOrigins),
    rateLimits: Object.freeze(rateLimits),
    backup: readBackupConfig(read, resolve(read.string('DATA_DIR', './data'))),
    pgBinDir: read.string('PG_BIN_DIR', '') || null,
    jobs: Object.freeze({
      concurrency: read.int('JOBS_CONCURRENCY', 4, 1, 1_000),
      inServe: read.bool('JOBS_IN_SERVE', true),
      backupEveryHours: read.int('BACKUP_EVERY_HOURS', env.BACKUP_DIR?.trim() ? 24 : 0, 0, 8_760),
      analyticsRollUpEveryMinutes: read.int('ANALYTICS_ROLLUP_EVERY_MINUTES', 10, 0, 1_440),
      warmUpEveryMinutes: read.int('CACHE_WARMUP_EVERY_MINUTES', 0, 0, 1_440),
    }),
    media: Object.freeze({
      dir: resolve(read.string('MEDIA_DIR', resolve(read.string('DATA_DIR', './data'), 'media'))),
      uploadMaxBytes: read.int('MEDIA_UPLOAD_MAX_MB', 10, 1, 100) * 1024 * 1024,
    }),
    mail: Object.freeze({ smtpUrl: read.optionalUrl('SMTP_URL', ['smtp:', 'smtps:']), from: read.string('MAIL_FROM', 'gadizone <no-reply@localhost>') }),
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return Object.freeze({ ...config, pool: Object.freeze(pool), cache: Object.freeze(cache) });
}
