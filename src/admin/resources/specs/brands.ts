import { Type } from '@sinclair/typebox';
import { brandChanged } from '../../../catalogue/cache-tags.js';
import { defineResource } from '../resource.js';
import { refuseIfReferenced, textColumns, valueColumns } from '../input.js';
import { Hex, Meta, META_COLUMNS, OptionalText, Slug, Text } from './common.js';

const Fields = {
  slug: Slug,
  name: Text(80),
  country: Text(60),
  foundedYear: Type.Union([Type.Integer({ minimum: 1800, maximum: 2100 }), Type.Null()]),
  colour: Hex,
  description: OptionalText(2000),
};

const View = Type.Object({ ...Meta, ...Fields, description: Type.String(), liveModels: Type.Integer() });
type BrandView = { id: number; version: number; deletedAt: string | null; slug: string };

export const brandsResource = defineResource<BrandView>({
  path: 'brands',
  entity: 'brand',
  table: 'brands',
  read: 'catalogue:read',
  write: 'catalogue:write',
  View,
  Create: Type.Object({ ...Fields, foundedYear: Type.Optional(Fields.foundedYear) }, { additionalProperties: false }),
  Update: Type.Partial(Type.Object(Fields), { additionalProperties: false }),
  select: `SELECT ${META_COLUMNS}, t.slug, t.name, t.country, t.founded_year AS "foundedYear", t.colour, t.description,
    (SELECT count(*)::int FROM models m WHERE m.brand_id = t.id AND m.deleted_at IS NULL) AS "liveModels" FROM brands t`,
  search: ['t.name', 't.slug'],
  async toColumns(input) {
    return { ...textColumns(input, { name: 'name', country: 'country', description: 'description' }), ...valueColumns(input, { slug: 'slug', foundedYear: 'founded_year', colour: 'colour' }) };
  },
  async beforeDelete(tx, view) {
    await refuseIfReferenced(tx, 'SELECT count(*)::int AS n FROM models WHERE brand_id = $1 AND deleted_at IS NULL', view.id, (n) => `the brand still has ${n} live model(s): delete or move them first`);
  },
  tags: (view) => brandChanged(view.slug),
});
