/** Query strings and form bodies of the pages: validated like the API, so a bad value is a 400 page, never a 500. */
import { Type, type Static } from '@sinclair/typebox';
import { CatalogueFilterQuery } from '../catalogue/filters.js';
import { FUELS, TRANSMISSIONS } from '../catalogue/vocabulary.js';
import { MAX_PAGE, Slug, StringEnum } from '../lib/schemas.js';
import { EMI_LIMITS } from './emi.js';

export const CITY_PATTERN = '^[a-z-]{2,40}$';

export const ModelPageQuery = Type.Object(
  {
    fuel: Type.Optional(StringEnum(FUELS)),
    transmission: Type.Optional(StringEnum(TRANSMISSIONS)),
    city: Type.Optional(Type.String({ pattern: CITY_PATTERN })),
    down: Type.Optional(Type.Integer({ minimum: EMI_LIMITS.downPaymentPercent.min, maximum: EMI_LIMITS.downPaymentPercent.max })),
    rate: Type.Optional(Type.Number({ minimum: EMI_LIMITS.ratePercent.min, maximum: EMI_LIMITS.ratePercent.max, multipleOf: 0.25 })),
    months: Type.Optional(Type.Integer({ minimum: EMI_LIMITS.tenureMonths.min, maximum: EMI_LIMITS.tenureMonths.max, multipleOf: 12 })),
  },
  { additionalProperties: false },
);
export type ModelPageQuery = Static<typeof ModelPageQuery>;

/** /cars: the catalogue's own filter vocabulary, with a page size fit for a grid. */
export const CARS_PAGE_SIZE = 24;
const { cursor: _cursor, limit: _limit, ...filters } = CatalogueFilterQuery;
export const CarsQuery = Type.Object(filters, { additionalProperties: false });
export type CarsQuery = Static<typeof CarsQuery>;

export const SearchPageQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    page: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 }),
  },
  { additionalProperties: false },
);
export type SearchPageQuery = Static<typeof SearchPageQuery>;

export const ComparePageQuery = Type.Object(
  {
    variants: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+(,[a-z0-9-]+){0,3}$', description: '1 to 4 variant slugs' })),
    only: Type.Optional(Type.Literal('differences')),
    add: Type.Optional(Type.String({ maxLength: 100 })),
    remove: Type.Optional(Slug),
  },
  { additionalProperties: false },
);
export type ComparePageQuery = Static<typeof ComparePageQuery>;

export const NewsQuery = Type.Object({ page: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 }) }, { additionalProperties: false });
export type NewsQuery = Static<typeof NewsQuery>;

export const EmptyQuery = Type.Object({}, { additionalProperties: false });

/** Form fields arrive as strings; the lead API's own schema checks them after the empty ones are dropped. */
export const LeadForm = Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 1000 }));
export const NewsletterForm = Type.Object(
  { email: Type.String({ maxLength: 254 }), back: Type.Optional(Type.String({ maxLength: 300 })) },
  { additionalProperties: false },
);
export type NewsletterForm = Static<typeof NewsletterForm>;

/** `variants-12345.xml`: the kind of URL and the id the chunk starts after. */
export const SitemapChunkParams = Type.Object(
  { file: Type.String({ pattern: '^(pages|brands|models|variants|news)-(0|[1-9][0-9]{0,11})\\.xml$' }) },
  { additionalProperties: false },
);
