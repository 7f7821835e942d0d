import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCurated } from '../../src/db/seed/curated.js';
import { seedSynthetic } from '../../src/db/seed/synthetic.js';
import { createPool, createTestDatabase, testConfig, type TestDatabase } from '../helpers.js';

let databases: TestDatabase[] = [];
let pools: pg.Pool[] = [];

async function open() {
  const database = await createTestDatabase();
  const pool = createPool(database.url, testConfig(database.url).pool);
  databases.push(database);
  pools.push(pool);
  return pool;
}

const fingerprint = async (pool: pg.Pool) =>
  (
    await pool.query<{ md5: string; n: number }>(
      `SELECT md5(string_agg(concat_ws('|', v.slug, v.name, v.price_inr, v.fuel, v.transmission, v.seats, v.search_name, v.body_type), ',' ORDER BY v.slug)) AS md5,
              count(*)::int AS n FROM variants v`,
    )
  ).rows[0]!;

beforeAll(() => {
  databases = [];
  pools = [];
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await Promise.all(databases.map((d) => d.drop()));
});

describe('curated catalogue', () => {
  it('holds at least 30 brands, 250 current models and 1,500 variants', async () => {
    const pool = await open();
    const { rows } = await pool.query<{ brands: number; current: number; variants: number; comparisons: number; articles: number }>(
      `SELECT (SELECT count(*)::int FROM brands) AS brands,
              (SELECT count(*)::int FROM models WHERE status = 'current') AS current,
              (SELECT count(*)::int FROM variants) AS variants,
              (SELECT count(*)::int FROM popular_comparisons) AS comparisons,
              (SELECT count(*)::int FROM articles) AS articles`,
    );
    expect(rows[0]!.brands).toBeGreaterThanOrEqual(30);
    expect(rows[0]!.current).toBeGreaterThanOrEqual(250);
    expect(rows[0]!.variants).toBeGreaterThanOrEqual(1500);
    expect(rows[0]!.comparisons).toBeGreaterThanOrEqual(10);
    expect(rows[0]!.articles).toBeGreaterThanOrEqual(12);
  });

  it('keeps derived model columns equal to what the variants say', async () => {
    const pool = await open();
    const { rows } = await pool.query(
      `SELECT m.slug FROM models m
        WHERE m.price_min_inr IS DISTINCT FROM (SELECT min(price_inr) FROM variants v WHERE v.model_id = m.id)
           OR m.variant_count <> (SELECT count(*) FROM variants v WHERE v.model_id = m.id)
           OR EXISTS (SELECT 1 FROM variants v WHERE v.model_id = m.id AND (v.body_type <> m.body_type OR v.brand_id <> m.brand_id
                      OR v.search_name <> m.search_name || ' ' || v.name))`,
    );
    expect(rows).toEqual([]);
  });

  it('is idempotent: loading it again changes nothing', async () => {
    const pool = await open();
    const before = await fingerprint(pool);
    const summary = await seedCurated(pool);
    expect(summary.variants).toBe(before.n);
    expect(await fingerprint(pool)).toEqual(before);
  });

  it('follows a model update into its variants (derived columns by trigger)', async () => {
    const pool = await open();
    await pool.query(`UPDATE models SET body_type = 'muv', name = 'Creta Grand' WHERE slug = 'hyundai-creta'`);
    const { rows } = await pool.query(`SELECT DISTINCT v.body_type, split_part(v.search_name, ' ', 3) AS word FROM variants v JOIN models m ON m.id = v.model_id WHERE m.slug = 'hyundai-creta'`);
    expect(rows).toEqual([{ body_type: 'muv', word: 'Grand' }]);
    await pool.query(`UPDATE variants SET price_inr = 100000 WHERE id = (SELECT min(v.id) FROM variants v JOIN models m ON m.id = v.model_id WHERE m.slug = 'hyundai-creta')`);
    const model = await pool.query(`SELECT price_min_inr FROM models WHERE slug = 'hyundai-creta'`);
    expect(model.rows[0].price_min_inr).toBe(100000);
  });
});

describe('synthetic catalogue', () => {
  it('fills to exactly N variants, deterministically, and resumes where it stopped', async () => {
    const [a, b] = [await open(), await open()];
    const base = (await fingerprint(a)).n;
    await seedSynthetic(a, base + 3000);
    await seedSynthetic(b, base + 1234);
    await seedSynthetic(b, base + 3000);
    const fa = await fingerprint(a);
    expect(fa.n).toBe(base + 3000);
    expect(await fingerprint(b)).toEqual(fa);
    expect(await seedSynthetic(a, base + 10)).toBe(0);
  });
});
