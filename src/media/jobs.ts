/**
 * media.render: renders one model's generated artwork or one uploaded image into AVIF/WebP/JPEG
 * renditions (src/media). Queued by an upload (in its transaction), by the start-up sweep for artwork that
 * is missing or out of date, and by pages that found a model without renditions. Idempotent: a source
 * whose renditions are current is skipped. An uploaded image that cannot be rendered (unreadable, a size
 * outside the bounds) is not retried: the reason is kept on its row, where the admin's images list shows it.
 *
 * The job knows the rendering service only through MediaRenderer, looked up on the app at run time: the
 * service enqueues this job, so importing the service (or the plugin that builds it) here would be a cycle.
 */
import { Type } from '@sinclair/typebox';
import { defineJob } from '../platform/jobs/define-job.js';

/** `failed`: the source cannot be rendered (RenderError); the reason is on the image's row. */
export type RenderOutcome = 'rendered' | 'unchanged' | 'missing' | 'unsupported' | 'failed';

/** What the job needs of the media service (service.ts), which media-plugin.ts decorates the app with. */
export interface MediaRenderer {
  renderArtwork(modelId: number): Promise<RenderOutcome>;
  renderImage(imageId: number): Promise<RenderOutcome>;
}

/** The part of the `app.media` decoration the job reads; media-plugin.ts checks that it satisfies this. */
export interface MediaRenderHost {
  service: MediaRenderer;
}

/** The app decoration media-plugin.ts adds (`app.media`). */
export const MEDIA_DECORATION = 'media';

export const mediaRenderJob = defineJob({
  name: 'media.render',
  payload: Type.Object({
    kind: Type.Union([Type.Literal('artwork'), Type.Literal('image')], { description: 'artwork: id is a model id; image: a model_images id' }),
    id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  }),
  attempts: 3,
  async handle({ kind, id }, { app, log }) {
    const { service } = app.getDecorator<MediaRenderHost>(MEDIA_DECORATION);
    const outcome = kind === 'artwork' ? await service.renderArtwork(id) : await service.renderImage(id);
    if (outcome === 'failed') log.warn({ kind, id, outcome }, 'image cannot be rendered; the reason is on its row (render_error)');
    else log.info({ kind, id, outcome }, 'media rendered');
  },
});
