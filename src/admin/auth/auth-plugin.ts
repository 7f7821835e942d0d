/**
 * Authentication and authorisation for the admin API. A request proves who it is with an access token,
 * as `Authorization: Bearer …` (API clients) or the `gz_access` cookie (admin pages). Routes declare what
 * they need: `onRequest: app.authorize('catalogue:write')`, so a stranger is refused before the body is
 * read or validated. A state-changing request authenticated by cookie must come from our own origin
 * (CSRF); state-changing requests count against the `modify` limit.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type {} from '@fastify/cookie';
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { can, type Permission } from '../permissions.js';
import { createLockout } from './lockout.js';
import { createAuthRepository } from './repository.js';
import { createAuthService, type AuthService } from './service.js';
import { createTokenSigner, type AccessClaims } from './tokens.js';

export const ACCESS_COOKIE = 'gz_access';
export const REFRESH_COOKIE = 'gz_refresh';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService;
    authorize(permission: Permission): onRequestAsyncHookHandler;
    /** Throws ORIGIN_REJECTED unless the request's Origin is this site (or an allowed origin). */
    checkOrigin(request: FastifyRequest): void;
  }
  interface FastifyRequest {
    user: AccessClaims | null;
  }
}

export const isStateChanging = (request: FastifyRequest): boolean => !SAFE_METHODS.has(request.method);

export const authPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    if (config.jwtSecret === null) throw new Error('buildApp needs config.jwtSecret (prepareSecrets fills it in embedded mode)');
    const tokens = createTokenSigner(config.jwtSecret);
    const repository = createAuthRepository(app.pg);
    app.decorate('auth', createAuthService(repository, tokens, createLockout(app.rateLimit.store)));
    app.decorateRequest('user', null);

    const trusted = new Set([new URL(config.publicUrl).origin, ...config.corsOrigins.filter((o) => o !== '*')]);
    app.decorate('checkOrigin', (request: FastifyRequest) => {
      const origin = request.headers.origin;
      const own = `${request.protocol}://${request.host}`;
      if (typeof origin !== 'string' || (origin !== own && !trusted.has(origin))) {
        throw new AppError('ORIGIN_REJECTED', 'cookie-authenticated changes must come from this site (Origin header missing or foreign)');
      }
    });

    app.decorate('authorize', (permission: Permission) => async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers.authorization;
      const bearer = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '') : undefined;
      const cookie = bearer === undefined ? request.cookies[ACCESS_COOKIE] : undefined;
      const token = bearer ?? cookie;
      if (token === undefined || token === '') {
        throw new AppError('UNAUTHENTICATED', 'sign in first: send Authorization: Bearer <access token> (POST /api/admin/auth/login)');
      }
      const claims = await tokens.verify(token);
      if (cookie !== undefined && isStateChanging(request)) app.checkOrigin(request);
      if (!can(claims.role, permission)) throw new AppError('FORBIDDEN', `the ${claims.role} role may not do this (needs ${permission})`);
      request.user = claims;
      if (isStateChanging(request)) await app.rateLimit.consume(request, reply, 'modify', `user:${claims.userId}`);
    });
  },
  { name: 'auth', dependencies: ['db', 'rate-limit'] },
);
