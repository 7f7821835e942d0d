/**
 * The header timeout is the configured one (issue 11, item 15). Node checks its timeouts only every
 * `connectionsCheckingInterval` (30 s by default), so a 10 s header timeout let a slow-loris client hold a
 * connection for 30-40 s. The app checks every second: a client that trickles its headers is cut off
 * within a second of HTTP_HEADERS_TIMEOUT_MS (tested with 2 s, to keep the test short).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildTestApp, type TestApp } from '../helpers.js';

const HEADERS_TIMEOUT_MS = 2_000;
/** A header line every half second: the connection is never idle, only slow. */
const TRICKLE_INTERVAL_MS = 500;

let t: TestApp;
let base: URL;

beforeAll(async () => {
  t = await buildTestApp({ config: { headersTimeoutMs: HEADERS_TIMEOUT_MS } });
  base = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
});
afterAll(async () => {
  await t?.close();
});

/** Opens a connection that sends a request line and then one header line at a time; resolves when the server ends it. */
function slowLoris(): Promise<{ closedAfterMs: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let answer = '';
    let lines = 0;
    const socket = connect({ host: base.hostname, port: Number(base.port) }, () => socket.write(`GET /api/monitoring/live HTTP/1.1\r\nHost: ${base.host}\r\n`));
    const trickle = setInterval(() => socket.write(`X-Slow-${(lines += 1)}: ${'a'.repeat(10)}\r\n`), TRICKLE_INTERVAL_MS);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(trickle);
      resolve({ closedAfterMs: performance.now() - started, answer });
    });
    setTimeout(() => {
      clearInterval(trickle);
      socket.destroy();
      reject(new Error('the server kept a connection without headers for 40 s'));
    }, 40_000).unref();
  });
}

describe('the header timeout', () => {
  it('is 10 s unless HTTP_HEADERS_TIMEOUT_MS says otherwise', () => {
    expect(loadConfig({}).headersTimeoutMs).toBe(10_000);
    expect(loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '4000' }).headersTimeoutMs).toBe(4_000);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '10' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
    expect(t.app.server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
  });

  it('cuts off a client still sending headers within a second of the configured time (408)', async () => {
    const { closedAfterMs, answer } = await slowLoris();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    // One check interval (1 s at most) after the timeout, plus slack for a busy machine; it was up to 30 s more.
    expect(closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 2_500);
  }, 60_000);

  it('leaves a client that sends its headers in time alone', async () => {
    const response = await fetch(new URL('/api/monitoring/live', base));
    expect(response.status).toBe(200);
  });
});
