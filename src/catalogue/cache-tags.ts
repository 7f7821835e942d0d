/**
 * The cache tag vocabulary of the public catalogue, and which tags each kind of write invalidates.
 * A tag names data an answer depends on:
 *   brand:<slug>            the brand's own fields (name, slug, description)
 *   brand-models:<slug>     the set of the brand's models and their summaries (brand page)
 *   model:<slug>            the model's own fields (model, variant and compare pages, articles about it)
 *   model-variants:<slug>   the set of the model's variants and their prices (model page, price range)
 *   variant:<slug>          the variant's own fields
 *   article:<slug>          one article
 *   list:<kind>             any list of that kind (every filter, sort and page)
 * so a write invalidates exactly the answers that show what it changed.
 */
export const tag = {
  brand: (slug: string) => `brand:${slug}`,
  brandModels: (slug: string) => `brand-models:${slug}`,
  model: (slug: string) => `model:${slug}`,
  modelVariants: (slug: string) => `model-variants:${slug}`,
  variant: (slug: string) => `variant:${slug}`,
  article: (slug: string) => `article:${slug}`,
} as const;

export const LIST = {
  brands: 'list:brands',
  models: 'list:models',
  variants: 'list:variants',
  search: 'list:search',
  comparisons: 'list:comparisons',
  articles: 'list:articles',
  /** The trending models list, rewritten by the analytics roll-up (src/analytics). */
  trending: 'list:trending',
} as const;

/** Lists that show catalogue rows (names, prices, counts): any catalogue write touches all of them. */
const CATALOGUE_LISTS = [LIST.brands, LIST.models, LIST.variants, LIST.search, LIST.comparisons];

/** A variant was created, changed or deleted. */
export function variantChanged(variant: string, model: string, brand: string): string[] {
  return [tag.variant(variant), tag.modelVariants(model), tag.brandModels(brand), ...CATALOGUE_LISTS];
}

/** A model's own fields changed, or it was created or deleted (its variants' pages and articles about it show its name). */
export function modelChanged(model: string, brand: string): string[] {
  return [tag.model(model), tag.modelVariants(model), tag.brandModels(brand), ...CATALOGUE_LISTS, LIST.articles];
}

/** A brand's own fields changed, or it was created or deleted (every model and variant page shows it). */
export function brandChanged(brand: string): string[] {
  return [tag.brand(brand), tag.brandModels(brand), ...CATALOGUE_LISTS];
}

export function articleChanged(article: string): string[] {
  return [tag.article(article), LIST.articles];
}

export function comparisonsChanged(): string[] {
  return [LIST.comparisons];
}
