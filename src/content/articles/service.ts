import { notFound } from '../../errors.js';
import { project } from '../../lib/pagination.js';
import { isSafeMarkdown, markdownToHtml } from '../html.js';
import type { ArticleRepository, ArticleRow } from './repository.js';
import type { ArticleDetail, ArticleListQuery, ArticleSummary } from './schemas.js';

const toSummary = ({ slug, title, summary, category, author, tags, publishedAt, models }: ArticleRow): ArticleSummary => ({
  slug,
  title,
  summary,
  category,
  author,
  tags,
  publishedAt: publishedAt.toISOString(),
  models,
});

export function createArticleService(articles: ArticleRepository) {
  return {
    async list(request: ArticleListQuery) {
      const { rows, pagination } = await articles.list(request);
      return { data: project(rows.map(toSummary), request.fields), pagination };
    },

    async get(slug: string): Promise<ArticleDetail> {
      const article = await articles.findBySlug(slug);
      if (!article) throw notFound('ARTICLE_NOT_FOUND', 'article', slug);
      // Rows loaded before body_html existed have only markdown: render it (the answer is cached).
      const bodyHtml = article.bodyHtml || markdownToHtml(article.bodyMarkdown);
      // A source stored before today's link rules (or by a writer that skipped them) is not handed to clients that
      // render markdown themselves; the sanitised HTML still carries the article. Judged on a miss only (cached).
      return { ...toSummary(article), bodyMarkdown: isSafeMarkdown(article.bodyMarkdown) ? article.bodyMarkdown : '', bodyHtml };
    },
  };
}
