/**
 * What `gadizone <command> --help` says about the environment variables a command reads: one short line
 * each, defaults included. README.md's configuration table is the full reference (a test checks that
 * every name here is in it and is read by config.ts).
 */
export const ENVIRONMENT = {
  DATABASE_URL: 'server PostgreSQL 15+ (postgres://…); unset: the embedded one under DATA_DIR',
  DATA_DIR: 'embedded database, media and backups (default ./data)',
  EMBEDDED_DB_PORT: "embedded PostgreSQL's port on 127.0.0.1 (default 54329, else the next free one)",
  AUTO_MIGRATE: 'apply migrations first (default on when embedded)',
  PORT: 'HTTP port (default 3000)',
  HOST: 'interface to listen on (default 127.0.0.1)',
  WORKERS: 'app processes (default: CPU count with DATABASE_URL, else 1)',
  REDIS_URL: 'Redis for the shared cache, rate limits and jobs (or REDIS_SENTINELS, REDIS_CLUSTER_NODES)',
  JWT_SECRET: 'admin token key, 32+ bytes; required with DATABASE_URL',
  JOBS_CONCURRENCY: 'jobs one process runs at once (default 4)',
  LOG_LEVEL: 'fatal, error, warn, info, debug, trace or silent (default info)',
  LOG_FORMAT: 'json or pretty (default: pretty on a terminal, else json)',
  BACKUP_DIR: 'where backups are written (default DATA_DIR/backups)',
  BACKUP_KEEP_DAILY: 'days whose latest backup is kept (default 7)',
  BACKUP_S3_BUCKET: 'also upload each backup to this S3-compatible bucket (BACKUP_S3_* in README.md)',
  PG_BIN_DIR: 'folder with pg_dump and pg_restore (default: PATH, then /usr/lib/postgresql/N/bin)',
  MEDIA_DIR: 'image renditions and originals (default DATA_DIR/media)',
} as const;

/** An environment variable a command can name in its `--help`. */
export type EnvName = keyof typeof ENVIRONMENT;
