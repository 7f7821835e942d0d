/**
 * POST /api/admin/models/:id/images (multipart/form-data: optional text fields `alt`, `kind`, `position`
 * before one file part). admin and editor only, with the admin API's CSRF and `modify` rules (authorize).
 * The type is read from the bytes (sharp's metadata), never from the file name or the part's header:
 * JPEG, PNG, WebP and AVIF up to MEDIA_UPLOAD_MAX_MB. The original is stored, then one transaction adds
 * the model_images row, its audit row and a media.render job; the answer is 202 with the row, and its
 * renditions appear when the job has run.
 */
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import sharp from 'sharp';
import { IMAGE_KINDS } from '../admin/resources/specs/images.js';
import { adminWrite } from '../admin/write.js';
import { plainText } from '../content/text.js';
import { AppError } from '../errors.js';
import { mediaRenderJob } from '../jobs/media.js';
import { errorResponses, One } from '../lib/schemas.js';
import { enqueueJob } from '../platform/jobs/define-job.js';
import { mediaUrl, originalName } from './names.js';
import { MAX_INPUT_PIXELS } from './renditions.js';
import type { MediaStore } from './store.js';

/** What sharp calls each accepted format (AVIF is a HEIF container with AV1 inside). */
const ACCEPTED = { jpeg: 'jpeg', png: 'png', webp: 'webp', heif: 'avif' } as const;
const UNSUPPORTED = 'send a JPEG, PNG, WebP or AVIF image';
/** Orientations 5-8 turn the image a quarter: its displayed width is the stored height. */
const QUARTER_TURN_ORIENTATION = 5;

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

/** The image's format and displayed size, from its bytes; 415 when they are not an accepted image. */
async function inspect(bytes: Buffer) {
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => null);
  const format = meta ? ACCEPTED[meta.format as keyof typeof ACCEPTED] : undefined;
  if (!meta || !format || !meta.width || !meta.height) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `not an image this site accepts: ${UNSUPPORTED}`);
  if (meta.width * meta.height > MAX_INPUT_PIXELS) throw new AppError('PAYLOAD_TOO_LARGE', `the image may have at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels`);
  const turned = (meta.orientation ?? 1) >= QUARTER_TURN_ORIENTATION;
  return { format, width: turned ? meta.height : meta.width, height: turned ? meta.width : meta.height };
}

async function readUpload(file: MultipartFile, maxBytes: number): Promise<Buffer> {
  try {
    return await file.toBuffer();
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('PAYLOAD_TOO_LARGE', `an image may be at most ${maxBytes / 1024 / 1024} MB`);
    throw error;
  }
}

export function uploadRoutes(store: MediaStore, maxBytes: number): FastifyPluginAsyncTypebox {
  return async (app) => {
    // This plugin's scope only: the rest of the API stays JSON.
    await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 11, fieldSize: 1_000 } });

    app.post(
      '/api/admin/models/:id/images',
      {
        onRequest: app.authorize('catalogue:write'),
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
        const file = await request.file();
        if (!file) throw new AppError('BAD_REQUEST', 'the form has no file part');
        const fields = fieldsOf(file);
        const bytes = await readUpload(file, maxBytes);
        const image = await inspect(bytes);
        const { rows } = await app.pg.query<{ slug: string; name: string; brand: string }>(
          'SELECT m.slug, m.name, b.name AS brand FROM models m JOIN brands b ON b.id = m.brand_id WHERE m.id = $1 AND m.deleted_at IS NULL',
          [request.params.id],
        );
        const model = rows[0];
        if (!model) throw new AppError('MODEL_NOT_FOUND', `no model with id ${request.params.id}`);
        const name = originalName(bytes, image.format);
        await store.write(name, bytes);
        const alt = fields.alt === undefined ? `${model.brand} ${model.name}` : plainText('alt', fields.alt);
        const row = await adminWrite(app, request, async (tx, effects) => {
          const inserted = await tx.query<Static<typeof UploadedImage>>(
            `INSERT INTO model_images (model_id, kind, path, alt, width, height, position, bytes)
             VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, (SELECT coalesce(max(position) + 1, 0) FROM model_images WHERE model_id = $1)), $8)
             RETURNING id, version, $9::text AS model, kind, path, alt, width, height, position, bytes, renditions`,
            [request.params.id, fields.kind ?? 'exterior', mediaUrl(name), alt, image.width, image.height, fields.position ?? null, bytes.length, model.slug],
          );
          const created = inserted.rows[0]!;
          effects.audit({ action: 'create', entity: 'image', entityId: String(created.id), before: null, after: created });
          await enqueueJob(tx, mediaRenderJob, { kind: 'image', id: created.id });
          return created;
        });
        // The job's lane is drained now rather than at the next poll; the answer does not wait for it.
        void app.outbox.drainNow('rest').catch((error: unknown) => request.log.error({ err: error }, 'outbox drain after an upload failed'));
        reply.code(202).header('cache-control', 'no-store').header('location', `/api/admin/images/${row.id}`);
        return { data: row };
      },
    );
  };
}
