import { Type, type Static } from '@sinclair/typebox';
import { ListOf, PagingQuery, StringEnum } from '../../lib/schemas.js';

export const SEARCH_MODES = ['full', 'autocomplete'] as const;
export const SEARCH_TYPES = ['brand', 'model', 'variant'] as const;

export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 100, description: 'words to look for; typos are tolerated ("cretta" finds Creta)' }),
    mode: StringEnum(SEARCH_MODES, { default: 'full', description: 'autocomplete: brands and models only, by prefix, fastest' }),
    type: Type.Optional(StringEnum(SEARCH_TYPES, { description: 'only this kind of result' })),
    page: PagingQuery.page,
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

export const SearchResults = ListOf(SearchHit);
