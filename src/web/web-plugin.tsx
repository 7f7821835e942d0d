/**
 * The public website: server-rendered pages, their forms, assets, sitemap and HTML error pages. Registered
 * as one encapsulated plugin, so its error handler, form-body parser and CSP apply to its routes only:
 * the API keeps JSON errors and JSON bodies.
 */
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, fromValidation, isDatabaseUnreachable, isStatementTimeout, sendError, statementTimedOut } from '../errors.js';
import { matchesEtag, negotiate, etagFor } from '../platform/cache/encoding.js';
import { helmetHeaders } from '../platform/security-plugin.js';
import { buildSiteAssets, type SiteAssets } from './assets.js';
import type { PageContext } from './components/layout.js';
import { formRoutes } from './forms.js';
import { HTML_TYPE, renderPage } from './page.js';
import { ErrorPage } from './pages/error.js';
import { pageRoutes } from './routes.js';
import { sitemapRoutes } from './sitemap.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The site CSP: helmet's, with the inlined stylesheet allowed by its hash (no nonce: pages are cached). */
function pageCsp(cssHash: string): string {
  const base = helmetHeaders()['content-security-policy'] ?? '';
  return base.replace("style-src 'self'", `style-src 'self' ${cssHash}`);
}

function statusOf(error: FastifyError): { status: number; detail?: string } {
  if (error instanceof AppError) return { status: error.status, detail: error.status < 500 ? error.message : undefined };
  if (error.validation) return { status: 400, detail: fromValidation(error.validation, error.validationContext ?? 'request').message };
  if (isDatabaseUnreachable(error)) return { status: 503 };
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return { status: error.statusCode, detail: error.message };
  return { status: 500 };
}

function sendAsset(assets: SiteAssets, request: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply) {
  const asset = assets.files.get(request.params.file);
  if (asset === undefined) return sendError(reply, new AppError('NOT_FOUND', 'no such asset'));
  reply.header('cache-control', IMMUTABLE).header('vary', 'accept-encoding');
  if (matchesEtag(request.headers['if-none-match'], asset.body.hash)) return reply.code(304).send();
  const encoding = negotiate(request.headers['accept-encoding'], asset.body);
  reply.type(asset.contentType).header('etag', etagFor(asset.body.hash, encoding));
  if (encoding === 'identity') return reply.send(asset.body.raw);
  return reply.header('content-encoding', encoding).send(encoding === 'br' ? asset.body.br : asset.body.gzip);
}

/**
 * Campaign and click-id parameters that ad platforms and newsletters append to links. They say nothing
 * about the page, so they are dropped before validation: a marketing link never gets the 400 page, and
 * the cache key (built from the validated query) stays the page's own. Any other unknown parameter is
 * still a 400, so the key space stays bounded.
 */
const TRACKING_PARAM = /^(utm_[a-z_]+|gclid|gbraid|wbraid|dclid|fbclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl)$/;

function dropTrackingParams(request: FastifyRequest): void {
  const query = request.query;
  if (query === null || typeof query !== 'object') return;
  for (const key of Object.keys(query)) if (TRACKING_PARAM.test(key)) delete (query as Record<string, unknown>)[key];
}

export async function webPlugin(app: FastifyInstance): Promise<void> {
  const assets = await buildSiteAssets();
  const site: PageContext = { publicUrl: app.config.publicUrl.replace(/\/$/, ''), css: assets.css, islandUrls: assets.islandUrls };
  const csp = pageCsp(assets.cssHash);

  app.addHook('onRequest', async (_request, reply) => {
    reply.header('content-security-policy', csp);
  });
  app.addHook('preValidation', async (request) => dropTrackingParams(request));
  await app.register(formbody);

  app.setErrorHandler((raised: FastifyError, request, reply) => {
    // A query cancelled by statement_timeout is the site being busy (503 with Retry-After), as on the API.
    const error: FastifyError = isStatementTimeout(raised) ? (statementTimedOut() as FastifyError) : raised;
    const { status, detail } = statusOf(error);
    if (status >= 500) request.log.error({ err: error }, 'page failed');
    else request.log.info({ status, message: error.message }, 'page client error');
    if (error instanceof AppError && error.headers) reply.headers(error.headers);
    const html = renderPage(<ErrorPage ctx={site} status={status} detail={detail} requestId={status >= 500 ? request.id : undefined} />);
    return reply.code(status).header('cache-control', 'no-store').type(HTML_TYPE).send(html);
  });

  app.get<{ Params: { file: string } }>('/assets/:file', { schema: { hide: true } }, (request, reply) => sendAsset(assets, request, reply));
  await app.register(pageRoutes, { site });
  await app.register(formRoutes);
  await app.register(sitemapRoutes);

  // Any other GET: the friendly 404 page, except under /api, which keeps its JSON error.
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path === '/api' || path.startsWith('/api/')) return sendError(reply, new AppError('ROUTE_NOT_FOUND', `no route for ${request.method} ${path}`));
    throw new AppError('NOT_FOUND', `no page at ${path}`);
  });
}
