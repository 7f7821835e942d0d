/**
 * POST /api/admin/models/:id/images (multipart/form-data: optional text fields `alt`, `kind`, `position`
 * before one file part). admin and editor only, with the admin API's CSRF and `modify` rules (authorize).
 * The type is read from the bytes (sharp's metadata), never from the file name or the part's header:
 * JPEG, PNG, WebP and AVIF up to MEDIA_UPLOAD_MAX_MB, at least MIN_SIDE_PX a side and at most
 * MAX_ASPECT_RATIO long (media/renditions.ts: a picture outside those could never be rendered). The file is
 * streamed to disk as it arrives, never held in memory, and a body announcing more than the limit is
 * refused before it is read. The original is stored, then one transaction adds the model_images row, its
 * audit row and a media.render job; the answer is 202 with the row, and its renditions appear when the job
 * has run.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import sharp from 'sharp';
import { plainText } from '../../content/text.js';
import { AppError } from '../../errors.js';
import { errorResponses, One } from '../../lib/schemas.js';
import { mediaRenderJob } from '../../media/jobs.js';
import { createNameHash, mediaUrl, originalName } from '../../media/names.js';
import { displayedSize, MAX_INPUT_PIXELS, sizeProblem } from '../../media/renditions.js';
import type { MediaStore } from '../../media/store.js';
import { enqueueJob } from '../../platform/jobs/define-job.js';
import { IMAGE_KINDS } from '../resources/specs/images.js';
import { adminWrite } from '../write.js';

/** What sharp calls each accepted format (AVIF is a HEIF container with AV1 inside). */
const ACCEPTED = { jpeg: 'jpeg', png: 'png', webp: 'webp', heif: 'avif' } as const;
const UNSUPPORTED = 'send a JPEG, PNG, WebP or AVIF image';
/** The text fields and the multipart framing around the file: a body may be this much larger than the file limit. */
export const UPLOAD_FORM_OVERHEAD_BYTES = 64 * 1024;

const Params = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, { additionalProperties: false });
const Fields = Type.Object(
  {
    alt: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    // Literals, not StringEnum: TypeBox's compiler cannot check the Unsafe enum StringEnum builds.
    kind: Type.Optional(Type.Union(IMAGE_KINDS.map((kind) => Type.Literal(kind)))),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000 })),
  },
  { additionalProperties: false },
);
const checkFields = TypeCompiler.Compile(Fields);

export const UploadedImage = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  model: Type.String(),
  kind: Type.String(),
  path: Type.String({ description: 'the original, served at once (renditions follow when the job has run)' }),
  alt: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  position: Type.Integer(),
  bytes: Type.Integer(),
  renditions: Type.Null({ description: 'null until the media.render job has run' }),
});

/** The text fields sent before the file part, validated like a JSON body. */
function fieldsOf(file: MultipartFile): Static<typeof Fields> {
  const raw: Record<string, unknown> = {};
  for (const [name, part] of Object.entries(file.fields)) {
    const value = Array.isArray(part) ? part[0] : part;
    if (value && value.type === 'field') raw[name] = name === 'position' && /^\d{1,4}$/.test(String(value.value)) ? Number(value.value) : value.value;
  }
  if (checkFields.Check(raw)) return raw;
  const first = checkFields.Errors(raw).First();
  throw new AppError('VALIDATION_FAILED', `invalid form field ${first?.path.slice(1) || ''}: ${first?.message ?? 'invalid'}`.trim());
}

/** The image's format and displayed size, from its header; 415 when it is not an accepted image, 400 when it could never render. */
async function inspect(path: string) {
  const meta = await sharp(path, { limitInputPixels: false })
    .metadata()
    .catch(() => null);
  const format = meta ? ACCEPTED[meta.format as keyof typeof ACCEPTED] : undefined;
  if (!meta || !format || !meta.width || !meta.height) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `not an image this site accepts: ${UNSUPPORTED}`);
  if (meta.width * meta.height > MAX_INPUT_PIXELS) throw new AppError('PAYLOAD_TOO_LARGE', `the image may have at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels`);
  const size = displayedSize(meta);
  const problem = sizeProblem(size.width, size.height);
  if (problem !== null) throw new AppError('VALIDATION_FAILED', problem, [{ in: 'body', field: 'file', message: problem }]);
  return { format, ...size };
}

interface Received {
  /** The temporary file in MEDIA_DIR (not a media name: never served). */
  temporary: string;
  hash: string;
  bytes: number;
}

/**
 * Streams the file part into a temporary file beside the store's files (so the final rename stays on one
 * file system), hashing it on the way: an upload is never held in memory. 413 past `maxBytes`.
 */
async function receive(file: MultipartFile, dir: string, maxBytes: number): Promise<Received> {
  await mkdir(dir, { recursive: true });
  const temporary = join(dir, `.upload-${randomBytes(8).toString('hex')}.tmp`);
  const hash = createNameHash();
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(file.file, count, createWriteStream(temporary, { flags: 'wx' }));
    if (file.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE', `an image may be at most ${maxBytes / 1024 / 1024} MB`);
    return { temporary, hash: hash.digest(), bytes };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Moves the received file to its content-hashed name, unless a file of that name (the same bytes) is there already. */
async function keep(store: MediaStore, received: Received, name: string): Promise<void> {
  if ((await store.stat(name))?.size !== received.bytes) await rename(received.temporary, store.pathOf(name));
}

/** Bodies that announce more than an upload may carry are refused before a byte is read. */
function refuseDeclaredOversize(maxBodyBytes: number) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (Number(request.headers['content-length']) > maxBodyBytes) {
      reply.header('connection', 'close');
      throw new AppError('PAYLOAD_TOO_LARGE', `an upload may be at most ${Math.floor(maxBodyBytes / 1024 / 1024)} MB`);
    }
  };
}

interface Stored {
  name: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
}

/** The file part → a checked original under its content-hashed name; nothing is kept when a check fails. */
async function storeOriginal(store: MediaStore, file: MultipartFile, maxBytes: number): Promise<Stored> {
  const received = await receive(file, store.dir, maxBytes);
  try {
    const image = await inspect(received.temporary);
    const name = originalName(received.hash, image.format);
    await keep(store, received, name);
    return { name, ...image, bytes: received.bytes };
  } finally {
    await rm(received.temporary, { force: true });
  }
}

interface UploadModel {
  slug: string;
  name: string;
  brand: string;
}

async function findModel(app: FastifyInstance, id: number): Promise<UploadModel> {
  const { rows } = await app.pg.query<UploadModel>('SELECT m.slug, m.name, b.name AS brand FROM models m JOIN brands b ON b.id = m.brand_id WHERE m.id = $1 AND m.deleted_at IS NULL', [id]);
  if (!rows[0]) throw new AppError('MODEL_NOT_FOUND', `no model with id ${id}`);
  return rows[0];
}

/** The model_images row, its audit row and the media.render job, in one transaction. */
function createImage(app: FastifyInstance, request: FastifyRequest, modelId: number, model: UploadModel, fields: Static<typeof Fields>, stored: Stored) {
  const alt = fields.alt === undefined ? `${model.brand} ${model.name}` : plainText('alt', fields.alt);
  return adminWrite(app, request, async (tx, effects) => {
    const inserted = await tx.query<Static<typeof UploadedImage>>(
      `INSERT INTO model_images (model_id, kind, path, alt, width, height, position, bytes)
       VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, (SELECT coalesce(max(position) + 1, 0) FROM model_images WHERE model_id = $1)), $8)
       RETURNING id, version, $9::text AS model, kind, path, alt, width, height, position, bytes, renditions`,
      [modelId, fields.kind ?? 'exterior', mediaUrl(stored.name), alt, stored.width, stored.height, fields.position ?? null, stored.bytes, model.slug],
    );
    const created = inserted.rows[0]!;
    effects.audit({ action: 'create', entity: 'image', entityId: String(created.id), before: null, after: created });
    await enqueueJob(tx, mediaRenderJob, { kind: 'image', id: created.id });
    return created;
  });
}

/**
 * The upload route, writing originals into the media plugin's store (media-plugin.ts registers it with that
 * store); `maxBytes` is the file limit (MEDIA_UPLOAD_MAX_MB).
 */
export function imageUploadRoutes(store: MediaStore, maxBytes: number): FastifyPluginAsyncTypebox {
  return async (app) => {
    // This plugin's scope only: the rest of the API stays JSON.
    await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 11, fieldSize: 1_000 } });

    app.post(
      '/api/admin/models/:id/images',
      {
        // Who asks, then how much they announce: both before a byte of the body is read.
        onRequest: [app.authorize('catalogue:write'), refuseDeclaredOversize(maxBytes + UPLOAD_FORM_OVERHEAD_BYTES)],
        schema: {
          tags: ['admin'],
          summary: 'Upload an image of a model (multipart/form-data); renditions follow from a job',
          consumes: ['multipart/form-data'],
          params: Params,
          response: { 202: One(UploadedImage), ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `send multipart/form-data with one file part: ${UNSUPPORTED}`);
        const model = await findModel(app, request.params.id);
        const file = await request.file();
        if (!file) throw new AppError('BAD_REQUEST', 'the form has no file part');
        const fields = fieldsOf(file);
        const stored = await storeOriginal(store, file, maxBytes);
        const row = await createImage(app, request, request.params.id, model, fields, stored);
        // The job's lane is drained now rather than at the next poll; the answer does not wait for it.
        void app.outbox.drainNow('rest').catch((error: unknown) => request.log.error({ err: error }, 'outbox drain after an upload failed'));
        reply.code(202).header('cache-control', 'no-store').header('location', `/api/admin/images/${row.id}`);
        return { data: row };
      },
    );
  };
}
