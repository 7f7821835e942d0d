/**
 * The articles' cache tags: which tags an article answer carries and which an article write touches.
 *   article:<slug>   one article
 *   list:articles    any list of articles (every page)
 * An article, and a list of them, shows the names of the models it is about, so it also carries those
 * models' tags (catalogue/cache-tags.ts): renaming a model changes exactly the articles that name it.
 */
import { modelMentionTags } from '../../catalogue/cache-tags.js';

const articleTag = (slug: string) => `article:${slug}`;
const ARTICLE_LIST = 'list:articles';

interface ArticleRef {
  slug: string;
  models: readonly { slug: string }[];
}

/** One article: its own fields and the models it names. */
export function articleAnswerTags(article: ArticleRef): string[] {
  return [articleTag(article.slug), ...modelMentionTags(article.models.map((m) => m.slug))];
}

/** A list of articles: any article write, and a write to any model a listed article names. */
export function articleListAnswerTags(articles: readonly { models?: readonly { slug: string }[] }[]): string[] {
  const named = new Set(articles.flatMap((a) => (a.models ?? []).map((m) => m.slug)));
  return [ARTICLE_LIST, ...modelMentionTags([...named])];
}

/** An article slug that does not exist (a 404, cached until it is created). */
export const missingArticleTags = (slug: string): string[] => [articleTag(slug)];

/** An article was created, changed, published or deleted. */
export function articleChanged(article: string): string[] {
  return [articleTag(article), ARTICLE_LIST];
}
