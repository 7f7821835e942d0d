/** Resolves the database for a CLI command: the server at DATABASE_URL, or the embedded one under DATA_DIR. */
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from '../platform/embedded-postgres.js';

export interface OpenDatabase {
  config: Config & { databaseUrl: string };
  close(): Promise<void>;
}

export async function openDatabase(config: Config, log: (message: string) => void): Promise<OpenDatabase> {
  if (config.databaseUrl !== null) return { config: { ...config, databaseUrl: config.databaseUrl }, close: async () => {} };
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedDbPort, log });
  return { config: { ...config, databaseUrl: embedded.url }, close: () => embedded.stop() };
}
