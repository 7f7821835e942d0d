/** Schema pieces the admin resource specs share. */
import { Type } from '@sinclair/typebox';
import { Slug } from '../../../lib/schemas.js';

export const Meta = {
  id: Type.Integer(),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  deletedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
};

export const META_COLUMNS = `t.id, t.version, t.created_at AS "createdAt", t.updated_at AS "updatedAt", t.deleted_at AS "deletedAt"`;

export const Text = (maxLength: number, minLength = 1) => Type.String({ minLength, maxLength });
export const OptionalText = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
export const Hex = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });
export const Colours = Type.Array(Type.Object({ name: Text(60), hex: Hex }, { additionalProperties: false }), { maxItems: 20 });
export const Features = Type.Array(Text(200), { maxItems: 200 });
export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
export { Slug };

/** A resource-level filter on a parent's slug. */
export const slugFilter = (table: string, column: string) => ({
  schema: Slug,
  condition: (param: (v: unknown) => string, value: unknown) => `t.${column} = (SELECT id FROM ${table} WHERE slug = ${param(value)})`,
});
