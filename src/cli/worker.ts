/**
 * `gadizone worker`: runs BullMQ jobs (REDIS_URL required) with JOBS_CONCURRENCY at a time. It builds the
 * same app as `serve` (database, cache, mailer, outbox) but never listens: jobs use the app's services, and
 * the outbox poller here also moves committed jobs into Redis. SIGTERM/SIGINT close gracefully: running
 * jobs finish (BullMQ worker.close), then the connections close, and the process exits 0.
 * Without Redis there is nothing to consume: embedded mode runs jobs inside `serve`.
 */
import { loadConfig } from '../config.js';
import { defineCommand } from './command.js';

/** The exit code for a configuration that cannot work (sysexits EX_CONFIG, as for a bad environment). */
const EXIT_CONFIG = 78;

export const workerCommand = defineCommand({
  name: 'worker',
  summary: 'run background jobs from Redis (REDIS_URL required; JOBS_CONCURRENCY at a time)',
  about:
    'Runs background jobs (image renditions, mail, cache warm-up, backups, analytics roll-ups) from Redis, JOBS_CONCURRENCY at a time. ' +
    'SIGTERM lets running jobs finish, then exits 0. Without Redis there is no worker: jobs run inside `gadizone serve`.',
  options: {},
  env: ['REDIS_URL', 'JOBS_CONCURRENCY', 'DATABASE_URL', 'DATA_DIR', 'LOG_LEVEL', 'LOG_FORMAT'],
  examples: ['REDIS_URL=redis://127.0.0.1:6379 JOBS_CONCURRENCY=8 gadizone worker'],
  keepsRunning: true,
  async run() {
    const config = loadConfig();
    const { redisTarget } = await import('../platform/redis.js');
    if (redisTarget(config) === null) {
      console.error('gadizone worker: REDIS_URL is required (or REDIS_SENTINELS or REDIS_CLUSTER_NODES): jobs are queued in Redis. Without Redis, jobs run inside `gadizone serve`.');
      return EXIT_CONFIG;
    }
    const { buildApp } = await import('../app.js');
    const { withSecrets } = await import('../platform/secrets.js');
    const { openDatabase } = await import('../platform/open-database.js');
    const database = await openDatabase(config, (line) => console.error(`[postgres] ${line}`));
    const app = await buildApp({ config: await withSecrets({ ...database.config, autoMigrate: false }), consumeJobs: true });
    await app.ready();
    app.log.info({ pid: process.pid, concurrency: config.jobs.concurrency }, 'gadizone worker is running jobs');
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'worker shutting down: finishing running jobs');
      app
        .close()
        .then(() => database.close())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            app.log.error({ err: error }, 'worker shutdown failed');
            process.exit(1);
          },
        );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    return 0;
  },
});
