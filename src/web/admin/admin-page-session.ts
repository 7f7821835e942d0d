/**
 * Who is signed in to the admin pages, and the reply rules every admin page follows. The access token
 * is the API's own `gz_access` cookie (httpOnly, Secure, SameSite=Strict, set by POST
 * /api/admin/auth/login in cookie mode); the page asks GET /api/admin/auth/me with it, so an expired,
 * forged or revoked-user token is judged by the API, never by a second implementation here.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { accessTokenOf, callApi } from './admin-page-api.js';
import type { AdminUser } from './admin-page-layout.js';

/** Admin pages carry names, e-mail addresses and leads: never stored by a browser or a shared cache. */
export const PAGE_CACHE_CONTROL = 'no-store, private';

declare module 'fastify' {
  interface FastifyRequest {
    adminUser: AdminUser | null;
  }
}

/**
 * Only our own admin pages are valid places to return to after signing in (no open redirect), as a value a
 * Location header can carry: characters beyond ASCII are percent-encoded (Node refuses `€` in a header: it
 * was a 500), while whitespace, controls, backslashes, dot segments (`/admin/../cars` leaves the admin),
 * lone surrogates and over-long values fall back to /admin.
 */
export function safeNext(next: unknown): string {
  const MAX_LENGTH = 2_000;
  const ADMIN_PAGE = /^\/admin(?:[/?][^\\]*)?$/;
  const REFUSED = /[\u0000-\u0020\u007f]|(?:^|\/)(?:\.|%2e){1,2}(?:[/?]|$)/i;
  if (typeof next !== 'string' || next.length > MAX_LENGTH || !ADMIN_PAGE.test(next) || REFUSED.test(next)) return '/admin';
  try {
    return next.replace(/[^\x21-\x7e]+/g, (text) => encodeURIComponent(text));
  } catch {
    return '/admin'; // a lone surrogate: encodeURIComponent refuses it (URIError)
  }
}

export const loginUrl = (request: FastifyRequest): string => `/admin/login?next=${encodeURIComponent(safeNext(request.url))}`;

export function sendPage(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', PAGE_CACHE_CONTROL).type('text/html; charset=utf-8').send(html);
}

/** The CSRF rule of the API, applied to the page's own form posts: they must come from this site. */
export function originAllowed(app: FastifyInstance, request: FastifyRequest): boolean {
  try {
    app.checkOrigin(request);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'ORIGIN_REJECTED') return false;
    throw error;
  }
}

/** True when the request announces a body (a length above 0, or chunks). */
const hasBody = (request: FastifyRequest): boolean =>
  request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

/**
 * An answer sent before the request's body was read to its end (a refusal from an onRequest hook, an
 * upload the API turned down part-way) closes the connection: the sender of a large body is not read to
 * the end only for it to be thrown away (Fastify does the same for a body over its limit).
 */
export function closeIfBodyUnread(request: FastifyRequest, reply: FastifyReply): void {
  if (hasBody(request) && !request.raw.readableEnded) reply.header('connection', 'close');
}

const FOREIGN_FORM = 'This form must be sent from this site (the Origin header was missing or foreign). Go back, reload the page and try again.';

/**
 * onRequest hook of every signed-in page: the Origin of a form post is checked, then the user resolved,
 * or the request is answered 303 to the login page (whose script first tries a silent refresh with the
 * refresh cookie, then comes back). An onRequest hook, not a preHandler: it runs before any body is
 * read, so a stranger's request costs a header check, never the parsing of what it sends.
 */
export function requireUser(app: FastifyInstance) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'POST' && !originAllowed(app, request)) return sendPage(reply, FOREIGN_FORM, 403).type('text/plain; charset=utf-8');
    if (accessTokenOf(request) === undefined) return reply.header('cache-control', PAGE_CACHE_CONTROL).redirect(loginUrl(request), 303);
    const me = await callApi<AdminUser>(app, request, { url: '/api/admin/auth/me' });
    if (me.status === 401) return reply.header('cache-control', PAGE_CACHE_CONTROL).redirect(loginUrl(request), 303);
    if (me.status !== 200) throw new AppError('SERVICE_UNAVAILABLE', 'could not check the session; try again');
    request.adminUser = me.data;
  };
}
