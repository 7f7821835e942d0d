/**
 * media.render: renders one model's generated artwork or one uploaded image into AVIF/WebP/JPEG
 * renditions (src/media). Queued by an upload (in its transaction), by the start-up sweep for artwork that
 * is missing or out of date, and by pages that found a model without renditions. Idempotent: a source
 * whose renditions are current is skipped. An uploaded image that cannot be rendered (unreadable, a size
 * outside the bounds) is not retried: the reason is kept on its row, where the admin's images list shows it.
 */
import { Type } from '@sinclair/typebox';
import type {} from '../media/media-plugin.js';
import { defineJob } from '../platform/jobs/define-job.js';

export const mediaRenderJob = defineJob({
  name: 'media.render',
  payload: Type.Object({
    kind: Type.Union([Type.Literal('artwork'), Type.Literal('image')], { description: 'artwork: id is a model id; image: a model_images id' }),
    id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  }),
  attempts: 3,
  async handle({ kind, id }, { app, log }) {
    const outcome = kind === 'artwork' ? await app.media.service.renderArtwork(id) : await app.media.service.renderImage(id);
    if (outcome === 'failed') log.warn({ kind, id, outcome }, 'image cannot be rendered; the reason is on its row (render_error)');
    else log.info({ kind, id, outcome }, 'media rendered');
  },
});
