/**
 * Cached HTML pages under load, as a ratio to the bench ceiling (bare Fastify, 2 KB body). The scenarios
 * are part of `npm run bench` (bench/run.ts runs them after the cached API scenarios, each right after its
 * own ceiling measurement); run alone, this file starts its own ceiling and a gadizone on the curated
 * catalogue, so the page figures can be re-measured in a minute:
 *
 *   npm run bench:pages        # writes bench/results/<date>-pages.json and .md
 *
 * Requests send a browser's Accept-Encoding, so the cache answers with its precompressed body.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { gadizone, stop, waitFor } from './lib.js';

/** Model pages in the scenario: the most popular, as a real audience is skewed. */
const TOP_MODELS = 50;
const BROWSER_HEADERS = { 'accept-encoding': 'gzip, deflate, br', accept: 'text/html' };

export type LoadFn<T> = (name: string, options: autocannon.Options) => Promise<T>;

/**
 * The cached-page scenarios against the app at `app`: the home page, and the top model pages (each
 * visited once first, so they are in the cache as on a live site).
 */
export async function pageScenarios<T>(app: string, load: LoadFn<T>): Promise<(() => Promise<T>)[]> {
  const models = (await (await fetch(`${app}/api/models?limit=${TOP_MODELS}&sort=popularity&fields=slug`)).json()) as { data: { slug: string }[] };
  const modelPages = models.data.map((m) => ({ method: 'GET' as const, path: `/cars/${m.slug}`, headers: BROWSER_HEADERS }));
  for (const path of ['/', ...modelPages.map((p) => p.path)]) {
    const response = await fetch(`${app}${path}`, { headers: BROWSER_HEADERS });
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    await response.arrayBuffer();
  }
  return [
    () => load('(e) cached page: home /', { url: `${app}/`, headers: BROWSER_HEADERS }),
    () => load(`(e) cached page: /cars/:slug (top ${modelPages.length} models)`, { url: app, requests: modelPages }),
  ];
}

const CEILING_PORT = 3395;
const APP_PORT = 3394;
const START_TIMEOUT_MS = 180_000;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = 100;

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function measure(name: string, options: autocannon.Options): Promise<Row> {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  const row = { name, rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts + result.non2xx };
  console.error(`  ${name}: ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, errors ${row.errors}`);
  return row;
}

async function main(): Promise<void> {
  const ceilingUrl = `http://127.0.0.1:${CEILING_PORT}/`;
  const appUrl = `http://127.0.0.1:${APP_PORT}`;
  const ceilingServer = spawn(process.execPath, ['bench/ceiling-server.js'], { env: { ...process.env, PORT: String(CEILING_PORT) }, stdio: ['ignore', 'ignore', 'inherit'] });
  console.error(`gadizone serve on ${appUrl} (embedded PostgreSQL in bench/.data/pages, curated catalogue, 1 process)…`);
  const app = gadizone(['serve'], { DATA_DIR: join('bench', '.data', 'pages'), EMBEDDED_DB_PORT: '54393', PORT: String(APP_PORT), HOST: '127.0.0.1', ACCESS_LOG: 'errors' });
  const rows: (Row & { ceilingRps: number; ratio: number })[] = [];
  try {
    await waitFor(ceilingUrl, 10_000);
    await waitFor(`${appUrl}/api/brands`, START_TIMEOUT_MS);
    await autocannon({ url: ceilingUrl, connections: CONNECTIONS, duration: 2 });
    for (const scenario of await pageScenarios(appUrl, measure)) {
      const top = await measure('(a) ceiling: bare Fastify, 2 KB body', { url: ceilingUrl });
      const row = await scenario();
      rows.push({ ...row, ceilingRps: top.rps, ratio: row.rps / top.rps });
    }
  } finally {
    await stop(app);
    await stop(ceilingServer);
  }
  const table = [
    '| scenario | req/s | ceiling req/s (just before) | ratio to ceiling | p50 ms | p99 ms | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${r.rps} | ${r.ceilingRps} | ${r.ratio.toFixed(2)} | ${r.p50} | ${r.p99} | ${r.errors} |`),
  ].join('\n');
  const date = new Date().toISOString().slice(0, 10);
  const title = `gadizone cached pages ${date}: embedded, curated catalogue, 1 process, ${CONNECTIONS} connections, ${DURATION_S} s per scenario, ${availableParallelism()} CPUs (load generator on the same machine)`;
  console.log(`\n${title}\n\n${table}\n`);
  await mkdir(join('bench', 'results'), { recursive: true });
  const file = join('bench', 'results', `${date}-pages`);
  await writeFile(`${file}.json`, `${JSON.stringify({ date, connections: CONNECTIONS, durationS: DURATION_S, rows }, null, 2)}\n`);
  await writeFile(`${file}.md`, `# ${title}\n\nCommand: \`npm run bench:pages\`\n\n${table}\n`);
  console.error(`wrote ${file}.json and .md`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
