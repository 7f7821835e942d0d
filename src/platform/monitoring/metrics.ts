/**
 * The Prometheus metrics of one process, in a registry of its own (no prom-client global): request
 * latency by route and status, database query latency, and the process metrics prom-client collects
 * (heap, GC, event-loop lag). Gauges that mirror other components (pool, cache, outbox, event-loop
 * utilisation) are read when Prometheus scrapes, so they cost nothing between scrapes.
 */
import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds: fine below 50 ms, where cached answers live, coarse up to the 30 s timeout. */
const HTTP_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const QUERY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];
/** Resolution of prom-client's event-loop delay histogram. */
const EVENT_LOOP_RESOLUTION_MS = 10;

export function createMetrics() {
  const registry = new Registry();
  registry.setDefaultLabels({ app: 'gadizone' });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_RESOLUTION_MS });

  let lastElu = performance.eventLoopUtilization();
  new Gauge({
    name: 'nodejs_eventloop_utilization_ratio',
    help: 'Share of time the event loop was busy since the previous scrape (0-1)',
    registers: [registry],
    aggregator: 'average',
    collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, lastElu).utilization);
      lastElu = now;
    },
  });

  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer a request, by route pattern, method and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: HTTP_BUCKETS_S,
      registers: [registry],
    }),
    queryDuration: new Histogram({
      name: 'db_query_duration_seconds',
      help: 'Time from sending a statement to PostgreSQL until its answer (or error)',
      labelNames: ['outcome'] as const,
      buckets: QUERY_BUCKETS_S,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'rate_limit_rejections_total',
      help: 'Requests answered 429 by a rate limit or the login lockout, by route',
      labelNames: ['route'] as const,
      registers: [registry],
    }),
    // Analytics ingest (src/analytics): events are buffered in memory and written in batches.
    eventsReceived: new Counter({
      name: 'events_received_total',
      help: 'Analytics events accepted into the ingest buffer, by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    eventsDropped: new Counter({
      name: 'events_dropped_total',
      help: 'Analytics events refused because the ingest buffer was full (database slow or down), or lost at shutdown',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    eventsFlushDuration: new Histogram({
      name: 'events_flush_duration_seconds',
      help: 'Time to write one batch of analytics events (one INSERT), by outcome',
      labelNames: ['outcome'] as const,
      buckets: QUERY_BUCKETS_S,
      registers: [registry],
    }),
    eventsBuffered: new Gauge({
      name: 'events_buffered',
      help: 'Analytics events waiting in the ingest buffer to be written',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
