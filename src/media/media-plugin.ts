/**
 * Images → `app.media`: the picture repository the pages use, the rendering service the media.render job
 * runs, the /media routes, and the admin API's image upload route (admin/images/image-upload-routes.ts),
 * registered here because it writes into this plugin's store. sharp is set up for bounded memory (no libvips cache, one
 * thread) and every render in this process goes through one queue, one image at a time.
 *
 * Artwork renditions are made by jobs, never on a request: at start-up (when AUTO_SEED prepares the
 * catalogue, as in embedded mode; elsewhere `gadizone media render-all`) the models whose artwork is
 * missing or out of date are queued through the outbox, and a page that meets one queues it too (once per
 * process per model).
 */
import fp from 'fastify-plugin';
import { imageUploadRoutes } from '../admin/images/image-upload-routes.js';
import type { Config } from '../config.js';
import { MEDIA_DECORATION, type MediaRenderHost } from './jobs.js';
import { createPictureRepository, type PictureRepository } from './repository.js';
import { configureSharp, createRenderQueue, type RenderQueue } from './renditions.js';
import { mediaRoutes } from './routes.js';
import { createMediaService, type MediaService } from './service.js';
import { createMediaStore, type MediaStore } from './store.js';

declare module 'fastify' {
  interface FastifyInstance {
    media: {
      /** Hero pictures and galleries for pages; models without artwork renditions get their render queued. */
      pictures: PictureRepository;
      service: MediaService;
      store: MediaStore;
      queue: RenderQueue;
    };
  }
}

/** A model queued from a page is not queued again by this process for this long. */
const REQUEUE_AFTER_MS = 10 * 60_000;
/** Bound on the memory of what was queued from pages. */
const MAX_REMEMBERED = 10_000;

export const mediaPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    configureSharp();
    const store = createMediaStore(config.media.dir);
    const queue = createRenderQueue();
    let closing = false;
    // Registered after the outbox, so this runs before the outbox waits for its running jobs.
    app.addHook('onClose', async () => {
      closing = true;
    });
    const service = createMediaService({ pool: app.pg, store, queue, flushInvalidations: () => app.outbox.drainNow('quick'), isClosing: () => closing });
    const queuedAt = new Map<number, number>();
    const onMissing = (modelIds: number[]) => {
      const now = Date.now();
      const fresh = modelIds.filter((id) => now - (queuedAt.get(id) ?? 0) > REQUEUE_AFTER_MS);
      if (fresh.length === 0) return;
      if (queuedAt.size + fresh.length > MAX_REMEMBERED) queuedAt.clear();
      for (const id of fresh) queuedAt.set(id, now);
      service.queueMissingArtwork(fresh).catch((error: unknown) => app.log.error({ err: error }, 'queueing artwork renders failed'));
    };
    const media = { pictures: createPictureRepository(app.pg, { onMissing }), service, store, queue };
    // The media.render job finds the service by this name, through the MediaRenderHost contract.
    app.decorate(MEDIA_DECORATION, media satisfies MediaRenderHost);
    await app.register(mediaRoutes(store));
    await app.register(imageUploadRoutes(store, config.media.uploadMaxBytes));
    if (config.autoSeed) {
      app.addHook('onReady', async () => {
        const queued = await service.queueMissingArtwork().catch((error: unknown) => {
          app.log.error({ err: error }, 'queueing artwork renders at start-up failed');
          return 0;
        });
        if (queued > 0) app.log.info({ queued }, 'artwork renders queued');
      });
    }
  },
  { name: 'media', dependencies: ['db', 'cache', 'outbox', 'jobs', 'auth'] },
);
