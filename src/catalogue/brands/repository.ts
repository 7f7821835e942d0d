import { query, type Executor } from '../../platform/db.js';
import { BRAND_FIELDS, selectList } from '../fields/index.js';
import type { BrandSummary } from './schemas.js';

const SUMMARY_COLUMNS = `
  b.id, b.slug, b.name, ${selectList(Object.values(BRAND_FIELDS), 'b')},
  (SELECT count(*)::int FROM models m WHERE m.brand_id = b.id AND m.status = 'current' AND m.deleted_at IS NULL) AS "modelCount",
  (SELECT min(m.price_min_inr) FROM models m WHERE m.brand_id = b.id AND m.deleted_at IS NULL) AS "priceMinInr",
  (SELECT max(m.price_max_inr) FROM models m WHERE m.brand_id = b.id AND m.deleted_at IS NULL) AS "priceMaxInr"`;

export type BrandRow = BrandSummary & { id: number; description: string };

const ORDER = { name: 'b.name, b.id', popularity: '"modelCount" DESC, b.name, b.id' } as const;

export function createBrandRepository(db: Executor) {
  return {
    async list(sort: keyof typeof ORDER, limit: number, offset: number, executor: Executor = db): Promise<BrandRow[]> {
      return query<BrandRow>(
        executor,
        `SELECT ${SUMMARY_COLUMNS} FROM brands b WHERE b.deleted_at IS NULL ORDER BY ${ORDER[sort]} LIMIT $1 OFFSET $2`,
        [limit, offset],
      );
    },

    async count(executor: Executor = db): Promise<number> {
      const rows = await query<{ total: number }>(executor, 'SELECT count(*)::int AS total FROM brands WHERE deleted_at IS NULL');
      return rows[0]?.total ?? 0;
    },

    async findBySlug(slug: string, executor: Executor = db): Promise<BrandRow | null> {
      const rows = await query<BrandRow>(executor, `SELECT ${SUMMARY_COLUMNS} FROM brands b WHERE b.slug = $1 AND b.deleted_at IS NULL`, [slug]);
      return rows[0] ?? null;
    },
  };
}
export type BrandRepository = ReturnType<typeof createBrandRepository>;
