/** /compare: 1–4 variants from the URL; `add` (the picker without JavaScript) resolves a name and redirects. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { comparisonAnswerTags } from '../catalogue/cache-tags.js';
import { searchThroughCache } from '../catalogue/search/cached-search.js';
import type { VariantSummary } from '../catalogue/variants/schemas.js';
import type { PageContext } from './components/layout.js';
import { renderPage, type PageResult } from './page.js';
import { ComparePage } from './pages/compare.js';
import type { ComparePageQuery } from './schemas.js';

const MAX_COMPARED = 4;

const slugsOf = (query: ComparePageQuery) => [...new Set((query.variants ?? '').split(',').filter(Boolean))];

/**
 * Adds the best-matching variant for `add` and redirects to the shareable URL (303: a new GET). The search
 * is the API's, cached under the same key as `/api/search?q=…&type=variant&limit=1`.
 */
export async function compareRedirect(app: FastifyInstance, request: FastifyRequest, query: ComparePageQuery, reply: FastifyReply) {
  const slugs = slugsOf(query);
  const q = (query.add ?? '').trim();
  const hits = q === '' ? null : await searchThroughCache(app, request, { q, mode: 'full', type: 'variant', page: 1, limit: 1 });
  const found = hits?.data[0]?.slug;
  const next = found === undefined || slugs.includes(found) ? slugs : [...slugs, found].slice(-MAX_COMPARED);
  return reply.code(303).header('cache-control', 'no-store').redirect(next.length ? `/compare?variants=${next.join(',')}` : '/compare', 303);
}

export async function comparePage(app: FastifyInstance, ctx: PageContext, query: ComparePageQuery): Promise<PageResult> {
  const slugs = slugsOf(query);
  const onlyDifferences = query.only === 'differences';
  let chosen: VariantSummary[] = [];
  let comparison = null;
  if (slugs.length >= 2) comparison = await app.catalogue.compare.compare(slugs.join(','), false);
  else if (slugs.length === 1) chosen = [await app.catalogue.variants.get(slugs[0]!)];
  const variants = comparison?.variants ?? chosen;
  const html = renderPage(<ComparePage ctx={ctx} data={{ slugs, onlyDifferences, comparison, chosen }} />);
  return { html, tags: comparisonAnswerTags(variants) };
}
