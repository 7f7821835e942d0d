import { Type } from '@sinclair/typebox';
import { comparisonsChanged } from '../../../catalogue/cache-tags.js';
import { AppError } from '../../../errors.js';
import { defineResource } from '../resource.js';
import { textColumns, valueColumns } from '../input.js';
import { Meta, META_COLUMNS, Slug } from './common.js';
import type { Executor } from '../../../platform/db.js';

const Fields = {
  slug: Slug,
  title: Type.String({ maxLength: 200, description: 'defaults to the model names joined by "vs"' }),
  position: Type.Integer({ minimum: 0, maximum: 10_000, description: 'order on the site, lowest first' }),
  models: Type.Array(Slug, { minItems: 2, maxItems: 4, uniqueItems: true, description: 'model slugs, in display order' }),
};

const View = Type.Object({ ...Meta, ...Fields });
type ComparisonView = { id: number; version: number; deletedAt: string | null };

async function setModels(tx: Executor, id: number, slugs: string[]): Promise<void> {
  const { rows } = await tx.query<{ slug: string }>('SELECT slug FROM models WHERE slug = ANY($1::text[]) AND deleted_at IS NULL', [slugs]);
  const unknown = slugs.filter((slug) => !rows.some((r) => r.slug === slug));
  if (unknown.length > 0) throw new AppError('VALIDATION_FAILED', `models: no model with slug ${unknown.map((s) => `"${s}"`).join(', ')}`);
  await tx.query('DELETE FROM popular_comparison_models WHERE comparison_id = $1', [id]);
  await tx.query(
    `INSERT INTO popular_comparison_models (comparison_id, model_id, position)
     SELECT $1, m.id, s.position FROM unnest($2::text[]) WITH ORDINALITY AS s(slug, position) JOIN models m ON m.slug = s.slug`,
    [id, slugs],
  );
  await tx.query(
    `UPDATE popular_comparisons c SET title = (SELECT string_agg(m.search_name, ' vs ' ORDER BY cm.position)
       FROM popular_comparison_models cm JOIN models m ON m.id = cm.model_id WHERE cm.comparison_id = c.id)
     WHERE c.id = $1 AND c.title = ''`,
    [id],
  );
}

export const comparisonsResource = defineResource<ComparisonView>({
  path: 'comparisons',
  entity: 'comparison',
  table: 'popular_comparisons',
  read: 'content:read',
  write: 'content:write',
  View,
  Create: Type.Object({ models: Fields.models, slug: Type.Optional(Slug), title: Type.Optional(Fields.title), position: Type.Optional(Fields.position) }, { additionalProperties: false }),
  Update: Type.Partial(Type.Object(Fields), { additionalProperties: false }),
  select: `SELECT ${META_COLUMNS}, t.slug, t.title, t.position,
    coalesce((SELECT json_agg(m.slug ORDER BY cm.position) FROM popular_comparison_models cm JOIN models m ON m.id = cm.model_id WHERE cm.comparison_id = t.id), '[]') AS models
    FROM popular_comparisons t`,
  search: ['t.title', 't.slug'],
  async toColumns(input, _tx, current) {
    const columns: Record<string, unknown> = { ...textColumns(input, { title: 'title' }), ...valueColumns(input, { slug: 'slug', position: 'position' }) };
    if (current === null) {
      columns.slug ??= (input.models as string[]).join('-vs-');
      columns.title ??= '';
    }
    return columns;
  },
  async afterWrite(tx, id, input) {
    if (Array.isArray(input.models)) await setModels(tx, id, input.models as string[]);
  },
  tags: () => comparisonsChanged(),
});
