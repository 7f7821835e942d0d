/**
 * HTTP hardening: helmet's headers with a strict Content-Security-Policy (scripts and styles only from
 * this origin or with the per-response nonce, `reply.cspNonce`; no framing: frame-ancestors 'none'),
 * HSTS, and CORS from an allowlist. The public API may be read cross-origin by the allowlisted origins
 * (or any, with `*`), never with credentials; the admin API answers cross-origin requests only from
 * explicitly listed origins, with credentials. Request size and time limits are set in app.ts.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';

const ONE_YEAR_S = 31_536_000;
const CORS_MAX_AGE_S = 600;
const EXPOSED = ['etag', 'x-cache', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after', 'location', 'idempotent-replayed'];
const ALLOWED = ['content-type', 'authorization', 'idempotency-key', 'if-match', 'if-none-match', 'x-request-id'];

export const securityPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    await app.register(helmet, {
      enableCSPNonces: true,
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'https:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      hsts: { maxAge: ONE_YEAR_S, includeSubDomains: true },
      crossOriginResourcePolicy: { policy: 'same-site' },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    });

    const listed = new Set(config.corsOrigins.filter((origin) => origin !== '*'));
    const anyOrigin = config.corsOrigins.includes('*');
    await app.register(cors, {
      delegator: (request: FastifyRequest, callback) => {
        const origin = request.headers.origin;
        const admin = request.url.startsWith('/api/admin');
        const allowed = typeof origin === 'string' && (listed.has(origin) || (anyOrigin && !admin));
        callback(null, {
          origin: allowed ? (admin || !anyOrigin ? origin : '*') : false,
          credentials: allowed && admin,
          methods: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE'],
          allowedHeaders: ALLOWED,
          exposedHeaders: EXPOSED,
          maxAge: CORS_MAX_AGE_S,
        });
      },
    });
  },
  { name: 'security' },
);
