/**
 * Runs the app: starts the embedded PostgreSQL when no DATABASE_URL is set, builds the app, seeds an empty
 * embedded catalogue, listens, and shuts down gracefully on SIGTERM/SIGINT (in-flight requests finish
 * within SHUTDOWN_TIMEOUT_MS, then the pool and the embedded database close).
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { openDatabase } from './cli/database.js';
import type { Config } from './config.js';
import { seedCurated } from './db/seed/curated.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const started = Date.now();
  const database = await openDatabase(config, (line) => console.error(`[postgres] ${line}`));
  let app: FastifyInstance;
  try {
    app = await buildApp({ config: database.config });
  } catch (error) {
    await database.close();
    throw error;
  }
  try {
    if (config.autoSeed) {
      const { rows } = await app.pg.query<{ brands: number }>('SELECT count(*)::int AS brands FROM brands');
      if ((rows[0]?.brands ?? 0) === 0) {
        const summary = await seedCurated(app.pg);
        app.log.info(summary, 'empty catalogue: loaded the curated seed data');
      }
    }
    const url = await app.listen({ port: config.port, host: config.host });
    app.log.info({ url, startupMs: Date.now() - started, embedded: config.embedded }, 'gadizone is serving');
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        const timer = setTimeout(() => {
          app.log.error(`shutdown took longer than ${config.shutdownTimeoutMs} ms: closing connections`);
          app.server.closeAllConnections();
        }, config.shutdownTimeoutMs);
        try {
          await app.close();
        } finally {
          clearTimeout(timer);
          await database.close();
        }
      })();
      return stopping;
    };
    return { app, url, stop };
  } catch (error) {
    await app.close().catch(() => undefined);
    await database.close();
    throw error;
  }
}
