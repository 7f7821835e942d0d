import { Type, type Static } from '@sinclair/typebox';
import { PagingQuery, Pagination, StringEnum } from '../../lib/schemas.js';

/** Results a search can reach (see repository.ts): totals above it are reported as "at least this many". */
export const SEARCH_MAX_RESULTS = 1000;

export const SEARCH_MODES = ['full', 'autocomplete'] as const;
export const SEARCH_TYPES = ['brand', 'model', 'variant'] as const;

export const SearchQuery = Type.Object(
  {
    q: Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        'words to look for, all of them (up to 8). A word of 3 or more characters also matches as a prefix ("cre" finds Creta); ' +
        'a shorter one only as a whole word ("mg", "s"). Typos in brand and model names are tolerated ("cretta" finds Creta).',
    }),
    mode: StringEnum(SEARCH_MODES, { default: 'full', description: 'autocomplete: brands and models only, by prefix, fastest' }),
    type: Type.Optional(StringEnum(SEARCH_TYPES, { description: 'only this kind of result' })),
    page: Type.Integer({ minimum: 1, maximum: SEARCH_MAX_RESULTS, default: 1, description: `1-based page; pages end at result ${SEARCH_MAX_RESULTS} (a later one is a 400)` }),
    limit: PagingQuery.limit,
  },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchHit = Type.Object({
  type: Type.String({ enum: [...SEARCH_TYPES] }),
  slug: Type.String(),
  title: Type.String(),
  subtitle: Type.String(),
  priceInr: Type.Union([Type.Integer(), Type.Null()], { description: 'starting price for models, price for variants' }),
  score: Type.Number(),
});
export type SearchHit = Static<typeof SearchHit>;

export const SearchResults = Type.Object({
  data: Type.Array(SearchHit),
  pagination: Type.Object({
    ...Pagination.properties,
    total: Type.Integer({ description: `matches, counted up to ${SEARCH_MAX_RESULTS}` }),
    totalIsLowerBound: Type.Boolean({
      description: `true when more than ${SEARCH_MAX_RESULTS} matched: total then reads "${SEARCH_MAX_RESULTS}+", and the hits are ranked among the first matches found; add words to narrow the search`,
    }),
  }),
});
export type SearchResults = Static<typeof SearchResults>;
