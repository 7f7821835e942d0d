import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.js';
import { runMigrations } from '../db/migrate.js';
import { readSeedFiles, seedCurated } from '../db/seed/curated.js';
import { seedSynthetic } from '../db/seed/synthetic.js';
import { createPool } from '../platform/db.js';
import { openDatabase } from '../platform/open-database.js';

const MAX_SYNTHETIC = 5_000_000;

export async function seedCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { synthetic: { type: 'string' }, check: { type: 'boolean' }, dir: { type: 'string' } }, strict: true });
  if (values.check) return checkSeed(values.dir);
  const target = values.synthetic === undefined ? undefined : Number(values.synthetic);
  if (target !== undefined && (!Number.isSafeInteger(target) || target < 1 || target > MAX_SYNTHETIC)) {
    console.error(`gadizone seed: --synthetic expects a whole number of variants from 1 to ${MAX_SYNTHETIC}`);
    return 2;
  }
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
    if (target !== undefined) {
      const bar = new cliProgress.SingleBar({ format: 'synthetic variants [{bar}] {percentage}% {value}/{total} eta {eta}s', noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic);
      const syntheticStarted = Date.now();
      let begun = false;
      const added = await seedSynthetic(pool, target, (done, total) => {
        if (!begun) bar.start(total, 0);
        begun = true;
        bar.update(done);
      });
      bar.stop();
      console.log(`synthetic: added ${added} variants; the catalogue now holds at least ${target} (${((Date.now() - syntheticStarted) / 1000).toFixed(1)} s)`);
    }
    return 0;
  } finally {
    await pool.end();
    await database.close();
  }
}

/** `gadizone seed --check [--dir path]`: validates the seed files without touching a database. */
async function checkSeed(dir: string | undefined): Promise<number> {
  const seed = await readSeedFiles(dir);
  const current = seed.models.filter((m) => m.status === 'current').length;
  console.log(
    `seed files are valid: ${seed.brands.length} brands, ${seed.models.length} models (${current} current), ` +
      `${seed.variants.length} variants, ${seed.comparisons.length} comparisons, ${seed.articles.length} articles`,
  );
  return 0;
}
