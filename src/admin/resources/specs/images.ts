import { Type } from '@sinclair/typebox';
import { modelChanged } from '../../../catalogue/cache-tags.js';
import { StringEnum } from '../../../lib/schemas.js';
import { defineResource } from '../resource.js';
import { idOfSlug, refuseIfParentDeleted, textColumns, valueColumns } from '../input.js';
import { Meta, META_COLUMNS, Slug, slugFilter, Text } from './common.js';

export const IMAGE_KINDS = ['exterior', 'interior', 'colour', 'detail'] as const;

/**
 * An image path on this site (`/media/…`) or an https URL; never another scheme, a path that climbs out, or
 * `//host/…` (a protocol-relative URL: another site, as the content rules refuse it in markdown too).
 */
const ImagePath = Type.String({ maxLength: 500, pattern: '^(/(?!/)(?!.*\\.\\.)[A-Za-z0-9._~/-]+|https://[^\\s"<>\\\\]+)$', description: '/media/… or https://…' });

const Fields = {
  model: Slug,
  kind: StringEnum(IMAGE_KINDS),
  path: ImagePath,
  alt: Text(200),
  width: Type.Integer({ minimum: 1, maximum: 20_000 }),
  height: Type.Integer({ minimum: 1, maximum: 20_000 }),
  position: Type.Integer({ minimum: 0, maximum: 1_000 }),
};

/** Where an image is in the media.render job's hands: `ready` once its renditions exist (only then do pages show it). */
export const RENDER_STATES = ['pending', 'ready', 'failed'] as const;

const View = Type.Object({
  ...Meta,
  ...Fields,
  brand: Slug,
  bytes: Type.Union([Type.Integer(), Type.Null()]),
  renderState: StringEnum(RENDER_STATES, { description: 'pending until the media.render job has run; failed: see renderError' }),
  renderError: Type.Union([Type.String(), Type.Null()], { description: 'why the image cannot be rendered (a new upload is needed)' }),
});
type ImageView = { id: number; version: number; deletedAt: string | null; model: string; brand: string };

export const imagesResource = defineResource<ImageView>({
  path: 'images',
  entity: 'image',
  table: 'model_images',
  read: 'catalogue:read',
  write: 'catalogue:write',
  View,
  Create: Type.Object({ ...Fields, kind: Type.Optional(Fields.kind), position: Type.Optional(Fields.position) }, { additionalProperties: false }),
  Update: Type.Partial(Type.Object(Fields), { additionalProperties: false }),
  select: `SELECT ${META_COLUMNS}, m.slug AS model, b.slug AS brand, t.kind, t.path, t.alt, t.width, t.height, t.position, t.bytes,
      CASE WHEN t.renditions IS NOT NULL THEN 'ready' WHEN t.render_error IS NOT NULL THEN 'failed' ELSE 'pending' END AS "renderState",
      t.render_error AS "renderError"
    FROM model_images t JOIN models m ON m.id = t.model_id JOIN brands b ON b.id = m.brand_id`,
  search: ['t.alt', 't.path'],
  filters: { model: slugFilter('models', 'model_id') },
  async toColumns(input, tx) {
    const columns = { ...textColumns(input, { alt: 'alt' }), ...valueColumns(input, { kind: 'kind', path: 'path', width: 'width', height: 'height', position: 'position' }) };
    if (typeof input.model === 'string') Object.assign(columns, { model_id: await idOfSlug(tx, 'models', input.model, 'model') });
    return columns;
  },
  beforeRestore: (tx, view) => refuseIfParentDeleted(tx, 'models', view.model, 'image'),
  tags: (view) => modelChanged(view.model, view.brand),
});
