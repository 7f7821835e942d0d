/**
 * Sends one journey step over a keep-alive connection and judges the answer. Latency is measured from
 * the request's start to the last byte of the body, as a visitor waits for it.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Expectation, Step } from './journey.js';

/** A request still unanswered after this long counts as an error. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** What a browser sends; cached answers are served precompressed. */
export const BROWSER_HEADERS = Object.freeze({ 'accept-encoding': 'gzip, deflate, br', 'user-agent': 'gadizone-loadtest' });

export interface Outcome {
  latencyMs: number;
  /** 0 when no answer came. */
  status: number;
  /** No answer, or not the status the step expects. */
  error: boolean;
  /** Status and content assertion both held. */
  checkPassed: boolean;
}

export interface Client {
  send(step: Step, body: string | undefined, extraHeaders: Record<string, string>, judgeContent: boolean): Promise<Outcome>;
  close(): void;
}

function decode(response: IncomingMessage, raw: Buffer): string {
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(raw).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(raw).toString('utf8');
  if (encoding === 'deflate') return inflateSync(raw).toString('utf8');
  return raw.toString('utf8');
}

/** Does a body satisfy the step's content assertion? Never throws: a body that does not parse fails. */
export function contentHolds(expect: Expectation, contentType: string, body: string): boolean {
  try {
    if (expect.type === 'html') return contentType.includes('text/html') && /<html[\s>]/i.test(body);
    const data = (JSON.parse(body) as { data?: unknown }).data as Record<string, unknown> | unknown[] | undefined;
    if (expect.type === 'list') return Array.isArray(data);
    if (data === undefined || Array.isArray(data)) return false;
    if (expect.type === 'one') return data.slug === expect.slug;
    if (expect.type === 'comparison') return Array.isArray(data.variants) && data.variants.length === expect.variants;
    return data.status === 'received';
  } catch {
    return false;
  }
}

/** One virtual user's connection (keep-alive, one request at a time, like a browser tab). */
export function createClient(target: URL): Client {
  const secure = target.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const send = secure ? httpsRequest : httpRequest;
  return {
    close: () => agent.destroy(),
    send: (step, body, extraHeaders, judgeContent) =>
      new Promise<Outcome>((resolve) => {
        const started = process.hrtime.bigint();
        const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
        const failed = () => resolve({ latencyMs: elapsed(), status: 0, error: true, checkPassed: false });
        const headers: Record<string, string> = { ...BROWSER_HEADERS, accept: step.expect.type === 'html' ? 'text/html' : 'application/json', ...extraHeaders };
        if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
        const req = send(new URL(step.path, target), { method: step.method, agent, headers, timeout: REQUEST_TIMEOUT_MS }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', failed);
          response.on('end', () => {
            const latencyMs = elapsed();
            const status = response.statusCode ?? 0;
            const error = status !== step.status;
            let checkPassed = !error;
            if (checkPassed && judgeContent) {
              try {
                checkPassed = contentHolds(step.expect, String(response.headers['content-type'] ?? ''), decode(response, Buffer.concat(chunks)));
              } catch {
                checkPassed = false;
              }
            }
            resolve({ latencyMs, status, error, checkPassed });
          });
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', failed);
        req.end(body);
      }),
  };
}
