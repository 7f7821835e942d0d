/** POST /api/admin/auth/login, /refresh, /logout, /logout-everywhere and GET /me. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { errorResponses } from '../../lib/schemas.js';
import { clientKey } from '../../platform/rate-limit/client-key.js';
import { ACCESS_COOKIE, accessTokenOf, REFRESH_COOKIE } from './auth-plugin.js';
import { LoginInput, MeBody, RefreshInput, SessionBody } from './schemas.js';
import type { Session } from './service.js';
import { ACCESS_TOKEN_TTL_S, REFRESH_TOKEN_TTL_S } from './tokens.js';

const REFRESH_PATH = '/api/admin/auth';
const cookieOptions = { httpOnly: true, secure: true, sameSite: 'strict' } as const;

const client = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent']?.slice(0, 300) ?? null });

/** With the token in the cookie, a page may POST no body at all: read that as `{}`. */
const noBodyIsEmpty = async (request: FastifyRequest) => {
  request.body ??= {};
};

function clearCookies(reply: FastifyReply): FastifyReply {
  return reply.clearCookie(ACCESS_COOKIE, { ...cookieOptions, path: '/' }).clearCookie(REFRESH_COOKIE, { ...cookieOptions, path: REFRESH_PATH });
}

function answer(reply: FastifyReply, session: Session, mode: 'token' | 'cookie') {
  reply.header('cache-control', 'no-store');
  if (mode === 'cookie') {
    reply
      .setCookie(ACCESS_COOKIE, session.accessToken, { ...cookieOptions, path: '/', maxAge: ACCESS_TOKEN_TTL_S })
      .setCookie(REFRESH_COOKIE, session.refreshToken, { ...cookieOptions, path: REFRESH_PATH, maxAge: REFRESH_TOKEN_TTL_S });
  }
  const { refreshToken, ...rest } = session;
  return { data: { ...rest, tokenType: 'Bearer' as const, ...(mode === 'token' ? { refreshToken } : {}) } };
}

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/admin/auth/login',
    { schema: { tags: ['admin'], summary: 'Sign in', body: LoginInput, response: { 200: SessionBody, ...errorResponses(400, 401, 403, 429) } } },
    async (request, reply) => {
      await app.rateLimit.consume(request, reply, 'auth', clientKey(request.ip));
      if (request.body.mode === 'cookie') app.checkOrigin(request);
      return answer(reply, await app.auth.login(request.body.email, request.body.password, client(request)), request.body.mode);
    },
  );

  app.post(
    '/api/admin/auth/refresh',
    { preValidation: noBodyIsEmpty, schema: { tags: ['admin'], summary: 'Exchange a refresh token for new tokens (rotation)', body: RefreshInput, response: { 200: SessionBody, ...errorResponses(400, 401, 403) } } },
    async (request, reply) => {
      const fromCookie = request.body.refreshToken === undefined;
      const token = request.body.refreshToken ?? request.cookies[REFRESH_COOKIE];
      if (token === undefined) throw new AppError('REFRESH_TOKEN_INVALID', 'send the refresh token in the body, or the gz_refresh cookie');
      if (fromCookie) app.checkOrigin(request);
      return answer(reply, await app.auth.refresh(token, client(request)), fromCookie ? 'cookie' : 'token');
    },
  );

  app.post(
    '/api/admin/auth/logout',
    {
      preValidation: noBodyIsEmpty,
      schema: {
        tags: ['admin'],
        summary: 'Sign out: revokes the session (refresh token family) of the refresh token sent, or of the access token, and so its access tokens',
        body: RefreshInput,
        response: { 204: { type: 'null' }, ...errorResponses(400, 403) },
      },
    },
    async (request, reply) => {
      const refreshCookie = request.body.refreshToken === undefined ? request.cookies[REFRESH_COOKIE] : undefined;
      const refreshToken = request.body.refreshToken ?? refreshCookie;
      const access = accessTokenOf(request);
      if (refreshCookie !== undefined || access?.fromCookie === true) app.checkOrigin(request);
      await app.auth.logout({ ...(refreshToken === undefined ? {} : { refreshToken }), ...(access === undefined ? {} : { accessToken: access.token }) });
      return clearCookies(reply).code(204).send();
    },
  );

  app.post(
    '/api/admin/auth/logout-everywhere',
    {
      onRequest: app.authorize('content:read'),
      schema: { tags: ['admin'], summary: 'Sign out every session of the signed-in user, on every device', response: { 204: { type: 'null' }, ...errorResponses(401, 403, 429) } },
    },
    async (request, reply) => {
      await app.auth.logoutEverywhere(request.user!.userId);
      return clearCookies(reply).header('cache-control', 'no-store').code(204).send();
    },
  );

  app.get(
    '/api/admin/auth/me',
    { onRequest: app.authorize('content:read'), schema: { tags: ['admin'], summary: 'Who am I', response: { 200: MeBody, ...errorResponses(401) } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const user = await app.auth.me(request.user!.userId);
      return { data: user };
    },
  );
};
