/**
 * Loads the curated catalogue (seed/): brands, models, variants, popular comparisons and articles.
 * Every file is validated first; then everything is upserted by slug in one transaction, so running it
 * again changes nothing and a bad file changes nothing at all.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { columnList, editableFields, excludedUpdates, incompleteSet, MODEL_FIELDS, recordsetColumns, recordsetValues, VARIANT_FIELDS } from '../../catalogue/fields/index.js';
import { markdownToHtml } from '../../content/html.js';
import { projectPath } from '../../lib/paths.js';
import { slugify } from '../../lib/slug.js';
import { transaction, type Database, type Executor } from '../../platform/db.js';
import { parseFrontMatter } from './front-matter.js';
import { SeedArticleMeta, SeedBrand, SeedComparisons, type SeedArticleMeta as ArticleMeta, type SeedBrand as Brand, type SeedComparisons as Comparisons } from './schemas.js';

export const SEED_DIR = projectPath('seed');

export interface SeedSummary {
  brands: number;
  models: number;
  variants: number;
  comparisons: number;
  articles: number;
}

const ajv = new Ajv({ allErrors: true, strict: false });

function validator<T extends TSchema>(schema: T) {
  const validate = ajv.compile(schema);
  return (value: unknown, file: string): Static<T> => {
    if (!validate(value)) {
      const errors = (validate.errors ?? []).slice(0, 5).map((e) => `  ${e.instancePath || '/'}: ${e.message ?? 'is invalid'}`);
      throw new Error(`${file} does not match the seed format:\n${errors.join('\n')}`);
    }
    return value as Static<T>;
  };
}

const checkBrand = validator(SeedBrand);
const checkComparisons = validator(SeedComparisons);
const checkArticle = validator(SeedArticleMeta);

async function readBrands(dir: string): Promise<Brand[]> {
  const files = (await readdir(join(dir, 'catalogue', 'brands'))).filter((f) => f.endsWith('.json')).sort();
  const brands: Brand[] = [];
  for (const file of files) {
    const path = join(dir, 'catalogue', 'brands', file);
    brands.push(checkBrand(JSON.parse(await readFile(path, 'utf8')), path));
  }
  return brands;
}

interface Article {
  meta: ArticleMeta;
  body: string;
}

async function readArticles(dir: string): Promise<Article[]> {
  const folder = join(dir, 'articles');
  const files = (await readdir(folder).catch(() => [] as string[])).filter((f) => f.endsWith('.md')).sort();
  const articles: Article[] = [];
  for (const file of files) {
    const path = join(folder, file);
    const { meta, body } = parseFrontMatter(await readFile(path, 'utf8'), path);
    const checked = checkArticle(meta, path);
    if (`${checked.slug}.md` !== file) throw new Error(`${path}: slug "${checked.slug}" must match the file name`);
    if (Number.isNaN(Date.parse(checked.publishedAt))) throw new Error(`${path}: publishedAt is not a date-time`);
    articles.push({ meta: checked, body });
  }
  return articles;
}

/** Flattens brand files into rows, checking the cross-file rules JSON Schema cannot express. */
function flatten(brands: Brand[]) {
  const modelSlugs = new Set<string>();
  const variantSlugs = new Set<string>();
  const models = [];
  const variants = [];
  for (const brand of brands) {
    for (const model of brand.models) {
      if (modelSlugs.has(model.slug)) throw new Error(`model slug "${model.slug}" appears twice`);
      modelSlugs.add(model.slug);
      const incomplete = incompleteSet(MODEL_FIELDS, model);
      if (incomplete) throw new Error(`model "${model.slug}": ${incomplete.message}`);
      const { variants: modelVariants, dimensions, ...rest } = model;
      models.push({ ...rest, brandSlug: brand.slug });
      for (const variant of modelVariants) {
        const slug = `${model.slug}-${slugify(variant.name)}`;
        if (variantSlugs.has(slug)) throw new Error(`variant "${variant.name}" of ${model.slug} gives the slug "${slug}" twice`);
        variantSlugs.add(slug);
        variants.push({
          ...dimensions,
          seats: model.seats,
          drivetrain: model.drivetrain,
          airbags: model.airbags,
          colours: model.colours,
          mileageKmpl: null,
          rangeKm: null,
          batteryKwh: null,
          ...variant,
          features: [...model.features, ...(variant.features ?? [])],
          slug,
          modelSlug: model.slug,
        });
      }
    }
  }
  return { models, variants, modelSlugs };
}

const UPSERT_BRANDS = `
  INSERT INTO brands (slug, name, country, founded_year, colour, description)
  SELECT slug, name, country, "foundedYear", colour, description
    FROM json_to_recordset($1::json) AS r(slug text, name text, country text, "foundedYear" smallint, colour text, description text)
  ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, country = EXCLUDED.country, founded_year = EXCLUDED.founded_year,
    colour = EXCLUDED.colour, description = EXCLUDED.description, updated_at = now()`;

const MODEL = editableFields(MODEL_FIELDS);
const VARIANT = editableFields(VARIANT_FIELDS);

/** Inserts models given as a JSON array of camelCase objects with `brandSlug` (the synthetic loader adds its conflict rule). */
export const INSERT_MODELS = `
  INSERT INTO models (brand_id, slug, name, ${columnList(MODEL)}, colours, features)
  SELECT b.id, r.slug, r.name, ${recordsetValues(MODEL)}, r.colours, ARRAY(SELECT json_array_elements_text(r.features))
    FROM json_to_recordset($1::json) AS r(slug text, "brandSlug" text, name text, ${recordsetColumns(MODEL)}, colours jsonb, features json)
    JOIN brands b ON b.slug = r."brandSlug"`;

const UPSERT_MODELS = `${INSERT_MODELS}
  ON CONFLICT (slug) DO UPDATE SET brand_id = EXCLUDED.brand_id, name = EXCLUDED.name, ${excludedUpdates(MODEL)},
    colours = EXCLUDED.colours, features = EXCLUDED.features, updated_at = now()`;

/** Shared by the curated and the synthetic loaders: variants as a JSON array of camelCase objects with `modelSlug`. */
export const UPSERT_VARIANTS = `
  INSERT INTO variants (model_id, slug, name, ${columnList(VARIANT)}, colours, features)
  SELECT m.id, r.slug, r.name, ${recordsetValues(VARIANT)}, r.colours, ARRAY(SELECT json_array_elements_text(r.features))
    FROM json_to_recordset($1::json) AS r(slug text, "modelSlug" text, name text, ${recordsetColumns(VARIANT)}, colours jsonb, features json)
    JOIN models m ON m.slug = r."modelSlug"
  ON CONFLICT (slug) DO UPDATE SET model_id = EXCLUDED.model_id, name = EXCLUDED.name, ${excludedUpdates(VARIANT)},
    colours = EXCLUDED.colours, features = EXCLUDED.features, updated_at = now()`;

async function upsertComparisons(client: Executor, comparisons: Comparisons): Promise<number> {
  for (const [position, comparison] of comparisons.entries()) {
    const slug = comparison.models.join('-vs-');
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO popular_comparisons (slug, title, position) VALUES ($1, $2, $3)
       ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, position = EXCLUDED.position, updated_at = now() RETURNING id`,
      [slug, comparison.title ?? '', position],
    );
    const id = rows[0]?.id;
    await client.query('DELETE FROM popular_comparison_models WHERE comparison_id = $1', [id]);
    await client.query(
      `INSERT INTO popular_comparison_models (comparison_id, model_id, position)
       SELECT $1, m.id, s.position FROM unnest($2::text[]) WITH ORDINALITY AS s(slug, position) JOIN models m ON m.slug = s.slug`,
      [id, comparison.models],
    );
    // A title left out of the file is written from the model names.
    await client.query(
      `UPDATE popular_comparisons c SET title = (
         SELECT string_agg(m.search_name, ' vs ' ORDER BY cm.position) FROM popular_comparison_models cm JOIN models m ON m.id = cm.model_id
          WHERE cm.comparison_id = c.id)
       WHERE c.id = $1 AND c.title = ''`,
      [id],
    );
  }
  return comparisons.length;
}

async function upsertArticles(client: Executor, articles: Article[]): Promise<number> {
  for (const { meta, body } of articles) {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO articles (slug, title, summary, body_markdown, category, author, tags, published_at, body_html)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, summary = EXCLUDED.summary, body_markdown = EXCLUDED.body_markdown,
         body_html = EXCLUDED.body_html,
         category = EXCLUDED.category, author = EXCLUDED.author, tags = EXCLUDED.tags, published_at = EXCLUDED.published_at, updated_at = now()
       RETURNING id`,
      [meta.slug, meta.title, meta.summary, body, meta.category, meta.author, meta.tags, meta.publishedAt, markdownToHtml(body)],
    );
    const id = rows[0]?.id;
    await client.query('DELETE FROM article_models WHERE article_id = $1', [id]);
    await client.query('INSERT INTO article_models (article_id, model_id) SELECT $1, id FROM models WHERE slug = ANY($2::text[])', [id, meta.models]);
  }
  return articles.length;
}

export interface SeedFiles extends ReturnType<typeof flatten> {
  brands: Brand[];
  comparisons: Comparisons;
  articles: Article[];
}

/** Reads and validates every seed file under `dir`, including the cross-file references; touches no database. */
export async function readSeedFiles(dir: string = SEED_DIR): Promise<SeedFiles> {
  const brands = await readBrands(dir);
  const comparisonsPath = join(dir, 'catalogue', 'comparisons.json');
  const comparisons = checkComparisons(JSON.parse(await readFile(comparisonsPath, 'utf8').catch(() => '[]')), comparisonsPath);
  const articles = await readArticles(dir);
  const flat = flatten(brands);
  for (const [position, comparison] of comparisons.entries()) {
    const unknown = comparison.models.filter((slug) => !flat.modelSlugs.has(slug));
    if (unknown.length > 0) throw new Error(`comparisons.json entry ${position + 1} names unknown models: ${unknown.join(', ')}`);
  }
  for (const { meta } of articles) {
    const unknown = meta.models.filter((slug) => !flat.modelSlugs.has(slug));
    if (unknown.length > 0) throw new Error(`article ${meta.slug} names unknown models: ${unknown.join(', ')}`);
  }
  return { ...flat, brands, comparisons, articles };
}

/** Validates and loads everything under `dir` (default ./seed). Idempotent. */
export async function seedCurated(pool: Database, dir: string = SEED_DIR): Promise<SeedSummary> {
  const { brands, models, variants, comparisons, articles } = await readSeedFiles(dir);
  return transaction(pool, async (client) => {
    await client.query(UPSERT_BRANDS, [JSON.stringify(brands.map(({ models: _models, ...brand }) => brand))]);
    await client.query(UPSERT_MODELS, [JSON.stringify(models)]);
    await client.query(UPSERT_VARIANTS, [JSON.stringify(variants)]);
    return {
      brands: brands.length,
      models: models.length,
      variants: variants.length,
      comparisons: await upsertComparisons(client, comparisons),
      articles: await upsertArticles(client, articles),
    };
  });
}
