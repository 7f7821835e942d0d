/**
 * The catalogue's cache tags: which tags each catalogue ANSWER carries (an API answer or a page that shows
 * it) and which tags each catalogue WRITE touches. Nothing else assembles a catalogue tag, so an answer and
 * the writes that change it cannot drift apart. A tag names data an answer depends on:
 *   brand:<slug>            the brand's own fields (name, slug, description)
 *   brand-models:<slug>     the set of the brand's models and their summaries (brand page)
 *   model:<slug>            the model's own fields (model, variant and compare pages, articles naming it)
 *   model-variants:<slug>   the set of the model's variants and their prices (model page, price range)
 *   variant:<slug>          the variant's own fields
 *   list:<kind>             any list of that kind (every filter, sort and page)
 * so a write invalidates exactly the answers that show what it changed. Content and analytics answers
 * that show catalogue rows take their catalogue tags from here (content/articles/cache-tags.ts,
 * analytics/cache-tags.ts).
 */
const tag = {
  brand: (slug: string) => `brand:${slug}`,
  brandModels: (slug: string) => `brand-models:${slug}`,
  model: (slug: string) => `model:${slug}`,
  modelVariants: (slug: string) => `model-variants:${slug}`,
  variant: (slug: string) => `variant:${slug}`,
} as const;

const LIST = {
  brands: 'list:brands',
  models: 'list:models',
  variants: 'list:variants',
  search: 'list:search',
  comparisons: 'list:comparisons',
} as const;

/** The kinds of catalogue list: every filter, sort and page of one kind shares its tag. */
export type CatalogueList = keyof typeof LIST;

/** Lists that show catalogue rows (names, prices, counts): any catalogue write touches all of them. */
const CATALOGUE_LISTS = Object.values(LIST);

interface BrandRef {
  slug: string;
}
interface ModelRef {
  slug: string;
  brand: BrandRef;
}
interface VariantRef {
  slug: string;
  model: { slug: string };
  brand: BrandRef;
}

// ---- answers -------------------------------------------------------------------------------------------

/** A list of the kind (API list, search, the pages listing models): any catalogue write changes it. */
export function listAnswerTags(kind: CatalogueList): string[] {
  return [LIST[kind]];
}

/** One brand: its own fields and the summaries of its models. */
export function brandAnswerTags(brand: BrandRef): string[] {
  return [tag.brand(brand.slug), tag.brandModels(brand.slug)];
}

/** One model: its own fields, its variants (prices, ranges) and its brand's name. */
export function modelAnswerTags(model: ModelRef): string[] {
  return [tag.model(model.slug), tag.modelVariants(model.slug), tag.brand(model.brand.slug)];
}

/** One variant: its own fields and the names of its model and brand. */
export function variantAnswerTags(variant: VariantRef): string[] {
  return [tag.variant(variant.slug), tag.model(variant.model.slug), tag.brand(variant.brand.slug)];
}

/** Variants side by side: each one's answer tags. */
export function comparisonAnswerTags(variants: readonly VariantRef[]): string[] {
  return variants.flatMap(variantAnswerTags);
}

/** An answer that names models (an article, a model's artwork): changed by any write to one of them. */
export function modelMentionTags(models: readonly string[]): string[] {
  return models.map(tag.model);
}

/** A model's generated artwork: it shows the model's and the brand's names. */
export function artworkAnswerTags(model: string, brand: string): string[] {
  return [tag.model(model), tag.brand(brand)];
}

// ---- answers for a slug that does not exist (a 404, cached until the slug is created) ------------------

export const missingBrandTags = (slug: string): string[] => [tag.brand(slug)];
export const missingModelTags = (slug: string): string[] => [tag.model(slug)];
export const missingVariantTags = (slug: string): string[] => [tag.variant(slug)];

// ---- writes --------------------------------------------------------------------------------------------

/** A variant was created, changed or deleted. */
export function variantChanged(variant: string, model: string, brand: string): string[] {
  return [tag.variant(variant), tag.modelVariants(model), tag.brandModels(brand), ...CATALOGUE_LISTS];
}

/**
 * A model's own fields changed, or it was created or deleted: its variants' pages and the articles naming
 * it show its name (they carry its tag through modelMentionTags).
 */
export function modelChanged(model: string, brand: string): string[] {
  return [tag.model(model), tag.modelVariants(model), tag.brandModels(brand), ...CATALOGUE_LISTS];
}

/** A brand's own fields changed, or it was created or deleted (every model and variant page shows it). */
export function brandChanged(brand: string): string[] {
  return [tag.brand(brand), tag.brandModels(brand), ...CATALOGUE_LISTS];
}

/** The editors' popular comparisons changed (or the analytics roll-up re-ranked them). */
export function comparisonsChanged(): string[] {
  return [LIST.comparisons];
}

// ---- reading tags back (the read model re-reads the rows a write touched) ------------------------------

/** The catalogue rows a set of invalidated tags says may have changed. */
export interface ChangedRows {
  /** Brands whose own fields changed: their models and variants show the name. */
  brands: string[];
  /** Models whose own fields changed: their variants carry copies of them. */
  models: string[];
  /** Models whose variants changed: the model's derived columns (price range, fuels…) follow. */
  modelsOfVariants: string[];
  variants: string[];
}

const PREFIXES: [string, keyof ChangedRows][] = [
  [tag.brand(''), 'brands'],
  [tag.modelVariants(''), 'modelsOfVariants'],
  [tag.model(''), 'models'],
  [tag.variant(''), 'variants'],
];

export function changedRows(tags: readonly string[]): ChangedRows {
  const changed: ChangedRows = { brands: [], models: [], modelsOfVariants: [], variants: [] };
  for (const name of tags) {
    const match = PREFIXES.find(([prefix]) => name.startsWith(prefix));
    if (match) changed[match[1]].push(name.slice(match[0].length));
  }
  return changed;
}
