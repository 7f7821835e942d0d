/**
 * The public pages (GET): each a thin handler that loads through the domains' services (`app.catalogue`,
 * `app.content`, `app.analytics`, the same ones the API answers with) and renders, cached under the tags
 * the domains say its data carries, so the admin write that changes what a page shows invalidates it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Picture } from '../media/picture.js';
import { trendingAnswerTags } from '../analytics/cache-tags.js';
import { brandAnswerTags, listAnswerTags, modelAnswerTags, variantAnswerTags } from '../catalogue/cache-tags.js';
import type { BrandSummary } from '../catalogue/brands/schemas.js';
import { articleAnswerTags, articleListAnswerTags } from '../content/articles/cache-tags.js';
import type { ArticleSummary } from '../content/articles/schemas.js';
import type { ModelSummary } from '../catalogue/models/schemas.js';
import { BODY_TYPES, type BodyType } from '../catalogue/vocabulary.js';
import { SlugParams } from '../lib/schemas.js';
import type { PageContext } from './components/layout.js';
import { pageRoute, renderPage, servePage } from './page.js';
import { BrandPage, BrandsPage } from './pages/brands.js';
import { CARS_PAGE_FACETS, CarsPage, SearchPage } from './pages/cars.js';
import { HomePage } from './pages/home.js';
import { ModelPage } from './pages/model.js';
import { ArticlePage, NewsPage } from './pages/news.js';
import { VariantPage } from './pages/variant.js';
import { CARS_PAGE_SIZE, CarsQuery, ComparePageQuery, EmptyQuery, ModelPageQuery, NewsQuery, SearchPageQuery } from './schemas.js';
import { comparePage, compareRedirect } from './compare-page.js';
import { searchThroughCache } from '../catalogue/search/cached-search.js';
import { lastOffsetPage } from '../catalogue/list-query.js';

const HOME_ITEMS = 8;
const SIMILAR_MODELS = 6;
const NEWS_PAGE_SIZE = 12;
const SEARCH_PAGE_SIZE = 20;
const ALL_BRANDS = 100;

/** Hero first, then the gallery's other photos (the hero is often the first of them). */
async function modelPictures(app: FastifyInstance, slug: string): Promise<Picture[]> {
  const id = await app.pageData.modelId(slug);
  if (id === null || !app.hasDecorator('media')) return [];
  const [heroes, gallery] = await Promise.all([app.media.pictures.forModels([id]), app.media.pictures.gallery(id)]);
  const hero = heroes.get(id);
  return hero === undefined ? gallery : [hero, ...gallery.filter((p) => p.src !== hero.src)];
}

const ROUTES = {
  home: pageRoute('home', 'modelsS'),
  brands: pageRoute('brands', 'brandsS'),
  brand: pageRoute('brand', 'brandsS'),
  model: pageRoute('model', 'modelsS'),
  variant: pageRoute('variant', 'variantsS'),
  compare: pageRoute('compare', 'variantsS'),
  cars: pageRoute('cars', 'modelsS', ['brand']),
  search: pageRoute('search', 'variantsS'),
  news: pageRoute('news', 'articlesS'),
  article: pageRoute('article', 'articlesS'),
};

const isBodyType = (value: string): value is BodyType => (BODY_TYPES as readonly string[]).includes(value);

export const pageRoutes: FastifyPluginAsyncTypebox<{ site: PageContext }> = async (app, { site }) => {
  const hide = { hide: true };
  const { brands, models, variants, comparisons: popular } = app.catalogue;
  const { articles } = app.content;

  app.get('/', { schema: { ...hide, querystring: EmptyQuery } }, (request, reply) =>
    servePage(app, site, request, reply, ROUTES.home, async (ctx) => {
      const [trending, comparisons, news] = await Promise.all([
        app.analytics.trending.list({ limit: HOME_ITEMS }),
        popular.listPopular({ page: 1, limit: HOME_ITEMS / 2 }),
        articles.list({ sort: 'newest', page: 1, limit: HOME_ITEMS / 2 }),
      ]);
      // Before the first analytics roll-up there is no trending list: the most popular models stand in.
      const shown = trending.data.length > 0 ? trending.data : ((await models.list({ sort: 'popularity', page: 1, limit: HOME_ITEMS, status: 'current' })).data as ModelSummary[]);
      const html = renderPage(<HomePage ctx={ctx} data={{ trending: shown, comparisons: comparisons.data, news: news.data as ArticleSummary[] }} />);
      return { html, tags: [...trendingAnswerTags(), ...listAnswerTags('models'), ...listAnswerTags('comparisons'), ...articleListAnswerTags(news.data)] };
    }),
  );

  app.get('/brands', { schema: { ...hide, querystring: EmptyQuery } }, (request, reply) =>
    servePage(app, site, request, reply, ROUTES.brands, async (ctx) => {
      const list = await brands.list({ sort: 'name', page: 1, limit: ALL_BRANDS });
      return { html: renderPage(<BrandsPage ctx={ctx} brands={list.data as BrandSummary[]} />), tags: listAnswerTags('brands') };
    }),
  );

  app.get('/brands/:slug', { schema: { ...hide, params: SlugParams, querystring: EmptyQuery } }, (request, reply) =>
    servePage(app, site, request, reply, ROUTES.brand, async (ctx) => {
      const brand = await brands.get(request.params.slug);
      return { html: renderPage(<BrandPage ctx={ctx} brand={brand} />), tags: brandAnswerTags(brand) };
    }),
  );

  app.get('/cars/:slug', { schema: { ...hide, params: SlugParams, querystring: ModelPageQuery } }, (request, reply) =>
    servePage(app, site, request, reply, ROUTES.model, async (ctx) => {
      const model = await models.get(request.params.slug);
      const bodyType = isBodyType(model.bodyType) ? model.bodyType : undefined;
      const similar = await models.list({ bodyType, status: 'current', sort: 'popularity', page: 1, limit: SIMILAR_MODELS + 1 });
      const others = (similar.data as ModelSummary[]).filter((m) => m.slug !== model.slug).slice(0, SIMILAR_MODELS);
      const html = renderPage(<ModelPage ctx={ctx} data={{ model, query: request.query, similar: others, pictures: await modelPictures(app, model.slug) }} />);
      // The similar models are a models list.
      return { html, tags: [...modelAnswerTags(model), ...listAnswerTags('models')] };
    }),
  );

  app.get('/variants/:slug', { schema: { ...hide, params: SlugParams, querystring: EmptyQuery } }, (request, reply) =>
    servePage(app, site, request, reply, ROUTES.variant, async (ctx) => {
      const variant = await variants.get(request.params.slug);
      return { html: renderPage(<VariantPage ctx={ctx} variant={variant} />), tags: variantAnswerTags(variant) };
    }),
  );

  app.get('/compare', { schema: { ...hide, querystring: ComparePageQuery } }, async (request, reply) => {
    if (request.query.add !== undefined) return compareRedirect(app, request, request.query, reply);
    return servePage(app, site, request, reply, ROUTES.compare, (ctx) => comparePage(app, ctx, request.query));
  });

  app.get('/cars', { schema: { ...hide, querystring: CarsQuery } }, (request, reply) =>
    servePage(app, site, request, reply, ROUTES.cars, async (ctx) => {
      const filters = { ...request.query, limit: CARS_PAGE_SIZE };
      const { facets = {}, ...list } = await models.list({ ...filters, facets: CARS_PAGE_FACETS });
      // The pager links no further than offset paging reaches (a deeper page is a 400).
      const pagination = { ...list.pagination, pages: Math.min(list.pagination.pages, lastOffsetPage(CARS_PAGE_SIZE)) };
      const html = renderPage(<CarsPage ctx={ctx} data={{ query: request.query, models: list.data as ModelSummary[], pagination, facets }} />);
      return { html, tags: listAnswerTags('models') };
    }),
  );

  app.get('/search', { schema: { ...hide, querystring: SearchPageQuery } }, (request, reply) =>
    servePage(app, site, request, reply, ROUTES.search, async (ctx) => {
      const q = (request.query.q ?? '').trim();
      const empty = { data: [], pagination: { page: 1, limit: SEARCH_PAGE_SIZE, total: 0, pages: 0, hasNext: false, hasPrev: false, nextCursor: null } };
      const result = q === '' ? empty : await searchThroughCache(app, request, { q, mode: 'full', page: request.query.page, limit: SEARCH_PAGE_SIZE });
      return { html: renderPage(<SearchPage ctx={ctx} q={q} hits={result.data} pagination={result.pagination} />), tags: listAnswerTags('search') };
    }),
  );

  app.get('/news', { schema: { ...hide, querystring: NewsQuery } }, (request, reply) =>
    servePage(app, site, request, reply, ROUTES.news, async (ctx) => {
      const list = await articles.list({ sort: 'newest', page: request.query.page, limit: NEWS_PAGE_SIZE });
      const html = renderPage(<NewsPage ctx={ctx} articles={list.data as ArticleSummary[]} pagination={list.pagination} page={request.query.page} />);
      return { html, tags: articleListAnswerTags(list.data) };
    }),
  );

  app.get('/news/:slug', { schema: { ...hide, params: SlugParams, querystring: EmptyQuery } }, (request, reply) =>
    servePage(app, site, request, reply, ROUTES.article, async (ctx) => {
      const article = await articles.get(request.params.slug);
      return { html: renderPage(<ArticlePage ctx={ctx} article={article} />), tags: articleAnswerTags(article) };
    }),
  );
};
