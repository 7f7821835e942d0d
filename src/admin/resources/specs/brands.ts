import { Type } from '@sinclair/typebox';
import { brandChanged } from '../../../catalogue/cache-tags.js';
import { BRAND_FIELDS, columnValues, createProperties, editableFields, selectList, writableProperties } from '../../../catalogue/fields/index.js';
import { defineResource } from '../resource.js';
import { refuseIfReferenced, textColumns, valueColumns } from '../input.js';
import { Meta, META_COLUMNS, Slug, Text } from './common.js';

/** Identity, then the registry's brand fields. */
const Identity = { slug: Slug, name: Text(80) };
const Fields = { ...Identity, ...writableProperties(BRAND_FIELDS) };

const View = Type.Object({ ...Meta, ...Fields, description: Type.String(), liveModels: Type.Integer() });
type BrandView = { id: number; version: number; deletedAt: string | null; slug: string };

export const brandsResource = defineResource<BrandView>({
  path: 'brands',
  entity: 'brand',
  table: 'brands',
  read: 'catalogue:read',
  write: 'catalogue:write',
  View,
  Create: Type.Object({ ...Identity, ...createProperties(BRAND_FIELDS) }, { additionalProperties: false }),
  Update: Type.Partial(Type.Object(Fields), { additionalProperties: false }),
  select: `SELECT ${META_COLUMNS}, t.slug, t.name, ${selectList(editableFields(BRAND_FIELDS), 't')},
    (SELECT count(*)::int FROM models m WHERE m.brand_id = t.id AND m.deleted_at IS NULL) AS "liveModels" FROM brands t`,
  search: ['t.name', 't.slug'],
  async toColumns(input) {
    return { ...textColumns(input, { name: 'name' }), ...valueColumns(input, { slug: 'slug' }), ...columnValues(BRAND_FIELDS, input) };
  },
  async beforeDelete(tx, view) {
    await refuseIfReferenced(tx, 'SELECT count(*)::int AS n FROM models WHERE brand_id = $1 AND deleted_at IS NULL', view.id, (n) => `the brand still has ${n} live model(s): delete or move them first`);
  },
  tags: (view) => brandChanged(view.slug),
});
