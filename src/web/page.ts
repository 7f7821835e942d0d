/**
 * Serving a page: through the response cache like any API answer (same tiers, same tags, so an admin write
 * invalidates the page at once), except when a one-time flash message is pending: that render is personal,
 * so it is sent `private, no-store` and the cookie is cleared. Only a flash this site signed, unexpired,
 * skips the cache (any other gz_flash cookie is ignored), and that render is charged to the visitor's miss
 * budget like any other load.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';
import type { CacheTtlConfig } from '../config.js';
import type { CachedRoute } from '../platform/cache/response-cache.js';
import type { PageContext } from './components/layout.js';
import { clientKey } from '../platform/rate-limit/client-key.js';
import { clearFlash, FLASH_COOKIE, readFlash } from './flash.js';

export const HTML_TYPE = 'text/html; charset=utf-8';

export interface PageResult {
  html: string;
  tags: string[];
}

export function renderPage(page: VNode): string {
  return `<!doctype html>${render(page)}`;
}

/** A cached page; `sets` names its comma-separated set parameters (CachedRoute.sets). */
export function pageRoute(name: string, ttl: keyof CacheTtlConfig, sets?: readonly string[]): CachedRoute<PageResult> {
  return { name: `page.${name}`, ttl, tags: (page) => page.tags, render: (page) => page.html, contentType: HTML_TYPE, ...(sets ? { sets } : {}) };
}

export type PageLoader = (ctx: PageContext) => Promise<PageResult>;

export async function servePage(
  app: FastifyInstance,
  base: PageContext,
  request: FastifyRequest,
  reply: FastifyReply,
  route: CachedRoute<PageResult>,
  load: PageLoader,
): Promise<void> {
  const flash = request.cookies[FLASH_COOKIE] === undefined ? undefined : readFlash(request);
  if (flash === undefined) return app.cache.serve(request, reply, route, () => load(base));
  await app.rateLimit.consume(request, reply, 'misses', clientKey(request.ip));
  clearFlash(reply);
  const page = await load({ ...base, flash });
  await reply.header('cache-control', 'private, no-store').type(HTML_TYPE).send(page.html);
}
