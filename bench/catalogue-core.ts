/**
 * Catalogue-core figures, in one run, for embedded and (when BENCH_DATABASE_URL is set) server PostgreSQL:
 *   - cold start: fresh DATA_DIR → first 200 from /api/models (initdb, migrations, curated seed included)
 *   - warm start: same DATA_DIR again
 *   - RSS after start: the Node process, and the PostgreSQL processes it started
 *   - p50/p99 of the uncached hot list query on a 200,000-variant catalogue, sequential requests
 * Loopback only; bounded by REQUESTS.
 *
 *   npx tsx bench/catalogue-core.ts                 # embedded only
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/catalogue-core.ts
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { BENCH_ENV, descendants, rssKb, stop, waitFor } from './lib.js';

const HOT_QUERY = '/api/models?bodyType=suv&priceMax=1500000&sort=price';
const REQUESTS = 300;
const CATALOGUE_VARIANTS = 200_000;

function serve(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['bin/gadizone.js', 'serve'], { env: { ...process.env, ...BENCH_ENV, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function startTimed(env: Record<string, string>, port: number) {
  const started = performance.now();
  const child = serve({ ...env, PORT: String(port) });
  await waitFor(`http://127.0.0.1:${port}/api/models?limit=1`, 120_000);
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 500));
  const nodeRss = rssKb(child.pid!);
  const pgRss = descendants(child.pid!).reduce((sum, p) => sum + rssKb(p), 0);
  return { child, ms, nodeRssMb: nodeRss / 1024, pgRssMb: pgRss / 1024 };
}

async function latency(port: number) {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    // A distinct priceMax per request (one rupee apart) is a distinct cache key: every request reaches PostgreSQL.
    const response = await fetch(`http://127.0.0.1:${port}${HOT_QUERY.replace('priceMax=1500000', `priceMax=${1_500_000 - i}`)}`);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${HOT_QUERY} answered ${response.status}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

function seed(env: Record<string, string>) {
  execFileSync(process.execPath, ['bin/gadizone.js', 'seed', '--synthetic', String(CATALOGUE_VARIANTS)], { env: { ...process.env, ...BENCH_ENV, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function embedded() {
  const dataDir = await mkdtemp(join(tmpdir(), 'gadizone-bench-'));
  const env = { DATA_DIR: dataDir, EMBEDDED_DB_PORT: '54390' };
  try {
    const cold = await startTimed(env, 3301);
    await stop(cold.child);
    const warm = await startTimed(env, 3301);
    await stop(warm.child);
    seed(env);
    const loaded = await startTimed(env, 3301);
    const hot = await latency(3301);
    await stop(loaded.child);
    return { cold, warm, hot };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function server(adminUrl: string) {
  const name = `gadizone_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const env = { DATABASE_URL: url.toString(), AUTO_MIGRATE: 'true', AUTO_SEED: 'true' };
  try {
    const cold = await startTimed(env, 3302);
    await stop(cold.child);
    const warm = await startTimed(env, 3302);
    await stop(warm.child);
    seed(env);
    const loaded = await startTimed(env, 3302);
    const hot = await latency(3302);
    await stop(loaded.child);
    return { cold, warm, hot };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const fmt = (n: number) => n.toFixed(1);
const rows: string[] = ['| database | cold start (fresh, incl. seed) | warm start | Node RSS after start | PostgreSQL RSS | p50 hot query (200k variants) | p99 |', '|---|---|---|---|---|---|---|'];
const version = JSON.parse(await readFile('package.json', 'utf8')).version as string;
const results: [string, Awaited<ReturnType<typeof embedded>>][] = [['embedded', await embedded()]];
if (process.env.BENCH_DATABASE_URL) results.push(['server', await server(process.env.BENCH_DATABASE_URL)]);
for (const [name, r] of results) {
  rows.push(`| ${name} | ${fmt(r.cold.ms)} ms | ${fmt(r.warm.ms)} ms | ${fmt(r.warm.nodeRssMb)} MB | ${name === 'embedded' ? `${fmt(r.warm.pgRssMb)} MB` : '(external)'} | ${fmt(r.hot.p50)} ms | ${fmt(r.hot.p99)} ms |`);
}
console.log(`gadizone ${version} — ${HOT_QUERY}, ${REQUESTS} sequential uncached requests (priceMax varied by a rupee each)\n`);
console.log(rows.join('\n'));
