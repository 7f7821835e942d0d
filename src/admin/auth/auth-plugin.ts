/**
 * Authentication and authorisation for the admin API. A request proves who it is with an access token,
 * as `Authorization: Bearer …` (API clients) or the `gz_access` cookie (admin pages). Routes declare what
 * they need: `onRequest: app.authorize('catalogue:write')`, so a stranger is refused before the body is
 * read or validated. The token only says who: what they may do is the user's state now (role, disabled,
 * session version, session signed out), read through the user-state cache (at most 1 s old for reads,
 * read afresh for every change, dropped on every process when it changes). A state-changing request
 * authenticated by cookie must come from our own origin (CSRF); state-changing requests count against
 * the `modify` limit.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type {} from '@fastify/cookie';
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { can, type Permission } from '../permissions.js';
import { createLockout, createLoginFailureWatch } from './lockout.js';
import { createAuthRepository } from './repository.js';
import { createAuthService, type AuthService } from './service.js';
import type { SessionState } from './repository.js';
import { createTokenSigner, type AccessClaims } from './tokens.js';
import { createUserStateBus } from './user-state-bus.js';
import { createUserState, type UserState } from './user-state.js';

export const ACCESS_COOKIE = 'gz_access';
export const REFRESH_COOKIE = 'gz_refresh';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService;
    /** Who may do what now: the user-state cache every admin request is judged by. */
    adminUserState: UserState;
    authorize(permission: Permission): onRequestAsyncHookHandler;
    /** Throws ORIGIN_REJECTED unless the request's Origin is this site (or an allowed origin). */
    checkOrigin(request: FastifyRequest): void;
  }
  interface FastifyRequest {
    user: AccessClaims | null;
  }
}

export const isStateChanging = (request: FastifyRequest): boolean => !SAFE_METHODS.has(request.method);

/** The request's access token: the Bearer header, else the gz_access cookie; undefined when neither. */
export function accessTokenOf(request: FastifyRequest): { token: string; fromCookie: boolean } | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^Bearer\s+/i.test(header)) {
    const token = header.replace(/^Bearer\s+/i, '');
    return token === '' ? undefined : { token, fromCookie: false };
  }
  const cookie = request.cookies[ACCESS_COOKIE];
  return cookie === undefined || cookie === '' ? undefined : { token: cookie, fromCookie: true };
}

/** Refuses a token whose user or session no longer stands; the state's role is the one that counts. */
function checkSession(claims: AccessClaims, state: SessionState | null): asserts state is SessionState {
  if (state === null) throw new AppError('UNAUTHENTICATED', 'the account of this token no longer exists');
  if (state.disabled) throw new AppError('ACCOUNT_DISABLED', 'the account is disabled; ask an admin to enable it');
  if (state.sessionRevoked || state.sessionVersion !== claims.sessionVersion) {
    throw new AppError('SESSION_REVOKED', 'this session was signed out (logout, a role or password change, or sign-out everywhere); log in again');
  }
}

export const authPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    if (config.jwtSecret === null) throw new Error('buildApp needs config.jwtSecret (prepareSecrets fills it in embedded mode)');
    const tokens = createTokenSigner(config.jwtSecret);
    const repository = createAuthRepository(app.pg);
    // The bus's handlers need the cache and the cache publishes on the bus: tied up once both exist.
    let publish = async (_userId: number): Promise<void> => undefined;
    const userState = createUserState({ load: (userId, sessionId) => repository.findSessionState(userId, sessionId), publish: (userId) => publish(userId) });
    const bus = await createUserStateBus(config, app.log, { onChange: (userId) => userState.onRemoteChange(userId), onReconnect: () => userState.clear() });
    if (bus !== null) {
      publish = bus.publish;
      app.addHook('onClose', async () => {
        await bus.close().catch((error: unknown) => app.log.warn({ err: error }, 'closing the admin user-state bus failed'));
      });
    }
    app.decorate('adminUserState', userState);
    app.decorate('auth', createAuthService(repository, tokens, createLockout(app.rateLimit.store, createLoginFailureWatch(app.log, app.metrics.registry)), userState));
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
      const presented = accessTokenOf(request);
      if (presented === undefined) {
        throw new AppError('UNAUTHENTICATED', 'sign in first: send Authorization: Bearer <access token> (POST /api/admin/auth/login)');
      }
      const claims = await tokens.verify(presented.token);
      const changing = isStateChanging(request);
      if (presented.fromCookie && changing) app.checkOrigin(request);
      // A change is never authorised by a state read before it: reads may use one up to 1 s old.
      const state = await userState.get(claims.userId, claims.sessionId, { fresh: changing });
      checkSession(claims, state);
      const role = state.role;
      if (!can(role, permission)) throw new AppError('FORBIDDEN', `the ${role} role may not do this (needs ${permission})`);
      request.user = { ...claims, role };
      if (changing) await app.rateLimit.consume(request, reply, 'modify', `user:${claims.userId}`);
    });
  },
  { name: 'auth', dependencies: ['db', 'rate-limit', 'metrics'] },
);
