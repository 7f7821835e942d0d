/**
 * Request ids: a proxy's X-Request-Id is kept, so one id follows a request across hops, when it looks like
 * an id (1-128 of letters, digits and `._:-`); anything else, or none, gets a fresh UUID. Fastify's default
 * ids are a per-process counter, which collide across workers and hosts.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const INCOMING_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(request: Pick<IncomingMessage, 'headers'>): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && INCOMING_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
