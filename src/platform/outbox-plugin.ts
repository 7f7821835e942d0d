/** Decorates the app with the outbox drainer; the cache registers its invalidation handler here. */
import fp from 'fastify-plugin';
import { createOutboxDrainer, type OutboxDrainer } from './outbox.js';

declare module 'fastify' {
  interface FastifyInstance {
    outbox: OutboxDrainer;
  }
}

export const INVALIDATE = 'cache.invalidate';
export const CLEAR = 'cache.clear';

export const outboxPlugin = fp(
  async (app) => {
    const drainer = createOutboxDrainer(
      app.pg,
      {
        [INVALIDATE]: async (payload) => {
          const tags = (payload as { tags?: unknown }).tags;
          if (Array.isArray(tags)) await app.cache.invalidate(tags.filter((t): t is string => typeof t === 'string'));
        },
        [CLEAR]: () => app.cache.clear(),
      },
      app.log,
      [INVALIDATE, CLEAR],
    );
    app.decorate('outbox', drainer);
    app.addHook('onReady', async () => drainer.start());
    app.addHook('onClose', async () => {
      await drainer.stop();
      await drainer.drainNow().catch(() => undefined);
    });
  },
  { name: 'outbox', dependencies: ['db', 'cache'] },
);
