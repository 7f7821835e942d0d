/** Signing in to the admin pages the way a browser does: the login form, then the cookie it set. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { TestUser } from '../admin/helpers.js';

/** The site as the tests address it: Host localhost, so the pages' own origin is http://localhost. */
export const SITE = { host: 'localhost', origin: 'http://localhost' };

export interface PageSession {
  /** The Cookie header a browser would send to /admin pages (the refresh cookie is scoped to /api/admin/auth). */
  cookie: string;
  accessToken: string;
  refreshToken: string;
  setCookies: string[];
}

export function setCookies(response: LightMyRequestResponse): string[] {
  const header = response.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

const cookieValue = (cookies: string[], name: string) => cookies.find((c) => c.startsWith(`${name}=`))?.split(';')[0]!.slice(name.length + 1) ?? '';

/** An urlencoded form body. */
export const encode = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

export const formHeaders = (cookie?: string, origin: string | null = SITE.origin) => ({
  host: SITE.host,
  ...(origin === null ? {} : { origin }),
  'content-type': 'application/x-www-form-urlencoded',
  ...(cookie ? { cookie } : {}),
});

export async function signInPage(app: FastifyInstance, user: TestUser, remoteAddress = '127.0.0.1'): Promise<PageSession> {
  const response = await app.inject({ method: 'POST', url: '/admin/login', remoteAddress, headers: formHeaders(), payload: encode({ email: user.email, password: user.password, next: '/admin' }) });
  if (response.statusCode !== 303) throw new Error(`page login failed: ${response.statusCode} ${response.body.slice(0, 300)}`);
  const cookies = setCookies(response);
  const accessToken = cookieValue(cookies, 'gz_access');
  return { cookie: `gz_access=${accessToken}`, accessToken, refreshToken: cookieValue(cookies, 'gz_refresh'), setCookies: cookies };
}

/** GET a page as a browser with this session. */
export const getPage = (app: FastifyInstance, url: string, session?: PageSession) =>
  app.inject({ method: 'GET', url, headers: { host: SITE.host, ...(session ? { cookie: session.cookie } : {}) } });
