/**
 * Resolves the database for a CLI command: the server at DATABASE_URL, or the embedded one under DATA_DIR
 * (the one a running `gadizone serve` started, on the port its DATA_DIR/gadizone.lock records, else its own).
 */
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from '../platform/embedded-postgres.js';

export interface OpenDatabase {
  config: Config & { databaseUrl: string };
  close(): Promise<void>;
}

export async function openDatabase(config: Config, log: (message: string) => void): Promise<OpenDatabase> {
  if (config.databaseUrl !== null) return { config: { ...config, databaseUrl: config.databaseUrl }, close: async () => {} };
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedDbPort, log });
  // The port it really listens on: EMBEDDED_DB_PORT, or the next free one when that was taken.
  return { config: { ...config, databaseUrl: embedded.url, embeddedDbPort: embedded.port }, close: () => embedded.stop() };
}
