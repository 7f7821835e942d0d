/**
 * `gadizone worker`: runs BullMQ jobs (REDIS_URL required) with JOBS_CONCURRENCY at a time. It builds the
 * same app as `serve` (database, cache, mailer, outbox) but never listens: jobs use the app's services, and
 * the outbox poller here also moves committed jobs into Redis. SIGTERM/SIGINT close gracefully: running
 * jobs finish (BullMQ worker.close), then the connections close, and the process exits 0.
 * Without Redis there is nothing to consume: embedded mode runs jobs inside `serve`.
 */
import { loadConfig } from '../config.js';
import { buildApp } from '../app.js';
import { redisTarget } from '../platform/redis.js';
import { withSecrets } from '../platform/secrets.js';
import { openDatabase } from '../platform/open-database.js';

export async function workerCommand(args: string[]): Promise<number> {
  if (args.length > 0) {
    console.error(`gadizone worker: takes no arguments (got ${args.join(' ')}); configure it with JOBS_CONCURRENCY and REDIS_URL`);
    return 2;
  }
  const config = loadConfig();
  if (redisTarget(config) === null) {
    console.error('gadizone worker: REDIS_URL is required (or REDIS_SENTINELS or REDIS_CLUSTER_NODES): jobs are queued in Redis. Without Redis, jobs run inside `gadizone serve`.');
    return 78;
  }
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
}
