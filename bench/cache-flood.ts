/**
 * Cache-busting flood: does CACHE_MEMORY_MB bound the process? Starts the built server (embedded
 * PostgreSQL, curated catalogue, one process), then requests URLS distinct, valid URLs that each miss the
 * cache (`/api/models?priceMax=<n>` and `/api/search?q=<random word>`), and reports the Node process's RSS
 * before, at its peak and after, next to what the cache says it holds (`/api/monitoring/cache`) and the
 * V8 heap / external memory (`/api/monitoring/metrics`), and the Node process's CPU per request (during the
 * flood, and including the settle time after it, when background compression finishes). The load generator
 * is this process.
 *
 *   npm run build && npx tsx bench/cache-flood.ts                       # 200,000 URLs, CACHE_MEMORY_MB=256
 *   URLS=20000 CACHE_MEMORY_MB=16 npx tsx bench/cache-flood.ts          # a quick run
 *
 * The bound: RSS may grow, from the idle server to its peak during the flood, by CACHE_MEMORY_MB plus
 * HEADROOM_MB (150) at most; the run exits non-zero when it grew more.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, LOCAL_START_TIMEOUT_MS } from '../src/loadtest/local-target.js';
import { BENCH_ENV, cpuMs, gadizoneSync, rssKb, stop, waitFor } from './lib.js';

const URLS = Number(process.env.URLS ?? 200_000);
const CACHE_MEMORY_MB = Number(process.env.CACHE_MEMORY_MB ?? 256);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
/** What the process may use on top of the cache budget (code, the read model, pools, buffers in flight). */
const HEADROOM_MB = 150;
const RSS_SAMPLE_MS = 500;
/** Time given to the server after start and after the flood (idle timers, V8's memory reducer) before a reading. */
const SETTLE_MS = 10_000;
/** Models start below ₹1.5 crore: priceMax values walk down from there, one rupee apart. */
const PRICE_TOP_INR = 15_000_000;
const KB_PER_MB = 1024;

const mb = (kb: number) => Math.round((kb / KB_PER_MB) * 10) / 10;

function randomWord(i: number): string {
  // Distinct per request, and searchable-looking: a few letters and the counter in base 36.
  return `${'abcdefghijklmnopqrstuvwxyz'[i % 26]}${i.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

function urlFor(i: number): string {
  return i % 2 === 0 ? `/api/models?priceMax=${PRICE_TOP_INR - i}` : `/api/search?q=${randomWord(i)}`;
}

async function metric(base: string, name: string): Promise<number> {
  const response = await fetch(`${base}/api/monitoring/metrics`);
  const text = await response.text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function cacheMemory(base: string): Promise<{ entries: number; bytes: number }> {
  const response = await fetch(`${base}/api/monitoring/cache`);
  return ((await response.json()) as { memory: { entries: number; bytes: number } }).memory;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gadizone-flood-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const settings: Record<string, string> = {
    DATA_DIR: dataDir,
    EMBEDDED_DB_PORT: String(await freePort()),
    PORT: String(port),
    HOST: '127.0.0.1',
    WORKERS: '1',
    ACCESS_LOG: 'none',
    CACHE_MEMORY_MB: String(CACHE_MEMORY_MB),
    DATABASE_URL: '',
    REDIS_URL: '',
  };
  // A live site's catalogue and artwork exist before anyone floods it: otherwise the first start renders
  // every model's artwork (sharp, native memory) in the background while the flood is measured.
  console.log('preparing the catalogue and its artwork…');
  gadizoneSync(['seed'], settings);
  gadizoneSync(['media', 'render-all'], settings);
  const child = spawn(process.execPath, ['bin/gadizone.js', 'serve'], { env: { ...process.env, ...BENCH_ENV, ...settings }, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitFor(`${base}/api/monitoring/ready`, LOCAL_START_TIMEOUT_MS, child);
    await sleep(SETTLE_MS);
    const before = { rssKb: rssKb(child.pid!), cache: await cacheMemory(base) };
    console.log(`server up (pid ${child.pid}), CACHE_MEMORY_MB=${CACHE_MEMORY_MB}: RSS ${mb(before.rssKb)} MB; flooding ${URLS} distinct URLs, ${CONCURRENCY} at a time…`);

    let peakKb = before.rssKb;
    const sampler = setInterval(() => (peakKb = Math.max(peakKb, rssKb(child.pid!))), RSS_SAMPLE_MS);
    const statuses = new Map<number, number>();
    let next = 0;
    const started = performance.now();
    const cpuBeforeMs = cpuMs(child.pid!);
    const lane = async () => {
      for (let i = next++; i < URLS; i = next++) {
        const response = await fetch(`${base}${urlFor(i)}`, { headers: { 'accept-encoding': 'br, gzip' } });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (i > 0 && i % 20_000 === 0) console.log(`  ${i} requests, RSS ${mb(rssKb(child.pid!))} MB`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    const seconds = (performance.now() - started) / 1000;
    const cpuFloodMs = cpuMs(child.pid!) - cpuBeforeMs;
    await sleep(SETTLE_MS);
    // Work finished after the last answer (background compression) counts too; idle timers add a little.
    const cpuSettledMs = cpuMs(child.pid!) - cpuBeforeMs;
    clearInterval(sampler);

    const after = {
      rssKb: rssKb(child.pid!),
      cache: await cacheMemory(base),
      heapUsedMb: (await metric(base, 'nodejs_heap_size_used_bytes')) / KB_PER_MB / KB_PER_MB,
      externalMb: (await metric(base, 'nodejs_external_memory_bytes')) / KB_PER_MB / KB_PER_MB,
    };
    peakKb = Math.max(peakKb, after.rssKb);
    const limitMb = CACHE_MEMORY_MB + HEADROOM_MB;
    const report = {
      urls: URLS,
      seconds: Math.round(seconds),
      requestsPerS: Math.round(URLS / seconds),
      serverCpuUsPerRequest: Math.round((cpuFloodMs * 1000) / URLS),
      serverCpuUsPerRequestWithSettle: Math.round((cpuSettledMs * 1000) / URLS),
      statuses: Object.fromEntries(statuses),
      cacheMemoryMb: CACHE_MEMORY_MB,
      rssBeforeMb: mb(before.rssKb),
      rssPeakMb: mb(peakKb),
      rssAfterMb: mb(after.rssKb),
      rssPeakGrowthMb: mb(peakKb - before.rssKb),
      rssAfterGrowthMb: mb(after.rssKb - before.rssKb),
      hotTier: { entries: after.cache.entries, accountedMb: Math.round((after.cache.bytes / KB_PER_MB / KB_PER_MB) * 10) / 10 },
      heapUsedMb: Math.round(after.heapUsedMb),
      externalMb: Math.round(after.externalMb),
      growthLimitMb: limitMb,
      withinLimit: mb(peakKb - before.rssKb) <= limitMb,
    };
    console.log(JSON.stringify(report, null, 2));
    if (!report.withinLimit) process.exitCode = 1;
  } finally {
    await stop(child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
