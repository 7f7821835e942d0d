/**
 * `npm run bench`: what one process (or a cluster) of gadizone serves on this machine, each figure as a
 * ratio to a bare Fastify route measured in the same run (the machine is shared and noisy; ratios travel).
 *   (a) ceiling: bare Fastify, precomputed 2 KB body, measured again right before every scenario
 *   (b) cached: /api/brands, /api/models?page=1, /api/models/:slug (top 50), and the 304 path
 *   (c) uncached filtered lists on a 200,000-variant catalogue (every request a new cache key)
 *   (d) a realistic mix: 70% cached reads, 20% filtered lists and search, 5% compare, 5% writes
 *   (e) cached HTML pages: home and the top 50 model pages (bench/pages.ts; alone: npm run bench:pages)
 *   (f) long-tail traffic: Zipf over every model, variant, list and filter URL, default cache budget
 *   (g) a cache-busting flood: every request a new URL (bench/long-tail.ts has both)
 * Each row also reports server CPU per request (src/loadtest/process-cpu.ts says how it is read from /proc)
 * and the peak RSS of the largest app process during the scenario. Loopback only, bounded in time
 * (`--scenarios f,g --duration 5` for a quick look). Writes bench/results/<date>-<mode>-w<N>.json and .md.
 *
 *   npm run bench                                              # embedded PostgreSQL, 1 process
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_REDIS_URL=redis://127.0.0.1:6379 \
 *     npm run bench -- --workers 2                             # server PostgreSQL + Redis, 2 workers
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { cpuUsPerRequest, readProcStat, startCpuMeter, type ServerProcesses } from '../src/loadtest/process-cpu.js';
import { cacheTotals, descendants, ensureDatabase, gadizone, gadizoneSync, pssKb, rssKb, stop, waitFor } from './lib.js';
import { buildFlood, buildLongTail } from './long-tail.js';
import { buildMix } from './mix.js';
import { pageScenarios } from './pages.js';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '100' },
    scenarios: { type: 'string', default: 'b,c,d,e,f,g' },
  },
});
const ALL_SCENARIOS = ['b', 'c', 'd', 'e', 'f', 'g'];
const SCENARIOS = new Set(values.scenarios.split(','));
const unknown = [...SCENARIOS].filter((s) => !ALL_SCENARIOS.includes(s));
if (unknown.length > 0) throw new Error(`--scenarios takes a comma-separated list of ${ALL_SCENARIOS.join(', ')}, not "${unknown.join(',')}"`);
const WORKERS = Number(values.workers);
const DURATION_S = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const CATALOGUE_VARIANTS = 200_000;
const CEILING_PORT = 3390;
const APP_PORT = 3391;
const APP = `http://127.0.0.1:${APP_PORT}`;
const mode = process.env.BENCH_DATABASE_URL ? 'server' : 'embedded';
/** Requests in flight while warming the mix's key space. */
const WARM_CONCURRENCY = 8;
/** (f) runs its traffic unmeasured for this many durations before measuring it. */
const LONG_TAIL_WARM_UP_RUNS = 3;
/** How often the peak RSS of the app processes is sampled during a scenario. */
const RSS_SAMPLE_MS = 500;

const isPostgres = (pid: number): boolean => readProcStat(pid)?.comm === 'postgres';

type Scenario = () => Promise<Omit<Row, 'ratio' | 'ceilingRps'>>;

interface Row {
  name: string;
  rps: number;
  /** CPU time the server side (app processes and the database) spent per request, in µs. */
  cpuUsPerRequest: number;
  /** The largest RSS any one app process (Node, not PostgreSQL) reached during the scenario. */
  peakRssMb: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  hitRate: number | null;
  ratio: number;
  /** The ceiling measured right before this scenario. */
  ceilingRps: number;
}

/** What a browser or CDN sends; cached answers are served precompressed. */
const BROWSER_HEADERS = { 'accept-encoding': 'gzip, deflate, br' };

const BENCH_DATABASE = 'gadizone_bench';

/** The processes serving the current scenario: their CPU is charged to it (and, on a server PostgreSQL, the bench database's backends). */
let server: ServerProcesses = { roots: [] };

/** The Node processes of the current server, whose RSS is reported. */
const nodePids = () => server.roots.flatMap((root) => [root, ...descendants(root)]).filter((pid) => !isPostgres(pid));

async function load(name: string, options: autocannon.Options, expectStatus = 200): Promise<Omit<Row, 'ratio' | 'ceilingRps'>> {
  let peakRssKb = 0;
  const sampleRss = () => (peakRssKb = Math.max(peakRssKb, ...nodePids().map(rssKb)));
  const sampler = setInterval(sampleRss, RSS_SAMPLE_MS);
  const cpuSince = startCpuMeter(server);
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options, headers: { ...BROWSER_HEADERS, ...options.headers } });
  const cpuUs = cpuSince();
  clearInterval(sampler);
  sampleRss();
  const unexpected = expectStatus === 200 ? result.non2xx : result.requests.total - (result.statusCodeStats?.[String(expectStatus) as '200']?.count ?? 0);
  const row = {
    name,
    rps: Math.round(result.requests.average),
    cpuUsPerRequest: cpuUsPerRequest(cpuUs, result.requests.total),
    peakRssMb: Math.round(peakRssKb / 1024),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + unexpected,
    requests: result.requests.total,
    hitRate: null as number | null,
  };
  console.error(`  ${name}: ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, errors ${row.errors}, ${row.cpuUsPerRequest} µs CPU/request, peak RSS ${row.peakRssMb} MB`);
  return row;
}

/**
 * A live site's artwork is rendered long before anyone measures it. Without this, the first start after the
 * synthetic fill renders a drawing per brand and body type (hundreds, about a second of CPU each) and
 * writes 25,000 artwork rows in the background, invalidating model pages while the scenarios run.
 * Once done, it is kept with the catalogue (a no-op on later runs).
 */
function renderArtwork(env: Record<string, string>): void {
  console.error('catalogue: rendering model artwork (once)…');
  gadizoneSync(['media', 'render-all'], env);
}

async function catalogueEnv(): Promise<Record<string, string>> {
  if (mode === 'embedded') {
    const env = { DATA_DIR: join('bench', '.data', 'embedded'), EMBEDDED_DB_PORT: '54391' };
    console.error(`catalogue: embedded PostgreSQL in ${env.DATA_DIR}, filling to ${CATALOGUE_VARIANTS} variants (once)…`);
    gadizoneSync(['seed', '--synthetic', String(CATALOGUE_VARIANTS)], env);
    renderArtwork(env);
    return env;
  }
  const url = await ensureDatabase(process.env.BENCH_DATABASE_URL!, BENCH_DATABASE);
  const env: Record<string, string> = { DATABASE_URL: url };
  console.error(`catalogue: ${url.replace(/\/\/[^@]*@/, '//')}, filling to ${CATALOGUE_VARIANTS} variants (once)…`);
  gadizoneSync(['migrate'], env);
  gadizoneSync(['seed', '--synthetic', String(CATALOGUE_VARIANTS)], env);
  renderArtwork(env);
  if (process.env.BENCH_REDIS_URL) Object.assign(env, { REDIS_URL: process.env.BENCH_REDIS_URL, REDIS_PREFIX: `gzbench${process.pid}` });
  return env;
}

const CEILING = `http://127.0.0.1:${CEILING_PORT}/`;
let ceilingPid = 0;
let appServer: ServerProcesses = { roots: [] };

/** One ceiling measurement; run right before each scenario, so each ratio compares like with like in time. */
async function ceiling(): Promise<Omit<Row, 'ratio' | 'ceilingRps'>> {
  server = { roots: [ceilingPid] };
  try {
    return await load('(a) ceiling: bare Fastify, 2 KB body', { url: CEILING });
  } finally {
    server = appServer;
  }
}

async function cachedScenarios(): Promise<Scenario[]> {
  const models = (await (await fetch(`${APP}/api/models?limit=50&fields=slug`)).json()) as { data: { slug: string }[] };
  const etag = (await fetch(`${APP}/api/models?page=1`)).headers.get('etag') ?? '';
  const modelPages = models.data.map((m) => ({ method: 'GET' as const, path: `/api/models/${m.slug}` }));
  for (const page of modelPages) await fetch(`${APP}${page.path}`);
  return [
    () => load('(b) cached /api/brands', { url: `${APP}/api/brands` }),
    () => load('(b) cached /api/models?page=1', { url: `${APP}/api/models?page=1` }),
    () => load('(b) cached /api/models/:slug (top 50)', { url: APP, requests: modelPages }),
    () => load('(b) 304 /api/models?page=1 (If-None-Match)', { url: `${APP}/api/models?page=1`, headers: { 'if-none-match': etag } }, 304),
  ];
}

/** Every request a new cache key: priceMax moves by a rupee, over four common filter shapes. */
async function uncached(): Promise<Omit<Row, 'ratio' | 'ceilingRps'>> {
  const shapes = ['bodyType=suv&sort=price', 'fuel=petrol&transmission=automatic&sort=-price', 'bodyType=hatchback&fuel=cng', 'seats=7&sort=newest'];
  let n = 0;
  return load('(c) uncached filtered /api/models (200k variants)', {
    url: APP,
    requests: [
      {
        setupRequest: (request) => {
          n += 1;
          return { ...request, method: 'GET', path: `/api/models?${shapes[n % shapes.length]}&priceMax=${2_000_000 - n}` };
        },
      },
    ],
  });
}

async function mix(): Promise<Omit<Row, 'ratio' | 'ceilingRps'>> {
  const requests = await buildMix(APP);
  // A live site's cache is warm: visit every read of the mix once, unmeasured. (autocannon walks the slots
  // in the same order on every connection, so a short warm-up run would leave most of them cold.)
  const paths = [...new Set(requests.filter((r) => r.method === 'GET' && r.path).map((r) => r.path!))];
  for (let i = 0; i < paths.length; i += WARM_CONCURRENCY) {
    await Promise.all(paths.slice(i, i + WARM_CONCURRENCY).map(async (path) => (await fetch(`${APP}${path}`, { headers: BROWSER_HEADERS })).arrayBuffer()));
  }
  return withHitRate(() => load('(d) mix: 70% cached, 20% lists+search, 5% compare, 5% writes', { url: APP, requests }));
}

/** The share of the scenario's requests the app's caches answered, from its own counters. */
async function withHitRate(run: () => Promise<Omit<Row, 'ratio' | 'ceilingRps'>>): Promise<Omit<Row, 'ratio' | 'ceilingRps'>> {
  const before = await cacheTotals(APP, WORKERS);
  const row = await run();
  const after = await cacheTotals(APP, WORKERS);
  return { ...row, hitRate: (after.hits - before.hits) / Math.max(1, after.requests - before.requests) };
}

/**
 * (f) A live site's cache holds what recent traffic asked for: the same traffic runs unmeasured first
 * (LONG_TAIL_WARM_UP_RUNS × the duration), then is measured; the hit rate says how much of it the cache
 * absorbed. A cache fills towards its steady state only over many more requests than a short run sends,
 * so the hit rate of a short run is lower than a live site's: the figure errs on the pessimistic side.
 */
async function longTail(): Promise<Omit<Row, 'ratio' | 'ceilingRps'>> {
  const { requests, description } = await buildLongTail(APP);
  console.error(`  (f) ${description}; warming for ${LONG_TAIL_WARM_UP_RUNS * DURATION_S} s (not measured)…`);
  await autocannon({ url: APP, connections: CONNECTIONS, duration: LONG_TAIL_WARM_UP_RUNS * DURATION_S, requests });
  return withHitRate(() => load('(f) long tail: Zipf over pages, API, lists and filters (200k variants)', { url: APP, requests }));
}

async function flood(): Promise<Omit<Row, 'ratio' | 'ceilingRps'>> {
  return withHitRate(() => load('(g) cache-busting flood: every request a new URL', { url: APP, requests: buildFlood() }));
}

const env = await catalogueEnv();
const ceilingServer = spawn(process.execPath, ['bench/ceiling-server.js'], { env: { ...process.env, PORT: String(CEILING_PORT) }, stdio: ['ignore', 'ignore', 'inherit'] });
ceilingPid = ceilingServer.pid!;
console.error(`gadizone serve --workers ${WORKERS} (${mode}${env.REDIS_URL ? ' + Redis' : ''})…`);
const app = gadizone(['serve', '--workers', String(WORKERS)], { ...env, PORT: String(APP_PORT), WORKERS: String(WORKERS) });
const all: Row[] = [];
let memory = { nodeRssMb: 0, postgresPssMb: 0 };
appServer = { roots: [app.pid!], ...(mode === 'server' ? { database: BENCH_DATABASE } : {}) };
server = appServer;
try {
  await waitFor(CEILING, 10_000);
  await waitFor(`${APP}/api/brands`, 180_000);
  await autocannon({ url: CEILING, connections: CONNECTIONS, duration: 2 });
  const chosen = [
    ...(SCENARIOS.has('b') ? await cachedScenarios() : []),
    ...(SCENARIOS.has('e') ? await pageScenarios(APP, load) : []),
    ...([['c', uncached], ['d', mix], ['f', longTail], ['g', flood]] as const).filter(([key]) => SCENARIOS.has(key)).map(([, run]) => run),
  ];
  for (const scenario of chosen) {
    const top = await ceiling();
    const row = await scenario();
    all.push({ ...row, ratio: row.rps / top.rps, ceilingRps: top.rps });
  }
  memory = {
    nodeRssMb: [app.pid!, ...descendants(app.pid!)].filter((pid) => !isPostgres(pid)).reduce((sum, pid) => sum + rssKb(pid), 0) / 1024,
    postgresPssMb: descendants(app.pid!).filter(isPostgres).reduce((sum, pid) => sum + pssKb(pid), 0) / 1024,
  };
} finally {
  await stop(app);
  await stop(ceilingServer);
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const table = [
  '| scenario | req/s | ceiling req/s (just before) | ratio to ceiling | p50 ms | p99 ms | errors | hit rate | server CPU µs/req | peak RSS MB (largest app process) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...all.map((r) => `| ${r.name} | ${r.rps} | ${r.ceilingRps} | ${r.ratio.toFixed(2)} | ${r.p50} | ${r.p99} | ${r.errors} | ${pct(r.hitRate)} | ${r.cpuUsPerRequest} | ${r.peakRssMb} |`),
].join('\n');
const date = new Date().toISOString().slice(0, 10);
const title = `gadizone bench ${date}: ${mode}${env.REDIS_URL ? ' + Redis' : ''}, ${WORKERS} worker(s), ${CONNECTIONS} connections, ${DURATION_S} s per scenario, ${availableParallelism()} CPUs (load generator on the same machine), CACHE_MEMORY_MB ${process.env.CACHE_MEMORY_MB ?? '256 (the default)'}; after the run: Node RSS ${memory.nodeRssMb.toFixed(0)} MB, embedded PostgreSQL PSS ${memory.postgresPssMb.toFixed(0)} MB`;
console.log(`\n${title}\n\n${table}\n`);
await mkdir(join('bench', 'results'), { recursive: true });
// A run of some scenarios only does not overwrite the day's full run.
const file = join('bench', 'results', `${date}-${mode}-w${WORKERS}${SCENARIOS.size === ALL_SCENARIOS.length ? '' : `-${[...SCENARIOS].join('')}`}`);
await writeFile(`${file}.json`, `${JSON.stringify({ date, mode, workers: WORKERS, connections: CONNECTIONS, durationS: DURATION_S, redis: Boolean(env.REDIS_URL), memory, rows: all }, null, 2)}\n`);
await writeFile(`${file}.md`, `# ${title}\n\nCommand: \`${process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL=… ' : ''}${process.env.BENCH_REDIS_URL ? 'BENCH_REDIS_URL=… ' : ''}npm run bench -- ${process.argv.slice(2).join(' ')}\`\n\n${table}\n`);
console.error(`wrote ${file}.json and .md`);
