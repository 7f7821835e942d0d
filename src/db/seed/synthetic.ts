/**
 * Deterministic synthetic catalogue for load and index tests: models spread over the real brands, eight
 * variants each, until the catalogue holds the requested number of variants. Model k is always the same
 * car (its properties come from a PRNG seeded with k), so two runs to the same size give the same data.
 */
import { CRASH_TEST_PROGRAMMES } from '../../catalogue/vocabulary.js';
import { INSERT_MODELS, UPSERT_VARIANTS } from './curated.js';
import type { Executor } from '../../platform/db.js';

const VARIANTS_PER_MODEL = 8;
const POWERTRAINS_PER_MODEL = 2;
const MODELS_PER_BATCH = 625; // 5,000 variants per INSERT

const NAMES = ['Aster', 'Bolt', 'Corsa', 'Dune', 'Ember', 'Falcon', 'Glide', 'Horizon', 'Iris', 'Jade', 'Kestrel', 'Lumen',
  'Monsoon', 'Nova', 'Orbit', 'Pulse', 'Quartz', 'Ridge', 'Sierra', 'Tundra', 'Umber', 'Vista', 'Willow', 'Xenon', 'Yara', 'Zephyr'];
const BODY = [['hatchback', 'B', 5], ['sedan', 'C', 5], ['suv', 'C', 5], ['suv', 'D', 7], ['muv', 'C', 7], ['pickup', 'D', 5], ['coupe', 'E', 4]] as const;
const TRIMS = ['Base', 'Mid', 'Plus', 'Top'];
/** Weighted like the Indian market: mostly petrol, some diesel and CNG, few electric and hybrid. */
const POWERTRAINS = [
  { fuel: 'petrol', transmission: 'manual', cc: 1197, weight: 30 },
  { fuel: 'petrol', transmission: 'dct', cc: 1482, weight: 12 },
  { fuel: 'petrol', transmission: 'amt', cc: 998, weight: 10 },
  { fuel: 'diesel', transmission: 'manual', cc: 1493, weight: 14 },
  { fuel: 'diesel', transmission: 'automatic', cc: 2184, weight: 12 },
  { fuel: 'cng', transmission: 'manual', cc: 1197, weight: 10 },
  { fuel: 'electric', transmission: 'automatic', cc: null, weight: 6 },
  { fuel: 'hybrid', transmission: 'cvt', cc: 1490, weight: 6 },
] as const;
const TOTAL_WEIGHT = POWERTRAINS.reduce((sum, p) => sum + p.weight, 0);

function pickPowertrain(random: () => number): number {
  let ticket = random() * TOTAL_WEIGHT;
  for (const [index, p] of POWERTRAINS.entries()) {
    ticket -= p.weight;
    if (ticket < 0) return index;
  }
  return 0;
}
const FEATURES = ['ABS with EBD', 'Rear parking sensors', 'Touchscreen infotainment', 'Automatic climate control', 'Sunroof', '360-degree camera', 'Ventilated seats', 'Level 2 ADAS'];

/** mulberry32: a tiny, fast, seedable PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Half the models crash-tested (3 to 5 adult stars, one or two fewer for children), half untested. */
function syntheticCrashTest(random: () => number) {
  if (random() < 0.5) return { crashTestProgramme: null, crashTestYear: null, crashTestAdultStars: null, crashTestChildStars: null };
  const adult = 3 + Math.floor(random() * 3);
  return {
    crashTestProgramme: CRASH_TEST_PROGRAMMES[Math.floor(random() * CRASH_TEST_PROGRAMMES.length)],
    crashTestYear: 2021 + Math.floor(random() * 5),
    crashTestAdultStars: adult,
    crashTestChildStars: Math.max(0, adult - 1 - Math.floor(random() * 2)),
  };
}

/** Model k with its variants numbered `from` up to (not including) `to`. */
function syntheticModel(k: number, brandSlugs: string[], from: number, to: number) {
  const random = prng(k * 7919 + 17);
  const brandSlug = brandSlugs[k % brandSlugs.length] as string;
  const [bodyType, segment, seats] = BODY[Math.floor(random() * BODY.length)] as (typeof BODY)[number];
  const basePrice = Math.round((400_000 + random() * random() * 9_600_000) / 1000) * 1000;
  const slug = `${brandSlug}-synthetic-${k}`;
  const model = {
    slug,
    brandSlug,
    name: `${NAMES[k % NAMES.length]} S${k}`,
    bodyType,
    segment,
    launchDate: new Date(Date.UTC(2018, 0, 1) + Math.floor(random() * 2900) * 86_400_000).toISOString().slice(0, 10),
    status: random() < 0.9 ? 'current' : 'discontinued',
    popularity: Math.floor(random() * 60),
    description: 'Synthetic model generated for load testing.',
    colours: [{ name: 'Silver', hex: '#c0c0c0' }],
    features: FEATURES.slice(0, 2),
    ...syntheticCrashTest(random),
  };
  // Two powertrains per model, four trims each: fuel and transmission filters stay selective, as in a real catalogue.
  const first = pickPowertrain(random);
  let second = pickPowertrain(random);
  if (second === first) second = (first + 1) % POWERTRAINS.length;
  const powertrains = [first, second];
  const variants = Array.from({ length: to - from }, (_, n) => {
    const i = from + n;
    const pt = POWERTRAINS[powertrains[Math.floor(i / TRIMS.length) % POWERTRAINS_PER_MODEL] as number] as (typeof POWERTRAINS)[number];
    const electric = pt.fuel === 'electric';
    const trim = `${TRIMS[i % TRIMS.length]} ${pt.fuel} ${pt.transmission}`;
    return {
      slug: `${slug}-v${i + 1}`,
      modelSlug: slug,
      name: trim.replace(/\b\w/g, (c) => c.toUpperCase()),
      priceInr: basePrice + i * Math.round(basePrice * 0.06),
      fuel: pt.fuel,
      transmission: pt.transmission,
      engineCc: pt.cc,
      powerBhp: electric ? 140 : Math.round((pt.cc ?? 1000) / 14),
      torqueNm: electric ? 250 : Math.round((pt.cc ?? 1000) / 8),
      mileageKmpl: electric ? null : Math.round((12 + random() * 14) * 10) / 10,
      rangeKm: electric ? 300 + Math.floor(random() * 200) : null,
      batteryKwh: electric ? 40 : null,
      seats,
      drivetrain: bodyType === 'pickup' ? '4wd' : 'fwd',
      lengthMm: 3800 + Math.floor(random() * 1200),
      widthMm: 1700 + Math.floor(random() * 250),
      heightMm: 1450 + Math.floor(random() * 400),
      wheelbaseMm: 2400 + Math.floor(random() * 500),
      groundClearanceMm: 160 + Math.floor(random() * 60),
      bootLitres: 250 + Math.floor(random() * 300),
      kerbWeightKg: 900 + Math.floor(random() * 900),
      airbags: 2 + (i % 5),
      colours: model.colours,
      features: FEATURES.slice(0, 2 + (i % 6)),
    };
  });
  return { model, variants };
}

const INSERT_NEW_MODELS = `${INSERT_MODELS}
  ON CONFLICT (slug) DO NOTHING`;

export interface SyntheticProgress {
  (done: number, total: number): void;
}

/** Adds synthetic models until `targetVariants` live variants exist; returns how many variants it added. */
export async function seedSynthetic(pool: Executor, targetVariants: number, onProgress: SyntheticProgress = () => {}): Promise<number> {
  const { rows: brandRows } = await pool.query<{ slug: string }>('SELECT slug FROM brands WHERE deleted_at IS NULL ORDER BY slug');
  if (brandRows.length === 0) throw new Error('no brands yet: load the curated catalogue first (gadizone seed)');
  const brandSlugs = brandRows.map((b) => b.slug);
  const { rows: counts } = await pool.query<{ variants: number; lastK: number | null; lastHas: number }>(
    `WITH last AS (
       SELECT id, substring(slug FROM '-synthetic-([0-9]+)$')::int AS k FROM models
        WHERE slug LIKE '%-synthetic-%' ORDER BY substring(slug FROM '-synthetic-([0-9]+)$')::int DESC LIMIT 1)
     SELECT (SELECT count(*)::int FROM variants WHERE deleted_at IS NULL) AS variants,
            (SELECT k FROM last) AS "lastK",
            (SELECT count(*)::int FROM variants WHERE model_id = (SELECT id FROM last)) AS "lastHas"`,
  );
  const existing = counts[0]?.variants ?? 0;
  const needed = Math.max(0, targetVariants - existing);
  // An earlier run may have stopped part-way through its last model: finish that one first.
  const lastK = counts[0]?.lastK ?? 0;
  let have = lastK > 0 && (counts[0]?.lastHas ?? 0) < VARIANTS_PER_MODEL ? (counts[0]?.lastHas ?? 0) : VARIANTS_PER_MODEL;
  let k = have < VARIANTS_PER_MODEL ? lastK : lastK + 1;
  if (have === VARIANTS_PER_MODEL) have = 0;
  let added = 0;
  onProgress(0, needed);
  while (added < needed) {
    const batch = [];
    while (batch.length < MODELS_PER_BATCH && added < needed) {
      const count = Math.min(VARIANTS_PER_MODEL - have, needed - added);
      batch.push(syntheticModel(k++, brandSlugs, have, have + count));
      added += count;
      have = 0;
    }
    await pool.query(INSERT_NEW_MODELS, [JSON.stringify(batch.map((b) => b.model))]);
    await pool.query(UPSERT_VARIANTS, [JSON.stringify(batch.flatMap((b) => b.variants))]);
    onProgress(added, needed);
  }
  // Fresh statistics, so the planner sees the new size at once instead of after autovacuum's next pass.
  // VACUUM sets the visibility map, so filtered counts are index-only scans from the first request.
  await pool.query('VACUUM (ANALYZE) brands, models, variants');
  return added;
}
