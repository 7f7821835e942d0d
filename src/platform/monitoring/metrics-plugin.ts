/**
 * Decorates the app with its Prometheus metrics (`app.metrics`) and times every answer. Registered before
 * the database plugin, which times its statements into `app.metrics.queryDuration`. The gauges that read
 * other components (pool, cache, outbox) are added by the monitoring routes, once those components exist.
 */
import fp from 'fastify-plugin';
import { joinClusterMetrics } from './cluster-metrics.js';
import { createMetrics, type Metrics } from './metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** Label of requests that matched no route: one series for all of them, whatever the URL. */
const UNMATCHED = 'unmatched';
/**
 * The website's catch-all GET route (src/web), which only renders the 404 page (or the API's JSON 404):
 * counted as unmatched, so unknown URLs stay one series and never read as a real route.
 */
const CATCH_ALL_ROUTE = '/*';

export const metricsPlugin = fp(
  async (app) => {
    const metrics = createMetrics();
    app.decorate('metrics', metrics);
    joinClusterMetrics(metrics.registry);
    app.addHook('onResponse', (request, reply, done) => {
      const url = request.routeOptions.url;
      const route = url === undefined || url === CATCH_ALL_ROUTE ? UNMATCHED : url;
      metrics.httpDuration.observe({ method: request.method, route, status: reply.statusCode }, reply.elapsedTime / 1000);
      if (reply.statusCode === 429) metrics.rateLimited.inc({ route });
      done();
    });
  },
  { name: 'metrics' },
);
