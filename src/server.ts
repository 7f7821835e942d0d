/**
 * Runs one app process: builds the app over a ready database, warms the cache, listens, and stops
 * gracefully. `stop()` drains first (every answer says `Connection: close`, so keep-alive clients move to
 * another process instead of having an idle connection cut under them), then closes the server (in-flight
 * requests finish within SHUTDOWN_TIMEOUT_MS), then the database it opened. Cluster supervision is in
 * cluster.ts; both start here.
 */
import { Server } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { openDatabase, type OpenDatabase } from './platform/open-database.js';
import type { Config } from './config.js';
import { runMigrations } from './db/migrate.js';
import { seedCurated } from './db/seed/curated.js';
import { limitHeapGrowth } from './platform/cache/heap-growth.js';
import { warmUp } from './platform/cache/warm-up.js';
import { closePool, createPool } from './platform/db.js';
import { withSecrets } from './platform/secrets.js';

/** After the listener closes: long enough for a request already on the wire to arrive and be answered. */
const LAST_CONNECTIONS_LINGER_MS = 250;

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Drain, close, release the database; idempotent. */
  stop(): Promise<void>;
}

/**
 * Opens the database for serving: starts the embedded one if there is no DATABASE_URL, applies migrations
 * when AUTO_MIGRATE is on, and loads the curated catalogue into an empty one when AUTO_SEED is on.
 */
export async function prepareDatabase(config: Config, log: (message: string) => void): Promise<OpenDatabase> {
  const database = await openDatabase(config, (line) => log(`[postgres] ${line}`));
  const pool = createPool(database.config.databaseUrl, { ...config.pool, max: 2, statementTimeoutMs: 0 }, 'gadizone-setup');
  try {
    if (config.autoMigrate) await runMigrations(pool);
    if (config.autoSeed) {
      const { rows } = await pool.query<{ brands: number }>('SELECT count(*)::int AS brands FROM brands');
      if ((rows[0]?.brands ?? 0) === 0) {
        const summary = await seedCurated(pool);
        log(`empty catalogue: loaded the curated seed data (${summary.brands} brands, ${summary.variants} variants)`);
      }
    }
  } catch (error) {
    await closePool(pool);
    await database.close();
    throw error;
  }
  await closePool(pool);
  return database;
}

/** Serves on config.port. With `database` given (a cluster worker), uses it and leaves closing it to its owner. */
export async function startServer(config: Config, database?: OpenDatabase): Promise<RunningServer> {
  const started = Date.now();
  limitHeapGrowth();
  const owned = database ?? (await prepareDatabase(config, (line) => console.error(line)));
  let app: FastifyInstance;
  try {
    app = await buildApp({ config: await withSecrets({ ...owned.config, autoMigrate: false }) });
  } catch (error) {
    if (database === undefined) await owned.close();
    throw error;
  }
  try {
    closeConnectionsWhenShuttingDown(app);
    if (config.cache.enabled && config.cache.warmupTimeoutMs > 0) app.log.info(await warmUp(app, config.cache.warmupTimeoutMs), 'cache warmed');
    const url = await app.listen({ port: config.port, host: config.host });
    app.log.info({ url, startupMs: Date.now() - started, pid: process.pid }, 'gadizone is serving');
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        // Readiness turns 503 first, so load balancers stop sending new work while the rest drains.
        app.lifecycle.shuttingDown = true;
        try {
          await drain(app, config.shutdownDrainMs);
          await stopAccepting(app);
          await closeWithin(app, config.shutdownTimeoutMs);
        } finally {
          if (database === undefined) await owned.close();
        }
      })();
      return stopping;
    };
    return { app, url, stop };
  } catch (error) {
    await app.close().catch(() => undefined);
    if (database === undefined) await owned.close();
    throw error;
  }
}

/**
 * Once shutdown has begun, every answer says `Connection: close`, also those of requests that arrived
 * before it (drain's listener sees only new ones). Otherwise such a request's keep-alive connection turns
 * idle after the answer, after the server's one sweep of idle connections, and the close waits for the
 * client to hang up, until SHUTDOWN_TIMEOUT_MS cuts it.
 */
function closeConnectionsWhenShuttingDown(app: FastifyInstance): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (app.lifecycle.shuttingDown) reply.header('connection', 'close');
    done(null, payload);
  });
}

/** Answers everything with `Connection: close` for `ms`, so clients finish their keep-alive connections. */
async function drain(app: FastifyInstance, ms: number): Promise<void> {
  if (ms <= 0) return;
  app.server.prependListener('request', (_request, response) => response.setHeader('connection', 'close'));
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Closes the listening socket but no connection, then waits a moment. http.Server#close() would also drop
 * every connection without a request in progress at once, and a connection accepted a moment ago looks
 * exactly like that while its first request is still on the wire: the client would see a reset. Closing
 * only the listener (net.Server#close) refuses new connections, and the linger lets the last-accepted ones
 * deliver their request and get their (Connection: close) answer. (Connections still in the kernel's
 * accept backlog are reset by the kernel whatever we do: that is why readiness turns 503 first, so the load
 * balancer has stopped sending by the time the drain ends.)
 */
async function stopAccepting(app: FastifyInstance): Promise<void> {
  Server.prototype.close.call(app.server);
  await new Promise((resolve) => setTimeout(resolve, LAST_CONNECTIONS_LINGER_MS));
}

/** Closes the app; connections still open after `timeoutMs` are cut. */
async function closeWithin(app: FastifyInstance, timeoutMs: number): Promise<void> {
  const timer = setTimeout(() => {
    app.log.error(`shutdown took longer than ${timeoutMs} ms: closing connections`);
    app.server.closeAllConnections();
  }, timeoutMs);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}
