import { Type } from '@sinclair/typebox';
import { modelChanged } from '../../../catalogue/cache-tags.js';
import { BODY_TYPES, MODEL_STATUSES, StringEnum } from '../../../lib/schemas.js';
import { defineResource } from '../resource.js';
import { idOfSlug, listColumns, refuseIfParentDeleted, refuseIfReferenced, textColumns, valueColumns } from '../input.js';
import { Colours, Features, IsoDate, Meta, META_COLUMNS, OptionalText, Slug, slugFilter, Text } from './common.js';

const Fields = {
  slug: Slug,
  brand: Slug,
  name: Text(80),
  bodyType: StringEnum(BODY_TYPES),
  segment: Text(4),
  launchDate: IsoDate,
  status: StringEnum(MODEL_STATUSES),
  popularity: Type.Integer({ minimum: 0, maximum: 100 }),
  description: OptionalText(4000),
  colours: Colours,
  features: Features,
};

const View = Type.Object({ ...Meta, ...Fields, description: Type.String(), liveVariants: Type.Integer(), priceMinInr: Type.Union([Type.Integer(), Type.Null()]) });
type ModelView = { id: number; version: number; deletedAt: string | null; slug: string; brand: string };

export const modelsResource = defineResource<ModelView>({
  path: 'models',
  entity: 'model',
  table: 'models',
  read: 'catalogue:read',
  write: 'catalogue:write',
  View,
  Create: Type.Object(
    { ...Fields, popularity: Type.Optional(Fields.popularity), description: Fields.description, colours: Type.Optional(Colours), features: Type.Optional(Features) },
    { additionalProperties: false },
  ),
  Update: Type.Partial(Type.Object(Fields), { additionalProperties: false }),
  select: `SELECT ${META_COLUMNS}, t.slug, b.slug AS brand, t.name, t.body_type AS "bodyType", t.segment, t.launch_date AS "launchDate",
    t.status, t.popularity, t.description, t.colours, t.features, t.price_min_inr AS "priceMinInr",
    (SELECT count(*)::int FROM variants v WHERE v.model_id = t.id AND v.deleted_at IS NULL) AS "liveVariants"
    FROM models t JOIN brands b ON b.id = t.brand_id`,
  search: ['t.name', 't.slug'],
  filters: { brand: slugFilter('brands', 'brand_id') },
  async toColumns(input, tx) {
    const columns = {
      ...textColumns(input, { name: 'name', segment: 'segment', description: 'description' }),
      ...valueColumns(input, { slug: 'slug', bodyType: 'body_type', launchDate: 'launch_date', status: 'status', popularity: 'popularity' }),
      ...listColumns(input),
    };
    if (typeof input.brand === 'string') Object.assign(columns, { brand_id: await idOfSlug(tx, 'brands', input.brand, 'brand') });
    return columns;
  },
  async beforeDelete(tx, view) {
    await refuseIfReferenced(tx, 'SELECT count(*)::int AS n FROM variants WHERE model_id = $1 AND deleted_at IS NULL', view.id, (n) => `the model still has ${n} live variant(s): delete them first`);
  },
  beforeRestore: (tx, view) => refuseIfParentDeleted(tx, 'brands', view.brand, 'model'),
  tags: (view) => modelChanged(view.slug, view.brand),
});
