/**
 * `gadizone serve [--workers N]`: one process, or a cluster primary with N workers (default WORKERS:
 * the CPU count with a server database, 1 in embedded mode). A cluster worker runs this same command.
 */
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { DRAIN_MESSAGE, runPrimary } from '../cluster.js';
import { loadConfig } from '../config.js';
import { startServer, type RunningServer } from '../server.js';

const MAX_WORKERS = 256;

export async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { workers: { type: 'string' } }, strict: true });
  const config = loadConfig();
  const workers = values.workers === undefined ? config.workers : Number(values.workers);
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    console.error(`gadizone serve: --workers expects a whole number from 1 to ${MAX_WORKERS}`);
    return 2;
  }
  if (cluster.isWorker) {
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
    await runPrimary(config, workers);
    return 0;
  }
  const server = await startServer(config);
  process.once('SIGTERM', () => stopAndExit(server, 'SIGTERM'));
  process.once('SIGINT', () => stopAndExit(server, 'SIGINT'));
  return 0;
}

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
