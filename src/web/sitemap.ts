/**
 * /sitemap.xml is a sitemap index; each chunk lists at most SITEMAP_CHUNK_URLS URLs of one kind, read with a
 * keyset query (`id > after ORDER BY id LIMIT n`), so the last chunk of 200,000 variants costs what the first
 * does. Chunk URLs name the id they start after; the index finds those ids in one pass over the primary
 * key, and a chunk the index does not list is a 404 (never a cache entry). Both are cached and tagged like the pages, so a new model appears at once. /robots.txt points here.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listAnswerTags } from '../catalogue/cache-tags.js';
import { articleListAnswerTags } from '../content/articles/cache-tags.js';
import { AppError } from '../errors.js';
import type { CachedRoute } from '../platform/cache/response-cache.js';
import type { PageResult } from './page.js';
import { HOME_BODY_TYPES } from './pages/home.js';
import { EmptyQuery, SitemapChunkParams } from './schemas.js';
import type { SitemapTable } from './web-repository.js';

/** The protocol allows 50,000; 10,000 keeps a chunk near 1 MB, a comfortable cache entry. */
export const SITEMAP_CHUNK_URLS = 10_000;
/** The tables' ids are `serial`: a chunk starting after a larger one cannot exist (and PostgreSQL refuses the parameter). */
const MAX_ROW_ID = 2_147_483_647;
const XML_TYPE = 'application/xml; charset=utf-8';

type ChunkKind = 'pages' | 'brands' | 'models' | 'variants' | 'news';

/** Each chunk kind: its table, its pages' path, and the list tags of the pages it links to (a new row adds a URL). */
const TABLES: Record<Exclude<ChunkKind, 'pages'>, { table: SitemapTable; path: string; tags: string[] }> = {
  brands: { table: 'brands', path: '/brands/', tags: listAnswerTags('brands') },
  models: { table: 'models', path: '/cars/', tags: listAnswerTags('models') },
  variants: { table: 'variants', path: '/variants/', tags: listAnswerTags('variants') },
  // The news chunk lists article URLs only, no model names.
  news: { table: 'articles', path: '/news/', tags: articleListAnswerTags([]) },
};

const STATIC_PATHS = ['/', '/brands', '/cars', '/compare', '/news', ...HOME_BODY_TYPES.map((t) => `/cars?bodyType=${t}`)];

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const xmlRoute = (name: string): CachedRoute<PageResult> => ({ name, ttl: 'modelsS', tags: (v) => v.tags, render: (v) => v.html, contentType: XML_TYPE });
const INDEX_ROUTE = xmlRoute('sitemap.index');
const CHUNK_ROUTE = xmlRoute('sitemap.chunk');

export const sitemapRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const base = app.config.publicUrl;
  const schema = { hide: true };

  app.get('/sitemap.xml', { schema: { ...schema, querystring: EmptyQuery } }, (request, reply) =>
    app.cache.serve(request, reply, INDEX_ROUTE, async () => {
      const entries = [`${base}/sitemaps/pages-0.xml`];
      for (const [kind, { table }] of Object.entries(TABLES)) {
        for (const after of await app.pageData.sitemapChunkStarts(table, SITEMAP_CHUNK_URLS)) entries.push(`${base}/sitemaps/${kind}-${after}.xml`);
      }
      const body = entries.map((loc) => `<sitemap><loc>${xmlEscape(loc)}</loc></sitemap>`).join('');
      return {
        html: `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${body}</sitemapindex>\n`,
        tags: Object.values(TABLES).flatMap((t) => t.tags),
      };
    }),
  );

  app.get('/sitemaps/:file', { schema: { ...schema, params: SitemapChunkParams, querystring: EmptyQuery } }, (request, reply) =>
    app.cache.serve(request, reply, CHUNK_ROUTE, async () => {
      const [, kind, afterText] = /^([a-z]+)-(\d+)\.xml$/.exec(request.params.file) as unknown as [string, ChunkKind, string];
      const after = Number(afterText);
      if (after > MAX_ROW_ID) throw new AppError('NOT_FOUND', `no sitemap chunk starts after id ${afterText}: ids end at ${MAX_ROW_ID}`);
      let urls: string[];
      let tags: string[] = [];
      // Only the chunks the index lists exist: any other start would be a new, overlapping ~1 MB entry per id.
      const unlisted = () => new AppError('NOT_FOUND', `no sitemap chunk ${request.params.file}: /sitemap.xml lists the chunks`);
      if (kind === 'pages') {
        if (after !== 0) throw unlisted();
        urls = STATIC_PATHS.map((path) => `<url><loc>${xmlEscape(base + path)}</loc></url>`);
      } else {
        const source = TABLES[kind];
        if (!(await app.pageData.sitemapChunkStarts(source.table, SITEMAP_CHUNK_URLS)).includes(after)) throw unlisted();
        const rows = await app.pageData.sitemapRows(source.table, after, SITEMAP_CHUNK_URLS);
        urls = rows.map((r) => `<url><loc>${xmlEscape(`${base}${source.path}${r.slug}`)}</loc><lastmod>${r.updatedAt.toISOString()}</lastmod></url>`);
        tags = source.tags;
      }
      const html = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>\n`;
      return { html, tags };
    }),
  );

  app.get('/robots.txt', { schema: { ...schema, querystring: EmptyQuery } }, async (_request, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(`User-agent: *\nDisallow: /api/\nDisallow: /admin\nDisallow: /search\nSitemap: ${base}/sitemap.xml\n`),
  );
};
