/**
 * Decorates the app with the pool (`app.pg`), Drizzle (`app.db`) and the read pool (`app.pgRead`: the
 * replicas when DATABASE_REPLICA_URLS is set, see read-routing.ts; else app.pg itself); closes them on shutdown.
 */
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { runMigrations } from '../db/migrate.js';
import { createDatabaseBreaker, type DatabaseBreaker } from './db-breaker.js';
import { closePool, createDatabase, createDb, createPool, type Db, type Executor, type PrimaryDatabase } from './db.js';
import { createReadRouting, createReplicas, registerReplicaMetrics, type ReadRouting } from './read-routing.js';
import type { ReplicaSet } from './replica-set.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The primary: statements timed, connections through the breaker, transactions (`transaction(app.pg, …)`). */
    pg: PrimaryDatabase;
    /** For read-only repositories: a replica in service when there is one and the reader may use it. */
    pgRead: Executor;
    /** The read replicas and their health; null without DATABASE_REPLICA_URLS. */
    replicas: ReplicaSet | null;
    readRouting: ReadRouting;
    db: Db;
    dbBreaker: DatabaseBreaker;
  }
}

export interface DbPluginOptions {
  config: Config;
}

export const dbPlugin = fp<DbPluginOptions>(
  async (app, { config }) => {
    if (config.databaseUrl === null) throw new Error('buildApp needs config.databaseUrl: start the embedded PostgreSQL first (see server.ts)');
    const { queryDuration } = app.metrics;
    const breaker = createDatabaseBreaker((state) => {
      if (state === 'open') app.log.error('database unreachable: circuit breaker open, failing fast');
      else app.log.warn({ state }, 'database circuit breaker');
    });
    const pool = createPool(config.databaseUrl, config.pool, 'gadizone');
    const primary = createDatabase(pool, {
      breaker,
      onQuery: (seconds, ok) => queryDuration.observe({ outcome: ok ? 'ok' : 'error' }, seconds),
    });
    app.decorate('dbBreaker', breaker);
    pool.on('error', (error) => app.log.error({ err: error }, 'idle database connection failed'));
    app.decorate('pg', primary);
    app.decorate('db', createDb(pool));
    const replicas = createReplicas(app, config, primary);
    app.addHook('onClose', async () => {
      breaker.shutdown();
      await replicas?.close();
      await closePool(pool);
    });
    if (replicas !== null) registerReplicaMetrics(app, replicas);
    const routing = await createReadRouting(app, config, primary, replicas);
    app.decorate('replicas', replicas);
    app.decorate('readRouting', routing);
    app.decorate('pgRead', routing.reads);
    if (config.autoMigrate) await runMigrations(pool);
  },
  { name: 'db', dependencies: ['metrics'] },
);
