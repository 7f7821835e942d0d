/**
 * `gadizone serve --workers N`: the primary prepares the database once (starting the embedded PostgreSQL
 * if there is no DATABASE_URL), then runs N worker processes that share the port (Node cluster).
 *   - a worker that dies is replaced (with a growing delay if it keeps dying at start-up);
 *   - SIGHUP replaces the workers one at a time: the new one is listening (and warm) before the old one
 *     drains, so no request fails;
 *   - SIGTERM / SIGINT drain every worker, then stop the database;
 *   - without Redis, the primary relays the workers' cache invalidations to each other.
 */
import cluster, { type Worker } from 'node:cluster';
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';
import { relayBusMessages } from './platform/cache/ipc-bus.js';
import { logDestination } from './platform/logger.js';
import { serveClusterMetrics } from './platform/monitoring/cluster-metrics.js';
import { prepareDatabase } from './server.js';
import { withSecrets } from './platform/secrets.js';
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';

/** A worker that has not started listening this long after fork is considered failed. */
const START_TIMEOUT_MS = 120_000;
/** A worker that exits sooner than this after starting counts as a crash loop: back off before the next. */
const CRASH_WINDOW_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

export const DRAIN_MESSAGE = 'gadizone:drain';

function waitForListening(worker: Worker, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      worker.off('listening', onListening);
      worker.off('exit', onExit);
      resolve(ok);
    };
    const onListening = () => finish(true);
    const onExit = () => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    worker.on('listening', onListening);
    worker.on('exit', onExit);
  });
}

function waitForExit(worker: Worker, timeoutMs: number): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      worker.process.kill('SIGKILL');
    }, timeoutMs);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * A send to a worker whose IPC channel closed a moment ago (it crashed, or is being replaced) fails with
 * EPIPE although `isConnected()` said yes: the primary has not yet read the channel's end. Node emits that
 * as 'error' on the Worker, and unheard it would kill the primary and, with it, every worker. The message
 * is lost with the worker it was for; the worker's 'exit' replaces it.
 */
export function surviveClosedChannel(worker: Worker, log: Pick<Logger, 'warn'>): void {
  worker.on('error', (error: NodeJS.ErrnoException) => log.warn({ worker: worker.process.pid, code: error.code }, 'message to a worker lost: its channel closed'));
}

export async function runPrimary(config: Config, workerCount: number): Promise<void> {
  const destination = logDestination(config);
  const logOptions = { level: config.logLevel, base: { pid: process.pid, role: 'primary' } };
  const log = pino(logOptions, destination);
  const database = await prepareDatabase(config, (line) => log.info(line));
  const { jwtSecret } = await withSecrets(config);
  // Without Redis, the workers' rate-limit counters live here, exact for the whole host.
  new RateLimiterClusterMaster();
  const answerMetrics = serveClusterMetrics();
  // Workers reach the database the primary prepared (they neither migrate nor seed) and sign with one key.
  const workerEnv = { DATABASE_URL: database.config.databaseUrl, AUTO_MIGRATE: 'false', AUTO_SEED: 'false', JWT_SECRET: jwtSecret ?? '' };
  const live = new Set<Worker>();
  const retiring = new Set<Worker>();
  let stopping = false;
  let restartDelayMs = 0;
  let rolling: Promise<void> | null = null;

  const fork = (): Worker => {
    const worker = cluster.fork(workerEnv);
    const forkedAt = Date.now();
    live.add(worker);
    surviveClosedChannel(worker, log);
    worker.on('message', (message: unknown) => {
      relayBusMessages(worker, message, live);
      answerMetrics(worker, message);
    });
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      if (stopping || retiring.delete(worker)) return;
      const crashedEarly = Date.now() - forkedAt < CRASH_WINDOW_MS;
      restartDelayMs = crashedEarly ? Math.min(Math.max(restartDelayMs * 2, 500), MAX_RESTART_DELAY_MS) : 0;
      log.error({ worker: worker.process.pid, code, signal, restartInMs: restartDelayMs }, 'worker died: replacing it');
      setTimeout(() => {
        if (!stopping) fork();
      }, restartDelayMs);
    });
    return worker;
  };

  const retire = async (worker: Worker) => {
    retiring.add(worker);
    if (worker.isConnected()) worker.send(DRAIN_MESSAGE);
    await waitForExit(worker, config.shutdownDrainMs + config.shutdownTimeoutMs + 5_000);
  };

  const rollingRestart = async () => {
    const old = [...live];
    log.info({ workers: old.length }, 'SIGHUP: replacing workers one at a time');
    for (const worker of old) {
      if (stopping) return;
      const next = fork();
      if (!(await waitForListening(next, START_TIMEOUT_MS))) {
        log.error({ worker: next.process.pid }, 'a new worker did not start: keeping the old ones');
        await retire(next);
        return;
      }
      await retire(worker);
    }
    log.info('rolling restart done');
  };

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: draining workers');
    await Promise.all([...live].map(retire));
    await database.close();
    log.info('stopped');
    process.exit(0);
  };

  process.on('SIGHUP', () => {
    rolling ??= rollingRestart().finally(() => {
      rolling = null;
    });
  });
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  for (let i = 0; i < workerCount; i += 1) fork();
  const started = await Promise.all([...live].map((worker) => waitForListening(worker, START_TIMEOUT_MS)));
  log.info({ workers: started.filter(Boolean).length, port: config.port }, 'gadizone cluster is serving');
}
