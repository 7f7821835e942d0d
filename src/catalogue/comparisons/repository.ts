import { query, type Executor } from '../../platform/db.js';
import type { PopularComparison } from './schemas.js';

type Row = Omit<PopularComparison, 'compareUrl'>;

export function createComparisonRepository(db: Executor) {
  return {
    async listPopular(limit: number, offset: number, executor: Executor = db): Promise<Row[]> {
      return query<Row>(
        executor,
        `SELECT c.slug, c.title,
                json_agg(json_build_object(
                  'slug', m.slug, 'name', m.name, 'brand', json_build_object('slug', b.slug, 'name', b.name),
                  'priceMinInr', m.price_min_inr, 'priceMaxInr', m.price_max_inr,
                  'variantSlug', (SELECT v.slug FROM variants v WHERE v.model_id = m.id AND v.deleted_at IS NULL ORDER BY v.price_inr, v.id LIMIT 1)
                ) ORDER BY cm.position) AS models
           FROM popular_comparisons c
           JOIN popular_comparison_models cm ON cm.comparison_id = c.id
           JOIN models m ON m.id = cm.model_id AND m.deleted_at IS NULL
           JOIN brands b ON b.id = m.brand_id
          WHERE c.deleted_at IS NULL
          GROUP BY c.id
          ORDER BY c.position, c.id
          LIMIT $1 OFFSET $2`,
        [limit, offset],
      );
    },

    async countPopular(executor: Executor = db): Promise<number> {
      const rows = await query<{ total: number }>(executor, 'SELECT count(*)::int AS total FROM popular_comparisons WHERE deleted_at IS NULL');
      return rows[0]?.total ?? 0;
    },
  };
}
export type ComparisonRepository = ReturnType<typeof createComparisonRepository>;
