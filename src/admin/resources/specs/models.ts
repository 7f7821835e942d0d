import { Type } from '@sinclair/typebox';
import { modelChanged } from '../../../catalogue/cache-tags.js';
import { columnValues, createProperties, editableFields, MODEL_FIELDS, selectList, writableProperties } from '../../../catalogue/fields/index.js';
import { defineResource } from '../resource.js';
import { idOfSlug, listColumns, refuseIfParentDeleted, refuseIfReferenced, textColumns, valueColumns } from '../input.js';
import { Colours, Features, Meta, META_COLUMNS, Slug, slugFilter, Text } from './common.js';

/** Identity and reference, the registry's editable model fields (crash test included), and the lists. */
const Identity = { slug: Slug, brand: Slug, name: Text(80) };
const Fields = { ...Identity, ...writableProperties(MODEL_FIELDS), colours: Colours, features: Features };

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
    { ...Identity, ...createProperties(MODEL_FIELDS), colours: Type.Optional(Colours), features: Type.Optional(Features) },
    { additionalProperties: false },
  ),
  Update: Type.Partial(Type.Object(Fields), { additionalProperties: false }),
  select: `SELECT ${META_COLUMNS}, t.slug, b.slug AS brand, t.name, ${selectList(editableFields(MODEL_FIELDS), 't')}, t.colours, t.features,
    t.price_min_inr AS "priceMinInr",
    (SELECT count(*)::int FROM variants v WHERE v.model_id = t.id AND v.deleted_at IS NULL) AS "liveVariants"
    FROM models t JOIN brands b ON b.id = t.brand_id`,
  search: ['t.name', 't.slug'],
  filters: { brand: slugFilter('brands', 'brand_id') },
  async toColumns(input, tx) {
    const columns = { ...textColumns(input, { name: 'name' }), ...valueColumns(input, { slug: 'slug' }), ...columnValues(MODEL_FIELDS, input), ...listColumns(input) };
    if (typeof input.brand === 'string') Object.assign(columns, { brand_id: await idOfSlug(tx, 'brands', input.brand, 'brand') });
    return columns;
  },
  async beforeDelete(tx, view) {
    await refuseIfReferenced(tx, 'SELECT count(*)::int AS n FROM variants WHERE model_id = $1 AND deleted_at IS NULL', view.id, (n) => `the model still has ${n} live variant(s): delete them first`);
  },
  beforeRestore: (tx, view) => refuseIfParentDeleted(tx, 'brands', view.brand, 'model'),
  tags: (view) => modelChanged(view.slug, view.brand),
});
