/**
 * Rendering, as the media.render job runs it: one model's artwork or one uploaded image → renditions in
 * MEDIA_DIR → the row that lists them, written with the cache invalidation of the model's pages in one
 * transaction (the outbox), so pages pick the new pictures up. Both are idempotent: a source whose
 * renditions are current (same hash) is not rendered again.
 */
import { modelChanged } from '../catalogue/cache-tags.js';
import { transaction, type Database, type Executor } from '../platform/db.js';
import { enqueueJob } from '../platform/jobs/define-job.js';
import { DeferredOutboxError, enqueue } from '../platform/outbox.js';
import { INVALIDATE } from '../platform/outbox-plugin.js';
import { mediaRenderJob, type RenderOutcome } from './jobs.js';
import { parseMediaName } from './names.js';
import { RenderError, renderRenditions, type RenderQueue, type RenditionSet } from './renditions.js';
import { artworkOf } from './repository.js';
import type { MediaStore } from './store.js';

export interface MediaServiceDeps {
  pool: Database;
  store: MediaStore;
  queue: RenderQueue;
  /** Applies committed invalidations now (the outbox's quick lane) rather than at the next poll. */
  flushInvalidations(): Promise<unknown>;
  /** True once the app is closing: renders not yet started are left (the job is retried by the next process). */
  isClosing?(): boolean;
}

/** Longest reason kept on a row (sharp's messages are short; this bounds a surprising one). */
const MAX_RENDER_ERROR_CHARS = 500;

/** Serialises start-up sweeps of several processes, so the second finds the first one's jobs pending. */
const SWEEP_LOCK_KEY = 7_301_005;

const PENDING_ARTWORK_SQL = `
  SELECT (payload->'payload'->>'id')::int AS id FROM outbox
   WHERE processed_at IS NULL AND kind = 'job' AND payload->>'name' = $1 AND payload->'payload'->>'kind' = 'artwork'`;

/** Live models (or those of `modelIds`) whose artwork has no renditions, or renditions of an older SVG; most popular first. */
async function findStaleArtwork(executor: Executor, modelIds?: number[]): Promise<number[]> {
  const { rows } = await executor.query<{ id: number; body_type: string; colour: string; source_hash: string | null }>(
    `SELECT m.id, m.body_type, b.colour, a.source_hash FROM models m JOIN brands b ON b.id = m.brand_id
       LEFT JOIN model_artwork a ON a.model_id = m.id
      WHERE m.deleted_at IS NULL AND ($1::int[] IS NULL OR m.id = ANY($1::int[])) ORDER BY m.popularity DESC, m.id`,
    [modelIds ?? null],
  );
  return rows.filter((row) => row.source_hash !== artworkOf(row.body_type, row.colour).hash).map((row) => row.id);
}

export function createMediaService({ pool, store, queue, flushInvalidations, isClosing = () => false }: MediaServiceDeps) {
  /** Renders in the queue, unless the app began closing while this one waited (shutdown waits for one render, not all). */
  const render = (source: Buffer) =>
    queue.run(() => {
      if (isClosing()) throw new DeferredOutboxError('shutting down: this render is left for the next process');
      return renderRenditions(source, store);
    });

  async function save(write: (tx: Executor) => Promise<unknown>, model: string, brand: string): Promise<void> {
    await transaction(pool, async (tx) => {
      await write(tx);
      await enqueue(tx, INVALIDATE, { tags: modelChanged(model, brand) });
    });
    await flushInvalidations();
  }

  /** Renditions already made from the same SVG (same body type and colour: a brand's other models), when their files exist. */
  async function renditionsOf(hash: string): Promise<RenditionSet | null> {
    const { rows } = await pool.query<{ renditions: RenditionSet }>('SELECT renditions FROM model_artwork WHERE source_hash = $1 LIMIT 1', [hash]);
    const set = rows[0]?.renditions;
    if (!set) return null;
    const present = await Promise.all(set.files.map((file) => store.stat(file.name)));
    return present.every(Boolean) ? set : null;
  }

  async function renderArtwork(modelId: number): Promise<RenderOutcome> {
    const { rows } = await pool.query<{ slug: string; body_type: string; brand: string; colour: string; source_hash: string | null }>(
      `SELECT m.slug, m.body_type, b.slug AS brand, b.colour, a.source_hash
         FROM models m JOIN brands b ON b.id = m.brand_id LEFT JOIN model_artwork a ON a.model_id = m.id WHERE m.id = $1`,
      [modelId],
    );
    const model = rows[0];
    if (!model) return 'missing';
    const { svg, hash } = artworkOf(model.body_type, model.colour);
    if (model.source_hash === hash) return 'unchanged';
    const set = (await renditionsOf(hash)) ?? (await render(Buffer.from(svg)));
    const upsert = `INSERT INTO model_artwork (model_id, source_hash, renditions) VALUES ($1, $2, $3)
      ON CONFLICT (model_id) DO UPDATE SET source_hash = excluded.source_hash, renditions = excluded.renditions, rendered_at = now()`;
    await save((tx) => tx.query(upsert, [modelId, hash, JSON.stringify(set)]), model.slug, model.brand);
    return 'rendered';
  }

  async function renderImage(imageId: number): Promise<RenderOutcome> {
    const { rows } = await pool.query<{ path: string; renditions: RenditionSet | null; model: string; brand: string }>(
      `SELECT i.path, i.renditions, m.slug AS model, b.slug AS brand
         FROM model_images i JOIN models m ON m.id = i.model_id JOIN brands b ON b.id = m.brand_id WHERE i.id = $1`,
      [imageId],
    );
    const image = rows[0];
    if (!image) return 'missing';
    // Only originals this store holds can be rendered (an https URL entered by an editor cannot).
    const name = image.path.startsWith('/media/') ? image.path.slice('/media/'.length) : '';
    const parsed = parseMediaName(name);
    if (!parsed || name.includes('-') || !(await store.stat(name))) return 'unsupported';
    if (image.renditions?.source === parsed.hash) return 'unchanged';
    const source = await store.read(name);
    let set: RenditionSet;
    try {
      set = await render(source);
    } catch (error) {
      // The source itself cannot be rendered: said on the row (the admin's images list shows it), not retried,
      // since the same bytes fail the same way. Any other failure (the disk, a shutdown) is thrown and retried.
      if (!(error instanceof RenderError)) throw error;
      await pool.query('UPDATE model_images SET render_error = $2 WHERE id = $1', [imageId, error.message.slice(0, MAX_RENDER_ERROR_CHARS)]);
      return 'failed';
    }
    await save((tx) => tx.query('UPDATE model_images SET renditions = $2, render_error = NULL WHERE id = $1', [imageId, JSON.stringify(set)]), image.model, image.brand);
    return 'rendered';
  }

  /**
   * Queues a render job for each live model (or each of `modelIds`) whose artwork has no renditions or
   * renditions of an older SVG, unless one is already waiting in the outbox. Returns how many were queued.
   */
  async function queueMissingArtwork(modelIds?: number[]): Promise<number> {
    return transaction(pool, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SWEEP_LOCK_KEY]);
      const pending = new Set((await tx.query<{ id: number }>(PENDING_ARTWORK_SQL, [mediaRenderJob.name])).rows.map((row) => row.id));
      const stale = (await findStaleArtwork(tx, modelIds)).filter((id) => !pending.has(id));
      for (const id of stale) await enqueueJob(tx, mediaRenderJob, { kind: 'artwork', id });
      return stale.length;
    });
  }

  return { renderArtwork, renderImage, queueMissingArtwork, findStaleArtwork: (modelIds?: number[]) => findStaleArtwork(pool, modelIds) };
}
export type MediaService = ReturnType<typeof createMediaService>;
