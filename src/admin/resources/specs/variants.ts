import { Type } from '@sinclair/typebox';
import { variantChanged } from '../../../catalogue/cache-tags.js';
import { columnValues, createProperties, editableFields, selectList, VARIANT_FIELDS, writableProperties } from '../../../catalogue/fields/index.js';
import { defineResource } from '../resource.js';
import { idOfSlug, listColumns, refuseIfParentDeleted, textColumns, valueColumns } from '../input.js';
import { Colours, Features, Meta, META_COLUMNS, Slug, slugFilter, Text } from './common.js';

/** Identity and reference; the specifications are the registry's editable variant fields. */
const Identity = { slug: Slug, model: Slug, name: Text(80) };
const Spec = writableProperties(VARIANT_FIELDS);

const View = Type.Object({ ...Meta, ...Identity, ...Spec, brand: Slug, colours: Colours, features: Features });
type VariantView = { id: number; version: number; deletedAt: string | null; slug: string; model: string; brand: string };

export const variantsResource = defineResource<VariantView>({
  path: 'variants',
  entity: 'variant',
  table: 'variants',
  read: 'catalogue:read',
  write: 'catalogue:write',
  View,
  Create: Type.Object(
    { ...Identity, ...createProperties(VARIANT_FIELDS), colours: Type.Optional(Colours), features: Type.Optional(Features) },
    { additionalProperties: false },
  ),
  Update: Type.Partial(Type.Object({ ...Identity, ...Spec, colours: Colours, features: Features }), { additionalProperties: false }),
  select: `SELECT ${META_COLUMNS}, t.slug, m.slug AS model, b.slug AS brand, t.name, ${selectList(editableFields(VARIANT_FIELDS), 't')}, t.colours, t.features
    FROM variants t JOIN models m ON m.id = t.model_id JOIN brands b ON b.id = m.brand_id`,
  search: ['t.name', 't.slug'],
  filters: { model: slugFilter('models', 'model_id') },
  async toColumns(input, tx) {
    const columns = { ...textColumns(input, { name: 'name' }), ...valueColumns(input, { slug: 'slug' }), ...columnValues(VARIANT_FIELDS, input), ...listColumns(input) };
    if (typeof input.model === 'string') Object.assign(columns, { model_id: await idOfSlug(tx, 'models', input.model, 'model') });
    return columns;
  },
  beforeRestore: (tx, view) => refuseIfParentDeleted(tx, 'models', view.model, 'variant'),
  tags: (view) => variantChanged(view.slug, view.model, view.brand),
});
