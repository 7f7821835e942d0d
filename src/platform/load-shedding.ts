/**
 * Load shedding: while the event loop lags more than OVERLOAD_MAX_EVENT_LOOP_DELAY_MS, new requests get a
 * quick 503 OVERLOADED with Retry-After instead of joining a queue whose every member would time out. A
 * lagging loop means this process is past its capacity; the load balancer's retry (or the client's) lands
 * on a process that is not. Liveness and readiness probes are exempt: an overloaded process is alive, and
 * taking it out of rotation is the balancer's call from its own signals, not a probe timing out. Nothing is
 * shed before the server listens (start-up and its cache warm-up are lag by design).
 *
 * Why not @fastify/under-pressure, which DESIGN.md names: its lag is the mean of
 * perf_hooks.monitorEventLoopDelay over each interval, and under steady load that histogram often records
 * no sample at all (Node records only positive delays); under-pressure then takes the NaN as an infinite
 * lag and sheds. Measured here (test/chaos/sigterm.test.ts, 16 connections on a busy 2-core machine):
 * 419 of ~600 healthy requests refused. The classic measure below (how late a timer fires) has no such
 * hole and costs one timer.
 */
import { performance } from 'node:perf_hooks';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { AppError, sendError } from '../errors.js';

const RETRY_AFTER_S = 2;
const EXEMPT = new Set(['/api/monitoring/live', '/api/monitoring/ready', '/api/monitoring/health', '/api/monitoring/metrics']);

/**
 * The event loop's sustained lag, in ms: how late the timer fired on each of the last two ticks, the
 * smaller of the two. One long stall (a first-request compile, a major GC) is over by the time it is
 * measured, and refusing requests after it helps nobody; overload lags tick after tick.
 */
export function createLagSampler(intervalMs: number) {
  let previousMs = 0;
  let latestMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    previousMs = latestMs;
    latestMs = Math.max(0, now - last - intervalMs);
    last = now;
  }, intervalMs);
  timer.unref();
  return { lagMs: () => Math.min(previousMs, latestMs), stop: () => clearInterval(timer) };
}

export const loadSheddingPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const maxLagMs = config.overloadMaxEventLoopDelayMs;
    if (maxLagMs === 0) return;
    const sampler = createLagSampler(config.overloadSampleIntervalMs);
    app.addHook('onClose', async () => sampler.stop());
    // A callback hook, not an async one: it runs on every request, and a promise per request is measurable.
    app.addHook('onRequest', (request, reply, done) => {
      const lagMs = sampler.lagMs();
      if (lagMs <= maxLagMs || !app.server.listening || EXEMPT.has(request.routeOptions.url ?? '')) {
        done();
        return;
      }
      request.log.warn({ lagMs: Math.round(lagMs) }, 'overloaded: shedding request');
      reply.header('retry-after', String(RETRY_AFTER_S));
      // Answered here: done() is not called, so the request goes no further.
      sendError(reply, new AppError('OVERLOADED', `the server is overloaded; retry in ${RETRY_AFTER_S} s`));
    });
  },
  { name: 'load-shedding' },
);
