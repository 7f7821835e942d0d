/**
 * GET /api/monitoring/live, /ready, /health and /metrics. Never cached, never rate limited (see the
 * rate-limit plugin's uncounted prefixes), and cheap: health results are reused for a second, metrics
 * read counters that already exist.
 *
 *   live    200 while the process runs (a liveness probe restarts it otherwise)
 *   ready   200 when it can serve: database reachable, schema current, Redis up when configured (and
 *           READY_REQUIRES_REDIS); 503 otherwise and from the moment shutdown begins
 *   health  every component's status and latency (200, or 503 when not ready), for people and dashboards
 *   metrics Prometheus text; in a cluster, the sum over every worker
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';
import type { Config } from '../../config.js';
import { clusterMetrics } from './cluster-metrics.js';
import { createHealthChecks } from './health.js';

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: { shuttingDown: boolean };
  }
}

const Component = Type.Object({
  status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  latencyMs: Type.Number(),
  detail: Type.Optional(Type.String()),
});
const Report = Type.Object({
  status: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('shutting-down')]),
  checkedAt: Type.String({ format: 'date-time' }),
  uptimeS: Type.Integer(),
  pid: Type.Integer(),
  components: Type.Record(Type.String(), Component),
});
const Live = Type.Object({ status: Type.Literal('up'), uptimeS: Type.Integer(), pid: Type.Integer() });
const tags = ['monitoring'];

export const monitoringRoutes = fp<{ config: Config }>(
  async (app, { config }) => {
    app.decorate('lifecycle', { shuttingDown: false });
    // Redis is probed on the cache's own connection: the one public answers depend on, and no extra one.
    const health = createHealthChecks({
      pool: app.pg,
      breakerState: () => app.dbBreaker.state(),
      redis: app.cacheRedis,
      readyRequiresRedis: config.readyRequiresRedis,
      ...(app.replicas === null ? {} : { replicas: app.replicas.statuses }),
    });
    registerComponentGauges(app);

    const uptimeS = () => Math.floor(process.uptime());
    const full = async () => {
      const report = await health.report();
      const status = app.lifecycle.shuttingDown ? ('shutting-down' as const) : report.status;
      return { ...report, status, uptimeS: uptimeS(), pid: process.pid };
    };

    const routes: FastifyPluginAsyncTypebox = async (scope) => {
      scope.addHook('onSend', async (_request, reply) => {
        reply.header('cache-control', 'no-store');
      });

      scope.get('/api/monitoring/live', { schema: { tags, summary: 'Liveness: the process is up', response: { 200: Live } } }, async () => ({
        status: 'up' as const,
        uptimeS: uptimeS(),
        pid: process.pid,
      }));

      scope.get(
        '/api/monitoring/ready',
        { schema: { tags, summary: 'Readiness: can serve traffic (503 when not, and while shutting down)', response: { 200: Report, 503: Report } } },
        async (_request, reply) => {
          const report = await full();
          return reply.code(report.status === 'up' ? 200 : 503).send(report);
        },
      );

      scope.get(
        '/api/monitoring/health',
        { schema: { tags, summary: "Each component's status and latency", response: { 200: Report, 503: Report } } },
        async (_request, reply) => {
          const report = await full();
          return reply.code(report.status === 'up' ? 200 : 503).send(report);
        },
      );

      scope.get('/api/monitoring/metrics', { schema: { tags, summary: 'Prometheus metrics (text exposition format)', produces: ['text/plain'] } }, async (_request, reply) => {
        const text = (await clusterMetrics()) ?? (await app.metrics.registry.metrics());
        return reply.type(app.metrics.registry.contentType).send(text);
      });
    };
    await app.register(routes);
  },
  { name: 'monitoring', dependencies: ['metrics', 'db', 'cache'] },
);

/** Gauges read at scrape time from the pool, the cache statistics and the outbox. */
function registerComponentGauges(app: Parameters<typeof monitoringRoutes>[0]): void {
  const registers = [app.metrics.registry];
  const primary = app.pg;
  new Gauge({
    name: 'db_pool_connections',
    help: 'Pooled PostgreSQL connections: in use, idle, and requests waiting for one',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const { total, idle, waiting } = primary.connections();
      this.set({ state: 'in_use' }, total - idle);
      this.set({ state: 'idle' }, idle);
      this.set({ state: 'waiting' }, waiting);
    },
  });
  new Gauge({
    name: 'db_circuit_state',
    help: 'Database circuit breaker: 0 closed (normal), 1 half-open (probing), 2 open (failing fast)',
    registers,
    aggregator: 'max',
    collect() {
      this.set({ closed: 0, 'half-open': 1, open: 2 }[app.dbBreaker.state()]);
    },
  });
  new Gauge({
    name: 'cache_answers',
    help: 'Cached-route answers since start, by how they were served (memory, l1, l2, miss, stale, not_modified)',
    labelNames: ['tier'] as const,
    registers,
    collect() {
      const { total } = app.cache.stats();
      for (const [tier, value] of [['memory', total.memory], ['l1', total.l1], ['l2', total.l2], ['miss', total.miss], ['stale', total.stale], ['not_modified', total.notModified]] as const) {
        this.set({ tier }, value);
      }
    },
  });
  new Gauge({
    name: 'cache_hit_ratio',
    help: 'Share of cached-route answers served without the database since start (0-1)',
    registers,
    aggregator: 'average',
    collect() {
      this.set(app.cache.stats().total.hitRate ?? 0);
    },
  });
  new Gauge({
    name: 'queue_depth',
    help: 'Jobs waiting or running (BullMQ waiting + delayed + active, with Redis) plus outbox entries not yet applied',
    registers,
    aggregator: 'max',
    async collect() {
      this.set(await countJobs(app, 'depth'));
    },
  });
  new Gauge({
    name: 'queue_failed',
    help: 'Jobs in the failed list (BullMQ failed, with Redis, plus outbox entries given up)',
    registers,
    aggregator: 'max',
    async collect() {
      this.set(await countJobs(app, 'failed'));
    },
  });
}

/** Queue gauges from app.jobs (BullMQ and the outbox); -1 when Redis or the database does not answer. */
async function countJobs(app: Parameters<typeof monitoringRoutes>[0], which: 'depth' | 'failed'): Promise<number> {
  try {
    const { counts } = await app.jobs.overview(1);
    return which === 'failed' ? counts.failed : counts.waiting + counts.delayed + counts.active + (app.jobs.bullmq ? counts.outboxPending : 0);
  } catch {
    return -1;
  }
}

