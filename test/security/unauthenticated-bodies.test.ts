/**
 * Anonymous request bodies against a real listening server (issue 11, item 1), as a stranger sends them:
 * POSTs to the admin pages announcing 20 MB. Each is answered before its body is read (403 without Origin,
 * 303 to sign in, 413 or 415 for the sign-in forms) and its connection closed; twenty of them at once
 * leave the live probe fast and the process's memory where it was. Before the fix each body was read into
 * memory (25 MB limit) and then walked byte by byte as a parsed object: seconds of CPU and gigabytes each.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';

const ANNOUNCED_BYTES = 20 * 1024 * 1024;
const FIRST_CHUNK_BYTES = 64 * 1024;
const ATTACKS = 20;
const LIVE_POLL_INTERVAL_MS = 25;
/** Generous for a shared machine: answering from the headers takes milliseconds, reading 20 MB far longer. */
const ANSWER_WITHIN_MS = 5_000;

let t: TestApp;
let base: URL;
let targets: [path: string, headers: Record<string, string>, expected: number][];

beforeAll(async () => {
  t = await buildTestApp();
  base = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
  const modelId = (await t.app.pg.query<{ id: number }>('SELECT min(id) AS id FROM models')).rows[0]!.id;
  const brandId = (await t.app.pg.query<{ id: number }>('SELECT min(id) AS id FROM brands')).rows[0]!.id;
  const own = base.origin;
  const multipart = { 'content-type': 'multipart/form-data; boundary=x' };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  // Each kind of admin POST, with and without this site's Origin, signed out or with a forged cookie.
  targets = [
    [`/admin/models/${modelId}/images/new`, multipart, 403],
    [`/admin/models/${modelId}/images/new`, { ...multipart, origin: own }, 303],
    [`/admin/models/${modelId}/images/new`, { ...multipart, origin: own, cookie: 'gz_access=forged.token.here' }, 303],
    ['/admin/brands/new', { ...form, origin: own }, 303],
    [`/admin/brands/${brandId}/delete`, multipart, 403],
    ['/admin/login', form, 403],
    ['/admin/login', { ...form, origin: own }, 413],
    ['/admin/login', { ...multipart, origin: own }, 415],
    ['/admin/logout', { ...form, origin: own }, 413],
  ];
});
afterAll(async () => {
  await t?.close();
});

const requestHead = (path: string, headers: Record<string, string>) =>
  [`POST ${path} HTTP/1.1`, `Host: ${base.host}`, `Content-Length: ${ANNOUNCED_BYTES}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`), '', ''].join('\r\n');

/** Sends the head and the first 64 KB of an announced 20 MB body, then waits: the answer's head, or null. */
async function answerBeforeBody(path: string, headers: Record<string, string>): Promise<string | null> {
  const socket = connect({ host: base.hostname, port: Number(base.port) });
  await once(socket, 'connect');
  socket.write(requestHead(path, headers));
  socket.write(Buffer.alloc(FIRST_CHUNK_BYTES));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const deadline = Date.now() + ANSWER_WITHIN_MS;
  while (!received.includes('\r\n\r\n') && Date.now() < deadline) await sleep(10);
  socket.destroy();
  return received.includes('\r\n\r\n') ? received.slice(0, received.indexOf('\r\n\r\n')) : null;
}

interface Outcome {
  /** The status, or null when the connection was closed before this client read the answer. */
  status: number | null;
  ms: number;
  sentBytes: number;
}

/**
 * The flood, in a worker thread: writing megabytes into loopback sockets is the client's work, and on the
 * test's own event loop it would delay the probes as if the server were slow. Each connection writes its
 * 20 MB as fast as the server takes it, until it is answered or closed.
 */
const FLOOD = `
const { connect } = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const { host, port, heads, bytes } = workerData;
const zeros = Buffer.alloc(1024 * 1024);
const flood = (head) => new Promise((resolve) => {
  const started = performance.now();
  let sent = 0;
  let settled = false;
  let received = '';
  const finish = (status) => {
    if (settled) return;
    settled = true;
    resolve({ status, ms: performance.now() - started, sentBytes: sent });
    socket.destroy();
  };
  const socket = connect({ host, port }, () => {
    socket.write(head);
    const write = () => {
      while (sent < bytes && !settled) {
        sent += zeros.length;
        if (!socket.write(zeros)) return void socket.once('drain', write);
      }
    };
    write();
  });
  socket.on('data', (chunk) => {
    received += chunk.toString('latin1');
    if (received.length >= 12) finish(Number(received.slice(9, 12)));
  });
  socket.on('error', () => finish(null));
  socket.on('close', () => finish(null));
});
parentPort.once('message', () => Promise.all(heads.map(flood)).then((outcomes) => parentPort.postMessage(outcomes)));
`;

/** The flood's worker, started and waiting; `start()` sends every request at once. */
async function flooder(heads: string[]): Promise<{ start(): Promise<Outcome[]> }> {
  const worker = new Worker(FLOOD, { eval: true, workerData: { host: base.hostname, port: Number(base.port), heads, bytes: ANNOUNCED_BYTES } });
  await once(worker, 'online');
  return {
    async start() {
      const message = once(worker, 'message') as Promise<[Outcome[]]>;
      worker.postMessage('go');
      const [outcomes] = await message.finally(() => void worker.terminate());
      return outcomes;
    },
  };
}

async function live(): Promise<number> {
  const started = performance.now();
  const response = await fetch(new URL('/api/monitoring/live', base));
  await response.arrayBuffer();
  expect(response.status).toBe(200);
  return performance.now() - started;
}

/** Live probes, one after another, for as long as `until` is pending and at least `minMs`; their latencies. */
async function probeWhile(until: Promise<unknown>, minMs: number): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const latencies: number[] = [];
  const started = performance.now();
  while (!done || performance.now() - started < minMs) {
    latencies.push(await live());
    await sleep(LIVE_POLL_INTERVAL_MS);
  }
  return latencies;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('anonymous bodies sent to the admin pages', () => {
  it('are answered from the headers, before the body is read, and the connection is closed', async () => {
    for (const [path, headers, expected] of targets) {
      const head = await answerBeforeBody(path, headers);
      expect(head, `${path} ${JSON.stringify(headers)}`).not.toBeNull();
      expect(head!.slice(9, 12), `${path} ${JSON.stringify(headers)}`).toBe(String(expected));
      expect(head!.toLowerCase(), path).toContain('connection: close');
    }
  });

  it('twenty at once leave the live probe fast and the memory where it was', async () => {
    const sent = Array.from({ length: ATTACKS }, (_, i) => targets[i % targets.length]!);
    const flood = await flooder(sent.map(([path, headers]) => requestHead(path, headers)));
    for (let i = 0; i < 5; i += 1) await live();
    const quiet = await probeWhile(Promise.resolve(), 1_000);
    const rssBefore = process.memoryUsage().rss;

    const outcomes = flood.start();
    const latencies = await probeWhile(outcomes, 1_000);
    const rssAfter = process.memoryUsage().rss;

    (await outcomes).forEach((outcome, i) => {
      const [path, , expected] = sent[i]!;
      // The answer, or a connection closed after it (this client was still writing): never the whole body read.
      if (outcome.status !== null) expect(outcome.status, path).toBe(expected);
      expect(outcome.ms, path).toBeLessThan(ANSWER_WITHIN_MS);
      expect(outcome.sentBytes, path).toBeLessThan(ANNOUNCED_BYTES);
    });
    // Under 50 ms more than the same probe on the same machine a moment before (10-30 ms when this shared
    // 2-core machine is busy, 2 ms when it is quiet); a blocked loop made probes wait for seconds.
    expect(median(latencies)).toBeLessThan(median(quiet) + 50);
    expect(Math.max(...latencies)).toBeLessThan(1_000);
    expect(rssAfter - rssBefore).toBeLessThan(50 * 1024 * 1024);
  }, 120_000);
});
