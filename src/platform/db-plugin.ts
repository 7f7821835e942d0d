/** Decorates the app with the pool (`app.pg`) and Drizzle (`app.db`); closes the pool on shutdown. */
import fp from 'fastify-plugin';
import type pg from 'pg';
import type { Config } from '../config.js';
import { runMigrations } from '../db/migrate.js';
import { createDatabaseBreaker, type DatabaseBreaker } from './db-breaker.js';
import { createDb, createPool, type Db } from './db.js';

declare module 'fastify' {
  interface FastifyInstance {
    pg: pg.Pool;
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
    const pool = createPool(config.databaseUrl, config.pool, 'gadizone', {
      breaker,
      onQuery: (seconds, ok) => queryDuration.observe({ outcome: ok ? 'ok' : 'error' }, seconds),
    });
    app.decorate('dbBreaker', breaker);
    pool.on('error', (error) => app.log.error({ err: error }, 'idle database connection failed'));
    app.decorate('pg', pool);
    app.decorate('db', createDb(pool));
    app.addHook('onClose', async () => {
      breaker.shutdown();
      await pool.end();
    });
    if (config.autoMigrate) await runMigrations(pool);
  },
  { name: 'db', dependencies: ['metrics'] },
);
