/**
 * What anonymous request bodies cost a running server (issue 11, item 1): N parallel anonymous multipart
 * POSTs of M MB of zeros to an admin page, while /api/monitoring/live is polled. Reports the server's CPU
 * seconds, its RSS before, at peak and after, the live probe's latency before and during the attack, and
 * how each attack request was answered. The server is any running gadizone (built or `tsx`); its process
 * is found from the port (`ss -ltnp`) unless --pid is given.
 *
 *   npx tsx bench/unauthenticated-bodies.ts --url http://127.0.0.1:3000 [--requests 5] [--mb 20]
 *       [--path /admin/models/1/images/new] [--pid 1234] [--json out.json]
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { cpuMs, rssKb } from './lib.js';

const CHUNK_BYTES = 1024 * 1024;
const LIVE_POLL_INTERVAL_MS = 100;
const RSS_SAMPLE_INTERVAL_MS = 250;
const BASELINE_MS = 3_000;
/** Probes during the attack go on at least this long: an attack answered at once is over in a fraction of a second. */
const MIN_DURING_MS = 3_000;
/** After the attack: the RSS the server settles to. */
const SETTLE_MS = 5_000;
const ATTACK_TIMEOUT_MS = 600_000;
/** A live probe not answered within this long is counted as failed (and as this long in the quantiles). */
const PROBE_TIMEOUT_MS = 30_000;

interface AttackResult {
  status: number | null;
  /** Until the status line arrived (or the connection failed). */
  answeredMs: number;
  error: string | null;
}

/**
 * The attackers, in a worker thread, so that writing megabytes into sockets does not delay this thread's
 * probes. Raw sockets rather than http.request: a server that answers early and closes makes the HTTP
 * client fail with EPIPE before it has looked at the answer; here the status line is read as it arrives.
 */
const ATTACKER = `
const { connect } = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const { url, requests, bytes, chunkBytes, timeoutMs } = workerData;
const target = new URL(url);
const zeros = Buffer.alloc(chunkBytes);
const attack = () => new Promise((resolve) => {
  const started = performance.now();
  let settled = false;
  let answer = '';
  const finish = (status, error) => {
    if (settled) return;
    settled = true;
    resolve({ status, answeredMs: Math.round(performance.now() - started), error });
    socket.destroy();
  };
  const socket = connect({ host: target.hostname, port: Number(target.port) }, () => {
    const head = ['POST ' + target.pathname + ' HTTP/1.1', 'Host: ' + target.host, 'Content-Type: multipart/form-data; boundary=x', 'Content-Length: ' + bytes, '', ''];
    socket.write(head.join(String.fromCharCode(13, 10)));
    let sent = 0;
    const write = () => {
      while (sent < bytes && !settled) {
        const size = Math.min(chunkBytes, bytes - sent);
        sent += size;
        if (!socket.write(size === chunkBytes ? zeros : zeros.subarray(0, size))) return void socket.once('drain', write);
      }
    };
    write();
  });
  socket.setTimeout(timeoutMs, () => finish(null, 'timeout'));
  socket.on('data', (chunk) => {
    answer += chunk.toString('latin1');
    const status = answer.startsWith('HTTP/1.') && answer.length >= 12 ? Number(answer.slice(9, 12)) : NaN;
    if (status >= 100) finish(status, null);
  });
  socket.on('error', (error) => finish(null, error.code || error.message));
  socket.on('close', () => finish(null, 'closed without an answer'));
});
Promise.all(Array.from({ length: requests }, attack)).then((results) => parentPort.postMessage(results));
`;

/** `requests` parallel anonymous multipart POSTs of `bytes` zeros to `url`, from a worker thread. */
async function attack(url: URL, requests: number, bytes: number): Promise<AttackResult[]> {
  const worker = new Worker(ATTACKER, { eval: true, workerData: { url: url.href, requests, bytes, chunkBytes: CHUNK_BYTES, timeoutMs: ATTACK_TIMEOUT_MS } });
  try {
    const [results] = (await once(worker, 'message')) as [AttackResult[]];
    return results;
  } finally {
    await worker.terminate();
  }
}

/** One GET /api/monitoring/live; its latency in ms (Infinity when it failed or timed out). */
function probe(url: URL): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(new URL('/api/monitoring/live', url), { agent: false, timeout: PROBE_TIMEOUT_MS }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 200 ? performance.now() - started : Infinity));
    });
    req.on('error', () => resolve(Infinity));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Polls the live probe until `until` settles, and for at least `minMs`; the latencies in ms. */
async function pollLive(url: URL, until: Promise<unknown>, minMs = 0): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const latencies: number[] = [];
  const started = performance.now();
  while (!done || performance.now() - started < minMs) {
    latencies.push(await probe(url));
    await sleep(LIVE_POLL_INTERVAL_MS);
  }
  return latencies;
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
/** Latency quantiles of the probes that answered; a probe unanswered within PROBE_TIMEOUT_MS counts as that long. */
const summary = (latencies: number[]) => {
  const counted = latencies.map((ms) => Math.min(ms, PROBE_TIMEOUT_MS));
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    samples: latencies.length,
    unanswered: latencies.filter((ms) => !Number.isFinite(ms)).length,
    p50Ms: round(quantile(counted, 0.5)),
    p90Ms: round(quantile(counted, 0.9)),
    maxMs: round(Math.max(...counted)),
  };
};

/** The pid listening on the URL's port, from `ss -ltnpH`. */
function pidListeningOn(port: string): number {
  const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const match = /pid=(\d+)/.exec(out);
  if (!match) throw new Error(`no process found listening on port ${port}; pass --pid`);
  return Number(match[1]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      requests: { type: 'string', default: '5' },
      mb: { type: 'string', default: '20' },
      path: { type: 'string', default: '/admin/models/1/images/new' },
      pid: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const base = new URL(values.url);
  const pid = values.pid === undefined ? pidListeningOn(base.port || '80') : Number(values.pid);
  const requests = Number(values.requests);
  const bytes = Number(values.mb) * 1024 * 1024;

  const baselineLive = await pollLive(base, sleep(BASELINE_MS));
  const rssBeforeKb = rssKb(pid);
  const cpuBeforeMs = cpuMs(pid);
  let rssPeakKb = rssBeforeKb;
  const sampler = setInterval(() => (rssPeakKb = Math.max(rssPeakKb, rssKb(pid))), RSS_SAMPLE_INTERVAL_MS);

  const started = performance.now();
  const attacks = attack(new URL(values.path, base), requests, bytes).then((results) => ({ results, attackMs: Math.round(performance.now() - started) }));
  const [{ results, attackMs }, liveDuring] = await Promise.all([attacks, pollLive(base, attacks, MIN_DURING_MS)]);
  const cpuAttackS = (cpuMs(pid) - cpuBeforeMs) / 1000;
  await sleep(SETTLE_MS);
  clearInterval(sampler);
  const rssAfterKb = rssKb(pid);

  const report = {
    target: `${base.origin}${values.path}`,
    pid,
    requests,
    mbEach: Number(values.mb),
    attackMs,
    serverCpuS: Math.round(cpuAttackS * 100) / 100,
    rssMb: { before: Math.round(rssBeforeKb / 1024), peak: Math.round(rssPeakKb / 1024), after: Math.round(rssAfterKb / 1024) },
    liveBefore: summary(baselineLive),
    liveDuring: summary(liveDuring),
    answers: results.map((r) => `${r.status ?? r.error} after ${r.answeredMs} ms`),
  };
  console.log(JSON.stringify(report, null, 2));
  if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
}

await main();
