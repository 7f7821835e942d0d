/**
 * PM2 on a plain host: one `gadizone serve` per host, plus the job worker.
 *
 *   set -a; . /etc/gadizone.env; set +a        # DATABASE_URL, REDIS_URL, JWT_SECRET, … (README "Configuration")
 *   npm ci --omit=dev && npm run build           # or unpack a release built elsewhere
 *   node bin/gadizone.js migrate                 # once per release, from one host
 *   pm2 start deploy/pm2/ecosystem.config.cjs && pm2 save
 *
 * gadizone has its own cluster mode: `serve` forks WORKERS processes that share the port, replaces dead
 * ones, sums their metrics and relays cache invalidations. So PM2 runs `serve` once, in fork mode, never
 * in PM2's cluster mode (two nested clusters would break both). Zero-downtime restart onto a new build:
 * `pm2 sendSignal SIGHUP gadizone` (the cluster replaces its workers one at a time); `pm2 reload` would
 * stop the whole host at once. PM2 stops an app with SIGINT, which `serve` treats like SIGTERM (drain,
 * then stop). Secrets come from the environment PM2 is started with, never from this file.
 */
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
/** README defaults, set explicitly because the kill timeout below must cover both. */
const SHUTDOWN_DRAIN_MS = 1_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** The cluster primary gives each worker drain + timeout + 5 s before it kills it; PM2 waits longer. */
const KILL_TIMEOUT_MS = SHUTDOWN_DRAIN_MS + SHUTDOWN_TIMEOUT_MS + 8_000;
/** `gadizone` exits 2 on an unknown command: no restart loop for a worker command that does not exist yet. */
const EXIT_USAGE = 2;

module.exports = {
  apps: [
    {
      name: 'gadizone',
      cwd: root,
      script: 'bin/gadizone.js',
      args: 'serve',
      exec_mode: 'fork',
      instances: 1,
      env: {
        // nginx on this host (deploy/nginx/nginx.conf, upstream pointed at 127.0.0.1:3000) is the only client:
        // listen on loopback and trust its X-Forwarded-For. Behind a remote balancer: 0.0.0.0 and its address.
        HOST: '127.0.0.1',
        PORT: '3000',
        TRUST_PROXY: 'loopback',
        // One app process per CPU (the cluster primary itself stays idle).
        WORKERS: String(os.availableParallelism()),
        SHUTDOWN_DRAIN_MS: String(SHUTDOWN_DRAIN_MS),
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        AUTO_MIGRATE: 'false',
        AUTO_SEED: 'false',
      },
      kill_timeout: KILL_TIMEOUT_MS,
      // The first listen comes after the cache warm-up (CACHE_WARMUP_TIMEOUT_MS, 10 s by default).
      listen_timeout: 60_000,
      max_restarts: 10,
      min_uptime: 10_000,
      exp_backoff_restart_delay: 200,
      merge_logs: true,
    },
    {
      // Runs the job handlers (BullMQ on Redis). `gadizone worker` does not exist yet (issue
      // "durable jobs"): until it lands the command exits with a usage error and PM2 leaves it stopped.
      name: 'gadizone-worker',
      cwd: root,
      script: 'bin/gadizone.js',
      args: 'worker',
      exec_mode: 'fork',
      instances: 1,
      env: {
        AUTO_MIGRATE: 'false',
        AUTO_SEED: 'false',
      },
      // A running job gets a minute to finish; jobs are idempotent, so one cut short runs again safely.
      kill_timeout: 60_000,
      stop_exit_codes: [EXIT_USAGE],
      max_restarts: 10,
      min_uptime: 10_000,
      exp_backoff_restart_delay: 200,
      merge_logs: true,
    },
  ],
};
