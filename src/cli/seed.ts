/**
 * `gadizone seed [--synthetic N]`: loads the curated catalogue (idempotent), then synthetic variants up to N;
 * `gadizone seed --check [--dir path]` validates the seed files without a database.
 */
import type { Pool } from 'pg';
import { loadConfig } from '../config.js';
import { defineCommand, UsageError } from './command.js';

const MAX_SYNTHETIC = 5_000_000;

export const seedCommand = defineCommand({
  name: 'seed',
  summary: 'load the curated catalogue; --synthetic N adds synthetic variants up to N',
  about:
    'Loads the curated catalogue from seed/ into the configured database (embedded, or DATABASE_URL); running it again changes nothing. ' +
    'With --synthetic N it then adds deterministic synthetic models until the catalogue holds N variants.',
  options: {
    synthetic: { type: 'string', value: 'N', description: `add synthetic variants until the catalogue holds N (1 to ${MAX_SYNTHETIC})` },
    check: { type: 'boolean', description: 'only validate the seed files (format and cross-references); no database' },
    dir: { type: 'string', value: 'PATH', description: 'read the seed files from PATH', defaultText: 'seed/' },
  },
  env: ['DATABASE_URL', 'DATA_DIR', 'AUTO_MIGRATE'],
  examples: ['gadizone seed --synthetic 200000', 'gadizone seed --check'],
  async run({ values }) {
    if (values.check) return checkSeed(values.dir);
    const target = values.synthetic === undefined ? undefined : Number(values.synthetic);
    if (target !== undefined && (!Number.isSafeInteger(target) || target < 1 || target > MAX_SYNTHETIC)) {
      throw new UsageError(`--synthetic expects a whole number of variants from 1 to ${MAX_SYNTHETIC}`);
    }
    const { runMigrations } = await import('../db/migrate.js');
    const { seedCurated } = await import('../db/seed/curated.js');
    const { closePool, createPool } = await import('../platform/db.js');
    const { openDatabase } = await import('../platform/open-database.js');
    const config = loadConfig();
    const database = await openDatabase(config, (m) => console.error(m));
    const pool = createPool(database.config.databaseUrl, { ...database.config.pool, statementTimeoutMs: 0 }, 'gadizone-seed');
    try {
      if (config.autoMigrate) await runMigrations(pool);
      const started = Date.now();
      const summary = await seedCurated(pool, values.dir);
      console.log(
        `curated catalogue: ${summary.brands} brands, ${summary.models} models, ${summary.variants} variants, ` +
          `${summary.comparisons} comparisons, ${summary.articles} articles (${Date.now() - started} ms)`,
      );
      if (target !== undefined) await seedSyntheticWithProgress(pool, target);
      return 0;
    } finally {
      await closePool(pool);
      await database.close();
    }
  },
});

async function seedSyntheticWithProgress(pool: Pool, target: number): Promise<void> {
  const { default: cliProgress } = await import('cli-progress');
  const { seedSynthetic } = await import('../db/seed/synthetic.js');
  const bar = new cliProgress.SingleBar({ format: 'synthetic variants [{bar}] {percentage}% {value}/{total} eta {eta}s', noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic);
  const started = Date.now();
  let begun = false;
  const added = await seedSynthetic(pool, target, (done, total) => {
    if (!begun) bar.start(total, 0);
    begun = true;
    bar.update(done);
  });
  bar.stop();
  console.log(`synthetic: added ${added} variants; the catalogue now holds at least ${target} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** `gadizone seed --check [--dir path]`: validates the seed files without touching a database. */
async function checkSeed(dir: string | undefined): Promise<number> {
  const { readSeedFiles } = await import('../db/seed/curated.js');
  const seed = await readSeedFiles(dir);
  const current = seed.models.filter((m) => m.status === 'current').length;
  console.log(
    `seed files are valid: ${seed.brands.length} brands, ${seed.models.length} models (${current} current), ` +
      `${seed.variants.length} variants, ${seed.comparisons.length} comparisons, ${seed.articles.length} articles`,
  );
  return 0;
}
