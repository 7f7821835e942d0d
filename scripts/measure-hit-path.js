// What a cached hit costs, part by part: starts `gadizone serve` (built, DATABASE_URL required) once per
// configuration, loads one cached URL with autocannon, and reports req/s, p99 and the server's CPU per
// request, measured from /proc as the user + system time of the serving processes (the primary and its
// workers), so the load generator's share of the cores is not counted. Next to each configuration the bare
// Fastify route of bench/ceiling-server.js is measured the same way, and the ratio to it is reported: the
// machine is shared and noisy, so only figures of one run compare.
//
//   DATABASE_URL=postgres://… JWT_SECRET=… [APPS=name=dir,…] node scripts/measure-hit-path.js [seconds] [configuration …]
//
// Configurations (default: all): ceiling, defaults, no-log, no-limit, bare (neither), and the same with a
// `w2-` prefix for two workers, `redis-` for REDIS_URL (taken from the environment's TEST_REDIS_URL).
/* global fetch */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = 50;
const URL_PATH = '/api/models?page=1';
const HEADERS = { 'accept-encoding': 'br' };
const TICKS_PER_S = 100;
/**
 * The builds to compare, each a directory with bin/ and dist/ (a copy of a base commit's, say), measured one
 * after the other right after the same ceiling: APPS=base=/tmp/base,new=. (default: this tree).
 */
const APPS = (process.env.APPS ?? 'this=.').split(',').map((entry) => entry.split('='));
/** Every client address is counted (the allowlist off) against a budget no run can spend. */
const UNSPENDABLE = '9999999/1h';

const BASE_ENV = { RATE_LIMIT_ALLOWLIST: '', RATE_LIMIT_PUBLIC: UNSPENDABLE, RATE_LIMIT_MISSES: UNSPENDABLE, LOG_LEVEL: 'info', CACHE_WARMUP_TIMEOUT_MS: '0', REDIS_URL: '' };
const PARTS = {
  defaults: {},
  'no-log': { ACCESS_LOG: 'none' },
  'no-limit': { RATE_LIMIT_ENABLED: 'false' },
  bare: { ACCESS_LOG: 'none', RATE_LIMIT_ENABLED: 'false' },
};
const CONFIGURATIONS = { ceiling: null };
for (const [name, env] of Object.entries(PARTS)) {
  CONFIGURATIONS[name] = { WORKERS: '1', ...env };
  CONFIGURATIONS[`w2-${name}`] = { WORKERS: '2', ...env };
  if (process.env.TEST_REDIS_URL) {
    CONFIGURATIONS[`redis-${name}`] = { WORKERS: '1', REDIS_URL: process.env.TEST_REDIS_URL, REDIS_PREFIX: `hit${process.pid}`, ...env };
    CONFIGURATIONS[`redis-w2-${name}`] = { WORKERS: '2', REDIS_URL: process.env.TEST_REDIS_URL, REDIS_PREFIX: `hit${process.pid}`, ...env };
  }
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** User + system ticks of `pid` and every process below it. */
function treeTicks(root) {
  const parents = new Map();
  const ticks = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // exited meanwhile
    }
  }
  let total = 0;
  for (const [pid, t] of ticks) {
    let p = pid;
    while (p > 1 && p !== root) p = parents.get(p) ?? 0;
    if (p === root) total += t;
  }
  return total;
}

async function waitFor(url, child) {
  for (let n = 0; n < 600; n += 1) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error(`${url} never answered`);
}

async function load(url, child) {
  const before = treeTicks(child.pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers: HEADERS });
  const ticks = treeTicks(child.pid) - before;
  const requests = result.requests.total;
  return { rps: Math.round(requests / SECONDS), p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, cpuUs: Math.round((ticks * 1e6) / TICKS_PER_S / requests) };
}

async function measure(env, appDir = '.') {
  const port = await freePort();
  const log = openSync(`/tmp/measure-hit-path-${process.pid}.log`, 'a');
  const child = env === null
    ? spawn(process.execPath, ['bench/ceiling-server.js'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', log, log, 'ipc'] })
    : spawn(process.execPath, [`${appDir}/bin/gadizone.js`, 'serve'], { env: { ...process.env, ...BASE_ENV, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', log, log] });
  try {
    const url = `http://127.0.0.1:${port}${env === null ? '/' : URL_PATH}`;
    await waitFor(url, child);
    // Fill every worker's memory tier and let the brotli form be made, then a short warm load for the JIT.
    await autocannon({ url, connections: 10, duration: 2, headers: HEADERS });
    return await load(url, child);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
  }
}

const wanted = process.argv.slice(3).length > 0 ? process.argv.slice(3) : Object.keys(CONFIGURATIONS);
console.log(`| configuration | build | req/s | ceiling req/s | ratio | p99 ms | server CPU µs/req | ceiling CPU µs/req | non-2xx |`);
console.log(`|---|---|---:|---:|---:|---:|---:|---:|---:|`);
for (const name of wanted) {
  if (!(name in CONFIGURATIONS)) throw new Error(`unknown configuration ${name}: ${Object.keys(CONFIGURATIONS).join(', ')}`);
  const ceiling = await measure(null);
  for (const [build, dir] of name === 'ceiling' ? [['-', '.']] : APPS) {
    const row = name === 'ceiling' ? ceiling : await measure(CONFIGURATIONS[name], dir);
    console.log(`| ${name} | ${build} | ${row.rps} | ${ceiling.rps} | ${(row.rps / ceiling.rps).toFixed(2)} | ${row.p99} | ${row.cpuUs} | ${ceiling.cpuUs} | ${row.non2xx + row.errors} |`);
  }
}
