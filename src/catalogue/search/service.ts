import { AppError } from '../../errors.js';
import { buildPagination } from '../../lib/pagination.js';
import type { SearchRepository, SearchTerms } from './repository.js';
import { SEARCH_MAX_RESULTS, type SearchQuery, type SearchResults } from './schemas.js';

const MAX_WORDS = 8;
const MAX_WORD_LENGTH = 40;
const AUTOCOMPLETE_MAX = 10;
/**
 * Words at least this long also match as prefixes ("cre" finds Creta); shorter ones only as whole words
 * ("mg", "s"). A one- or two-letter prefix matches most of the catalogue (every "s…" word), and ranking
 * that cost seconds; as whole words they still find MG, the S-Class or a trim called "E".
 */
export const PREFIX_MIN_CHARS = 3;

/** Letters and digits only: anything else (quotes, operators, SQL) is a word separator. */
export function toSearchTerms(q: string): SearchTerms | null {
  const words = (q.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .slice(0, MAX_WORDS)
    .map((w) => w.slice(0, MAX_WORD_LENGTH));
  if (words.length === 0) return null;
  const long = (w: string) => w.length >= PREFIX_MIN_CHARS;
  return {
    tsquery: words.map((w) => (long(w) ? `${w}:*` : w)).join(' & '),
    text: words.join(' '),
    typos: words.some(long),
  };
}

/** Search pages end where the results a search can reach end (the ranking stops there, see repository.ts). */
function checkDepth(page: number, limit: number): void {
  if ((page - 1) * limit < SEARCH_MAX_RESULTS) return;
  const message = `search results stop at ${SEARCH_MAX_RESULTS}: page ${page} of ${limit} starts past them; add words to narrow the search`;
  throw new AppError('VALIDATION_FAILED', message, [{ in: 'querystring', field: 'page', message }]);
}

export function createSearchService(search: SearchRepository) {
  return {
    async search(request: SearchQuery): Promise<SearchResults> {
      const terms = toSearchTerms(request.q);
      const autocomplete = request.mode === 'autocomplete';
      const limit = autocomplete ? Math.min(request.limit, AUTOCOMPLETE_MAX) : request.limit;
      const page = autocomplete ? 1 : request.page;
      checkDepth(page, limit);
      const kinds = request.type ? [request.type] : autocomplete ? (['brand', 'model'] as const) : (['brand', 'model', 'variant'] as const);
      if (terms === null) return { data: [], pagination: { ...buildPagination({ page, limit }, 0, false, null), totalIsLowerBound: false } };
      const { hits, total, totalIsLowerBound } = await search.search(terms, [...kinds], limit, (page - 1) * limit);
      return { data: hits, pagination: { ...buildPagination({ page, limit }, total, page * limit < total, null), totalIsLowerBound } };
    },
  };
}
