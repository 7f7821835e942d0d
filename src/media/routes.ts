/**
 * Serving images:
 *   GET /media/<name>            a rendition or an uploaded original; content-hashed, so cached for a year
 *                                (immutable); 404 for any name that is not one this store writes
 *   GET /media/art/<model>.svg   a model's artwork SVG, generated on request and cached like a page
 *                                (tagged with the model and brand, so a colour change shows at once)
 */
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { artworkAnswerTags, missingModelTags } from '../catalogue/cache-tags.js';
import { AppError, notFound } from '../errors.js';
import type { CachedRoute } from '../platform/cache/response-cache.js';
import { parseMediaName } from './names.js';
import { artworkOf } from './repository.js';
import type { MediaStore } from './store.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const ARTWORK_FILE = /^([a-z0-9][a-z0-9-]{0,119})\.svg$/;

interface Artwork {
  slug: string;
  brand: string;
  svg: string;
}

const ARTWORK_CACHE: CachedRoute<Artwork> = {
  name: 'media.artwork',
  ttl: 'modelsS',
  tags: (art) => artworkAnswerTags(art.slug, art.brand),
  errorTags: (request) => missingModelTags((request.params as { file: string }).file.replace(/\.svg$/, '')),
  render: (art) => art.svg,
  contentType: 'image/svg+xml',
};

const missing = () => new AppError('NOT_FOUND', 'no such image');

export function mediaRoutes(store: MediaStore): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { name: string } }>('/media/:name', { schema: { hide: true } }, async (request, reply) => {
      const parsed = parseMediaName(request.params.name);
      const found = parsed ? await store.stat(request.params.name) : null;
      if (!parsed || !found) throw missing();
      const etag = `"${request.params.name}"`;
      reply.header('cache-control', IMMUTABLE).header('etag', etag).header('last-modified', found.mtime.toUTCString());
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      reply.type(parsed.contentType).header('content-length', found.size);
      return reply.send(createReadStream(store.pathOf(request.params.name)));
    });

    app.get<{ Params: { file: string } }>('/media/art/:file', { schema: { hide: true } }, async (request, reply) => {
      const match = ARTWORK_FILE.exec(request.params.file);
      if (!match) throw missing();
      const slug = match[1]!;
      return app.cache.serve(request, reply, ARTWORK_CACHE, async () => {
        const { rows } = await app.pg.query<{ body_type: string; colour: string; brand: string }>(
          'SELECT m.body_type, b.colour, b.slug AS brand FROM models m JOIN brands b ON b.id = m.brand_id WHERE m.slug = $1',
          [slug],
        );
        const model = rows[0];
        if (!model) throw notFound('MODEL_NOT_FOUND', 'model', slug);
        return { slug, brand: model.brand, svg: artworkOf(model.body_type, model.colour).svg };
      });
    });
  };
}
