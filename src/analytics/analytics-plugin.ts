/**
 * The analytics domain (`app.analytics`): the trending models (read through `app.pgRead`), and the ingest:
 * the bounded event buffer, written to
 * analytics_events in batches, and flushed on close so a graceful shutdown loses nothing (only a database
 * that is down at that moment does: those events are counted as dropped). The roll-up and partition
 * maintenance are scheduled jobs (analytics/jobs.ts), run once per cluster.
 */
import fp from 'fastify-plugin';
import { createEventBuffer, type EventBuffer, type EventBufferStats } from './event-buffer.js';
import { createAnalyticsRepository, type EventRecord } from './repository.js';
import { createTrendingService } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    analytics: {
      /** Queues validated events; returns how many were accepted (the rest: buffer full). */
      ingest(events: readonly EventRecord[]): number;
      /** Writes everything buffered now (tests, shutdown); resolves after the first failed write. */
      flush(): Promise<void>;
      stats(): EventBufferStats;
      /** The trending models, ranked by the roll-up (reads). */
      trending: ReturnType<typeof createTrendingService>;
    };
  }
}

export interface AnalyticsPluginOptions {
  /** Default 10,000 events. */
  maxBuffered?: number;
  /** Default 500 events per INSERT. */
  batchSize?: number;
  /** Default 1,000 ms. */
  flushIntervalMs?: number;
}

export const analyticsPlugin = fp<AnalyticsPluginOptions>(
  async (app, options) => {
    const repository = createAnalyticsRepository(app.pg);
    const { eventsReceived, eventsDropped, eventsFlushDuration, eventsBuffered } = app.metrics;
    let failing = false;
    const buffer: EventBuffer<EventRecord> = createEventBuffer<EventRecord>({
      write: (batch) => repository.insertEvents(batch),
      ...(options.maxBuffered === undefined ? {} : { maxBuffered: options.maxBuffered }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
      onSize: (size) => eventsBuffered.set(size),
      onWrite(events, seconds, error) {
        eventsFlushDuration.observe({ outcome: error === null ? 'ok' : 'error' }, seconds);
        // One line when writes start failing and one when they recover, not one a second in between.
        if (error !== null && !failing) app.log.error({ err: error, events }, 'analytics events not written; kept in memory for the next attempt');
        if (error === null && failing) app.log.info({ buffered: buffer.stats().buffered }, 'analytics events written again');
        failing = error !== null;
      },
    });
    app.decorate('analytics', {
      ingest(events: readonly EventRecord[]): number {
        const accepted = buffer.add(events);
        const byType = new Map<string, number>();
        for (let i = 0; i < accepted; i += 1) {
          const type = (events[i] as EventRecord).type;
          byType.set(type, (byType.get(type) ?? 0) + 1);
        }
        for (const [type, count] of byType) eventsReceived.inc({ type }, count);
        if (accepted < events.length) eventsDropped.inc({ reason: 'buffer_full' }, events.length - accepted);
        return accepted;
      },
      flush: () => buffer.flush(),
      stats: () => buffer.stats(),
      trending: createTrendingService(createAnalyticsRepository(app.pgRead)),
    });
    app.addHook('onReady', async () => {
      buffer.start();
    });
    // Registered after the database plugin, so this runs before the pool closes.
    app.addHook('onClose', async () => {
      const lost = await buffer.stop();
      if (lost > 0) {
        eventsDropped.inc({ reason: 'shutdown' }, lost);
        app.log.error({ events: lost }, 'analytics events lost at shutdown: the database did not accept them');
      }
    });
  },
  { name: 'analytics', dependencies: ['db', 'metrics', 'outbox'] },
);
