/**
 * buildApp(config): a ready Fastify instance with every plugin and route registered. It never listens;
 * server.ts does, and tests call app.inject().
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { adminPlugin } from './admin/admin-plugin.js';
import { authPlugin } from './admin/auth/auth-plugin.js';
import { adminRoutes } from './admin/routes.js';
import { adminPages } from './web/admin/admin-page-routes.js';
import { analyticsPlugin } from './analytics/analytics-plugin.js';
import { analyticsRoutes } from './analytics/routes.js';
import { brandRoutes } from './catalogue/brands/routes.js';
import { cataloguePlugin } from './catalogue/catalogue-plugin.js';
import { compareRoutes } from './catalogue/compare/routes.js';
import { comparisonRoutes } from './catalogue/comparisons/routes.js';
import { modelRoutes } from './catalogue/models/routes.js';
import { searchRoutes } from './catalogue/search/routes.js';
import { variantRoutes } from './catalogue/variants/routes.js';
import type { Config } from './config.js';
import { articleRoutes } from './content/articles/routes.js';
import { contentPlugin } from './content/content-plugin.js';
import { leadRoutes } from './content/leads/routes.js';
import { createMailer, type Mailer } from './content/newsletter/mailer.js';
import { newsletterRoutes } from './content/newsletter/routes.js';
import { handleFrameworkError, registerErrorHandling } from './errors.js';
import { ErrorBody } from './lib/schemas.js';
import { cachePlugin } from './platform/cache/cache-plugin.js';
import { dbPlugin } from './platform/db-plugin.js';
import { outboxPlugin } from './platform/outbox-plugin.js';
import { jobsPlugin } from './platform/jobs/jobs-plugin.js';
import { ALL_JOBS, schedulesFor } from './jobs.js';
import { mediaPlugin } from './media/media-plugin.js';
import { rateLimitPlugin } from './platform/rate-limit/rate-limit-plugin.js';
import { securityPlugin } from './platform/security-plugin.js';
import { cacheMonitoringRoutes } from './platform/monitoring/cache-routes.js';
import { monitoringRoutes } from './platform/monitoring/health-routes.js';
import { metricsPlugin } from './platform/monitoring/metrics-plugin.js';
import { refuseUnstorableInput } from './platform/storable-input.js';
import { loadSheddingPlugin } from './platform/load-shedding.js';
import { requestId } from './platform/request-id.js';
import { flushLog, lazyChildLogger, loggerOptions, registerAccessLog } from './platform/logger.js';
import { pageDataPlugin } from './web/page-data-plugin.js';
import { webPlugin } from './web/web-plugin.js';

export interface AppOptions {
  config: Config;
  /** Sends transactional mail; defaults to SMTP when SMTP_URL is set, else writing the message to the log. */
  mailer?: Mailer;
  /** Run a BullMQ worker in this process (Redis configured). Default config.jobs.inServe; `gadizone worker` sets true. */
  consumeJobs?: boolean;
  /** Turn logging off (tests). */
  logger?: boolean;
  /** Where log lines go instead of standard output (tests read them). */
  logStream?: DestinationStream;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    mailer: Mailer;
  }
}

const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Time to receive a whole request. A bulk import streams its upload straight into the database, so its
 * body is still being read when the rows are written: 100,000 variants take 15-75 s on a loaded 2-core
 * machine. Slow senders are bounded elsewhere: headers within config.headersTimeoutMs (HTTP_HEADERS_TIMEOUT_MS,
 * 10 s; Node's default is 60 s), bodies by their limits.
 */
const REQUEST_TIMEOUT_MS = 180_000;
/**
 * How often Node looks for connections past their header or request timeout. Its default, 30 s, made the
 * 10 s header timeout 30-40 s in practice; checking every second (or twice per timeout, when shorter) makes
 * the configured value the effective one.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
/** Longer than any valid slug, so over-long ones get a validation message rather than a router error. */
const MAX_PARAM_LENGTH = 500;

export async function buildApp({ config, mailer, consumeJobs, logger = true, logStream }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, Math.ceil(config.headersTimeoutMs / 2)) },
    logger: logger ? loggerOptions(config, logStream) : false,
    ...(logger ? { childLoggerFactory: lazyChildLogger } : {}),
    // The access line is ours (registerAccessLog): one line, not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    genReqId: requestId,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: handleFrameworkError,
    ajv: {
      // Unknown parameters are errors, not silently dropped; query strings are coerced to their types.
      customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true, allErrors: true },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', config);
  app.decorate('mailer', mailer ?? createMailer(config.mail, app.log));
  registerErrorHandling(app);
  if (logger) {
    registerAccessLog(app, config.accessLog);
    // The buffered destination's last lines are written at close, not left to the process's exit.
    app.addHook('onClose', async () => flushLog(app));
  }
  // JSON only: any other body type is refused with 415 instead of reaching validation as a string.
  app.removeContentTypeParser('text/plain');
  refuseUnstorableInput(app);
  app.addSchema(ErrorBody);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'gadizone API',
        version: '1.0.0',
        description: 'The public catalogue API (brands, models, variants, comparisons, search, articles, leads, newsletter) and the admin API.',
      },
      servers: [{ url: config.publicUrl }],
      tags: [
        { name: 'catalogue', description: 'brands, models, variants, comparisons and search' },
        { name: 'content', description: 'articles' },
        { name: 'visitors', description: 'leads and newsletter' },
        { name: 'monitoring', description: 'health, metrics and cache statistics' },
        { name: 'admin', description: 'the back office: sign in, then send Authorization: Bearer <access token>' },
      ],
    },
  });
  // The docs page sets swagger-ui's own CSP (its assets, no inline script) for its routes only; framing stays refused.
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    transformStaticCSP: (header) => header.replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'"),
  });

  // Platform: security, metrics, load shedding, databases, cache, rate limits, outbox, jobs, auth.
  await app.register(cookie);
  await app.register(securityPlugin, { config });
  await app.register(metricsPlugin);
  await app.register(loadSheddingPlugin, { config });
  await app.register(dbPlugin, { config });
  await app.register(cachePlugin, { config });
  await app.register(rateLimitPlugin, { config });
  await app.register(outboxPlugin);
  await app.register(jobsPlugin, { jobs: ALL_JOBS, schedules: schedulesFor(config), ...(consumeJobs === undefined ? {} : { consume: consumeJobs }) });
  await app.register(authPlugin, { config });

  // Domains: each builds its repositories and services once and decorates the app with them.
  await app.register(cataloguePlugin); // app.catalogue: brands, models, variants, compare, comparisons, search
  await app.register(contentPlugin); // app.content: articles, leads, newsletter
  await app.register(analyticsPlugin); // app.analytics: event ingest, trending models
  await app.register(adminPlugin); // app.admin: the dashboard's lead figures
  await app.register(pageDataPlugin); // app.pageData: the pages' own reads (facets, sitemap)

  // API routes: public catalogue and content, visitors' writes, monitoring, admin.
  await app.register(brandRoutes);
  await app.register(modelRoutes);
  await app.register(variantRoutes);
  await app.register(compareRoutes);
  await app.register(comparisonRoutes);
  await app.register(searchRoutes);
  await app.register(articleRoutes);
  await app.register(leadRoutes);
  await app.register(newsletterRoutes);
  await app.register(analyticsRoutes);
  await app.register(cacheMonitoringRoutes);
  await app.register(monitoringRoutes, { config });
  await app.register(adminRoutes);

  // Pages: the admin pages and the public site.
  await app.register(adminPages);
  await app.register(webPlugin);

  // Media: app.media (pictures, uploads, renditions) with its routes (/media, artwork, the admin image API).
  await app.register(mediaPlugin, { config });
  return app;
}
