/**
 * deploy/nginx/nginx.conf under a real nginx, where one is installed (skipped otherwise; Debian: nginx-light):
 * `nginx -t`, then nginx on a loopback port in front of a real app (through a recording hop that shows
 * what nginx forwards). Only the upstream addresses, the listen port and file paths are rewritten.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';
import { hasCommand, readDeploy } from './deploy-files.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
}

function send(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer; localAddress?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The committed config, with test addresses and paths under `dir`. */
function configForTest(dir: string, listenPort: number, upstreamPort: number): string {
  const config = readDeploy('nginx', 'nginx.conf');
  const rewritten = config
    .replace(/server app[12]:3000/g, `server 127.0.0.1:${upstreamPort}`)
    .replace('listen 80 default_server;', `listen 127.0.0.1:${listenPort} default_server;`)
    .replace('pid /var/run/nginx.pid;', `pid ${dir}/nginx.pid;`)
    .replaceAll('/var/log/nginx/', `${dir}/`)
    .replace('/var/cache/nginx/gadizone', `${dir}/cache`);
  expect(rewritten.match(/127\.0\.0\.1:\d+/g)).toHaveLength(3);
  return rewritten;
}

describe.skipIf(!hasCommand('nginx'))('nginx.conf under nginx', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gz-nginx-'));
  let t: TestApp;
  let nginx: ChildProcess | undefined;
  let hop: http.Server;
  let port = 0;
  const forwarded: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    // nginx's workers drop root privileges (to nobody) and must reach the cache and temp directories.
    chmodSync(dir, 0o755);
    // Load shedding off: on a busy test machine a lagging loop would answer 503, which is not nginx's doing.
    t = await buildTestApp({ config: { overloadMaxEventLoopDelayMs: 0 } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const appPort = (t.app.server.address() as AddressInfo).port;
    // Records what nginx sends upstream, then passes it to the app.
    hop = http.createServer((request, response) => {
      forwarded.push(request.headers);
      const upstream = http.request({ host: '127.0.0.1', port: appPort, path: request.url, method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    });
    await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
    port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), configForTest(dir, port, (hop.address() as AddressInfo).port));
    nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', `${dir}/`, '-e', join(dir, 'startup.log'), '-g', 'daemon off;'], { stdio: 'ignore' });
    await waitForPort(port, 10_000);
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGTERM');
      await exited;
    }
    await new Promise((resolve) => hop?.close(resolve));
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes nginx -t', () => {
    const result = spawnSync('nginx', ['-t', '-c', join(dir, 'nginx.conf'), '-p', `${dir}/`, '-e', join(dir, 'test.log')], { encoding: 'utf8' });
    expect(result.stderr).toContain('test is successful');
    expect(result.status).toBe(0);
  });

  it('caches a public GET /api answer as the app allows, per normalised encoding, and forwards the request ids', async () => {
    const headers = { 'accept-encoding': 'gzip, deflate, br' };
    // The app answers a key's first requests uncompressed and compresses it after its first hit (a cheaper
    // miss); once it has, nginx stores the brotli form for clients that take it.
    await t.app.inject({ url: '/api/brands?limit=30', headers: { 'accept-encoding': 'br' } });
    await t.app.inject({ url: '/api/brands?limit=30', headers: { 'accept-encoding': 'br' } });
    await t.app.cache.compressionIdle();
    const before = forwarded.length;
    const first = await send(port, '/api/brands?limit=30', { headers });
    const second = await send(port, '/api/brands?limit=30', { headers: { 'accept-encoding': 'br, gzip' } });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.headers['x-proxy-cache'], second.headers['x-proxy-cache']]).toEqual(['MISS', 'HIT']);
    expect(first.headers['content-encoding']).toBe('br');
    expect(first.headers['cache-control']).toMatch(/s-maxage=\d+/);
    expect(forwarded.length - before).toBe(1);
    const upstream = forwarded.at(-1)!;
    expect(upstream['accept-encoding']).toBe('br');
    expect(upstream['x-forwarded-for']).toBe('127.0.0.1');
    expect(upstream['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(upstream['x-request-id']).toBe(first.headers['x-request-id']);
  });

  it('never answers requests with credentials from the cache', async () => {
    await send(port, '/api/brands?limit=40');
    const credentialed: Array<Record<string, string>> = [{ authorization: 'Bearer x' }, { cookie: 'gz_session=x' }];
    for (const credentials of credentialed) {
      const before = forwarded.length;
      const answer = await send(port, '/api/brands?limit=40', { headers: credentials });
      expect(answer.headers['x-proxy-cache']).toBe('BYPASS');
      expect(forwarded.length - before).toBe(1);
    }
  });

  it('does not cache the admin API', async () => {
    const answer = await send(port, '/api/admin/brands');
    expect(answer.status).toBe(401);
    expect(answer.headers['x-proxy-cache']).toBeUndefined();
  });

  it('refuses bodies over 64 KB itself, but lets bulk imports through', async () => {
    const before = forwarded.length;
    const big = await send(port, '/api/leads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(70 * 1024, 'a') });
    expect(big.status).toBe(413);
    expect(forwarded.length).toBe(before);
    const importBody = Buffer.alloc(200 * 1024, 'a');
    const imported = await send(port, '/api/admin/import?entity=brands', { method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'content-length': String(importBody.length) }, body: importBody });
    expect(imported.status).not.toBe(413);
    expect(forwarded.length).toBe(before + 1);
  });

  it('serves metrics to private addresses only', async () => {
    expect((await send(port, '/api/monitoring/metrics')).status).toBe(200);
    // 127.0.0.2 stands in for a public client: it is outside every allowed range.
    expect((await send(port, '/api/monitoring/metrics', { localAddress: '127.0.0.2' })).status).toBe(403);
    expect((await send(port, '/api/monitoring/live', { localAddress: '127.0.0.2' })).status).toBe(200);
  });
});
