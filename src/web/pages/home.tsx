import type { ArticleSummary } from '../../content/articles/schemas.js';
import type { PopularComparison } from '../../catalogue/comparisons/schemas.js';
import { ModelCard, type ModelCardData } from '../components/cards.js';
import { Layout, type PageContext } from '../components/layout.js';
import { formatDate, label } from '../format.js';

const BUDGETS = [
  { text: 'Under ₹ 5 Lakh', query: 'priceMax=500000' },
  { text: '₹ 5 - 10 Lakh', query: 'priceMin=500000&priceMax=1000000' },
  { text: '₹ 10 - 15 Lakh', query: 'priceMin=1000000&priceMax=1500000' },
  { text: '₹ 15 - 20 Lakh', query: 'priceMin=1500000&priceMax=2000000' },
  { text: '₹ 20 - 35 Lakh', query: 'priceMin=2000000&priceMax=3500000' },
  { text: 'Above ₹ 35 Lakh', query: 'priceMin=3500000' },
];
export const HOME_BODY_TYPES = ['hatchback', 'sedan', 'suv', 'muv', 'coupe', 'pickup'];

export interface HomeData {
  /** The trending list (GET /api/trending/models: entries carry `visitors`), or before the first roll-up the most popular models. */
  trending: ModelCardData[];
  comparisons: PopularComparison[];
  news: ArticleSummary[];
}

/** What the trending section is ranked by: the ranking says what it counts. */
const TRENDING_BASIS = {
  visitors: 'By distinct visitors this week, weighted by interest: asked for a quote 5, compared 3, viewed 1.',
  editors: "By our editors' popularity ranking, until this week's visitors have been counted.",
} as const;

const isCountedTrending = (models: ModelCardData[]) => models.length > 0 && models.every((model) => 'visitors' in model);

export function HomePage({ ctx, data }: { ctx: PageContext; data: HomeData }) {
  const site = { '@context': 'https://schema.org', '@type': 'WebSite', name: 'gadizone', url: ctx.publicUrl,
    potentialAction: { '@type': 'SearchAction', target: `${ctx.publicUrl}/search?q={query}`, 'query-input': 'required name=query' } };
  return (
    <Layout ctx={ctx} meta={{ title: 'gadizone: new car prices, specs, comparisons and news in India', description: 'Research new cars in India: ex-showroom and on-road prices, variants, specifications, comparisons, EMI and the latest car news.', path: '/', jsonLd: [site] }}>
      <div class="hero">
        <div class="wrap">
          <h1>Find the right car</h1>
          <form role="search" action="/search" method="get">
            <label class="visually-hidden" for="q-home">Search by car or brand</label>
            <input id="q-home" type="search" name="q" placeholder="Type a car or brand, e.g. Creta" maxLength={100} data-autocomplete="" />
            <button type="submit">Search</button>
          </form>
          <h2 class="visually-hidden">Shop by budget</h2>
          <ul class="chips">
            {BUDGETS.map((b) => (
              <li><a href={`/cars?${b.query}`}>{b.text}</a></li>
            ))}
          </ul>
          <h2 class="visually-hidden">Shop by body type</h2>
          <ul class="chips">
            {HOME_BODY_TYPES.map((type) => (
              <li><a href={`/cars?bodyType=${type}`}>{label(type)}</a></li>
            ))}
          </ul>
        </div>
      </div>
      <section aria-labelledby="trending">
        <h2 id="trending">Trending cars</h2>
        <p class="muted">{TRENDING_BASIS[isCountedTrending(data.trending) ? 'visitors' : 'editors']}</p>
        <ul class="grid">
          {data.trending.map((model) => (
            <ModelCard model={model} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="comparisons">
        <h2 id="comparisons">Popular comparisons</h2>
        <ul class="grid">
          {data.comparisons.map((c) => {
            const slugs = c.models.map((m) => m.variantSlug).filter((s): s is string => s !== null);
            return (
              <li class="card">
                <a href={`/compare?variants=${slugs.join(',')}`}>
                  <h3>{c.models.map((m) => `${m.brand.name} ${m.name}`).join(' vs ')}</h3>
                </a>
                <p class="muted">{c.title}</p>
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-labelledby="news">
        <h2 id="news">Latest news</h2>
        <ul class="grid">
          {data.news.map((article) => (
            <li class="card">
              <a href={`/news/${article.slug}`}>
                <h3>{article.title}</h3>
              </a>
              <p class="muted">
                {label(article.category)} · <time dateTime={article.publishedAt}>{formatDate(article.publishedAt)}</time>
              </p>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
