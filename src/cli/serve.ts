/**
 * `gadizone serve [--workers N]`: one process, or a cluster primary with N workers (default WORKERS:
 * the CPU count with a server database, 1 in embedded mode). A cluster worker runs this same command.
 */
import cluster from 'node:cluster';
import { loadConfig } from '../config.js';
import type { RunningServer } from '../server.js';
import { defineCommand, UsageError } from './command.js';

const MAX_WORKERS = 256;

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'serve the site and API (embedded PostgreSQL unless DATABASE_URL is set)',
  about:
    'Serves the website, /admin and the API (docs at /api/docs). Without DATABASE_URL it starts its own PostgreSQL under DATA_DIR. ' +
    'With more than one worker it runs a cluster: dead workers are replaced, SIGHUP replaces them one at a time, SIGTERM drains and stops.',
  options: {
    workers: { type: 'string', value: 'N', description: `app processes, 1 to ${MAX_WORKERS}`, defaultText: 'WORKERS' },
  },
  env: ['PORT', 'HOST', 'DATABASE_URL', 'DATA_DIR', 'REDIS_URL', 'JWT_SECRET', 'WORKERS', 'LOG_LEVEL', 'LOG_FORMAT'],
  examples: ['PORT=8080 gadizone serve --workers 2'],
  keepsRunning: true,
  async run({ values }) {
    const config = loadConfig();
    const workers = values.workers === undefined ? config.workers : Number(values.workers);
    if (!Number.isSafeInteger(workers) || workers < 1 || workers > MAX_WORKERS) throw new UsageError(`--workers expects a whole number from 1 to ${MAX_WORKERS}`);
    const { startServer } = await import('../server.js');
    if (cluster.isWorker) {
      const { DRAIN_MESSAGE } = await import('../cluster.js');
      const server = await startServer(config);
      process.on('message', (message) => {
        if (message === DRAIN_MESSAGE) stopAndExit(server, 'drain');
      });
      // The primary is gone: nobody will relay invalidations or replace us, so stop cleanly.
      process.once('disconnect', () => stopAndExit(server, 'primary gone'));
      process.once('SIGTERM', () => stopAndExit(server, 'SIGTERM'));
      process.once('SIGINT', () => undefined);
      return 0;
    }
    if (workers > 1) {
      const { runPrimary } = await import('../cluster.js');
      await runPrimary(config, workers);
      return 0;
    }
    const server = await startServer(config);
    process.once('SIGTERM', () => stopAndExit(server, 'SIGTERM'));
    process.once('SIGINT', () => stopAndExit(server, 'SIGINT'));
    return 0;
  },
});

let exiting = false;

function stopAndExit(server: RunningServer, reason: string): void {
  if (exiting) return;
  exiting = true;
  server.app.log.info({ reason }, 'shutting down');
  server.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      server.app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}
