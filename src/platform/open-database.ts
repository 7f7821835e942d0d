/**
 * Resolves the database a process works on (the server entry and every CLI command): the server at
 * DATABASE_URL, or the embedded one under DATA_DIR (the one a running `gadizone serve` started, on the port
 * its DATA_DIR/gadizone.lock records, else its own).
 */
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/** A database ready to connect to: the config with its URL filled in, and how to let go of it. */
export interface OpenDatabase {
  config: Config & { databaseUrl: string };
  close(): Promise<void>;
}

/** Opens the configured database, starting the embedded PostgreSQL when DATABASE_URL is unset; `log` reports its start. */
export async function openDatabase(config: Config, log: (message: string) => void): Promise<OpenDatabase> {
  if (config.databaseUrl !== null) return { config: { ...config, databaseUrl: config.databaseUrl }, close: async () => {} };
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedDbPort, log });
  // The port it really listens on: EMBEDDED_DB_PORT, or the next free one when that was taken.
  return { config: { ...config, databaseUrl: embedded.url, embeddedDbPort: embedded.port }, close: () => embedded.stop() };
}
