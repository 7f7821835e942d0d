import type { ArticleDetail, ArticleSummary } from '../../content/articles/schemas.js';
import type { Pagination } from '../../lib/schemas.js';
import { Pager } from '../components/cards.js';
import { Breadcrumbs, breadcrumbJsonLd, Layout, type PageContext } from '../components/layout.js';
import { formatDate, label } from '../format.js';

export function NewsPage({ ctx, articles, pagination, page }: { ctx: PageContext; articles: ArticleSummary[]; pagination: Pagination; page: number }) {
  const crumbs = [{ name: 'Home', path: '/' }, { name: 'News', path: '/news' }];
  return (
    <Layout ctx={ctx} meta={{ title: 'Car news, reviews and buying guides | gadizone', description: 'The latest car launches, reviews, comparisons and buying guides for India.', path: page > 1 ? `/news?page=${page}` : '/news', jsonLd: [breadcrumbJsonLd(ctx.publicUrl, crumbs)] }}>
      <Breadcrumbs items={crumbs} />
      <h1>Car news and reviews</h1>
      <ul class="grid">
        {articles.map((a) => (
          <li class="card">
            <a href={`/news/${a.slug}`}><h2>{a.title}</h2></a>
            <p>{a.summary}</p>
            <p class="muted">{label(a.category)} · {a.author} · <time dateTime={a.publishedAt}>{formatDate(a.publishedAt)}</time></p>
          </li>
        ))}
      </ul>
      <Pager page={page} pages={pagination.pages} href={(n) => (n === 1 ? '/news' : `/news?page=${n}`)} />
    </Layout>
  );
}

export function ArticlePage({ ctx, article }: { ctx: PageContext; article: ArticleDetail }) {
  const crumbs = [{ name: 'Home', path: '/' }, { name: 'News', path: '/news' }, { name: article.title, path: `/news/${article.slug}` }];
  const ld = {
    '@context': 'https://schema.org',
    '@type': article.category === 'review' ? 'Review' : 'NewsArticle',
    headline: article.title,
    description: article.summary,
    datePublished: article.publishedAt,
    author: { '@type': 'Person', name: article.author },
    publisher: { '@type': 'Organization', name: 'gadizone' },
    mainEntityOfPage: `${ctx.publicUrl}/news/${article.slug}`,
  };
  return (
    <Layout ctx={ctx} meta={{ title: `${article.title} | gadizone`, description: article.summary, path: `/news/${article.slug}`, ogType: 'article', jsonLd: [ld, breadcrumbJsonLd(ctx.publicUrl, crumbs)] }}>
      <Breadcrumbs items={crumbs} />
      <article class="article">
        <h1>{article.title}</h1>
        <p class="muted">{label(article.category)} · {article.author} · <time dateTime={article.publishedAt}>{formatDate(article.publishedAt)}</time></p>
        {/* Sanitised when written (sanitize-html allowlist, src/content/html.ts). */}
        <div dangerouslySetInnerHTML={{ __html: article.bodyHtml }} />
        {article.models.length > 0 ? (
          <p>
            Cars in this story: {article.models.map((m, i) => <>{i > 0 ? ', ' : ''}<a href={`/cars/${m.slug}`}>{m.name}</a></>)}
          </p>
        ) : null}
      </article>
    </Layout>
  );
}
