import { buildPagination } from '../../lib/pagination.js';
import type { SearchRepository, SearchTerms } from './repository.js';
import type { SearchQuery } from './schemas.js';

const MAX_WORDS = 8;
const MAX_WORD_LENGTH = 40;
const AUTOCOMPLETE_MAX = 10;

/** Letters and digits only: anything else (quotes, operators, SQL) is a word separator. */
export function toSearchTerms(q: string): SearchTerms | null {
  const words = (q.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .slice(0, MAX_WORDS)
    .map((w) => w.slice(0, MAX_WORD_LENGTH));
  if (words.length === 0) return null;
  return { tsquery: words.map((w) => `${w}:*`).join(' & '), text: words.join(' ') };
}

export function createSearchService(search: SearchRepository) {
  return {
    async search(request: SearchQuery) {
      const terms = toSearchTerms(request.q);
      const autocomplete = request.mode === 'autocomplete';
      const limit = autocomplete ? Math.min(request.limit, AUTOCOMPLETE_MAX) : request.limit;
      const page = autocomplete ? 1 : request.page;
      const kinds = request.type ? [request.type] : autocomplete ? (['brand', 'model'] as const) : (['brand', 'model', 'variant'] as const);
      if (terms === null) return { data: [], pagination: buildPagination({ page, limit }, 0, false, null) };
      const { hits, total } = await search.search(terms, [...kinds], limit, (page - 1) * limit);
      return { data: hits, pagination: buildPagination({ page, limit }, total, page * limit < total, null) };
    },
  };
}
