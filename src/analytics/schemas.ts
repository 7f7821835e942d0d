import { Type, type Static } from '@sinclair/typebox';
import { BrandRef, One, Slug, StringEnum } from '../lib/schemas.js';
import { MAX_COMPARED, MIN_COMPARED } from '../catalogue/compare/schemas.js';

export const EVENT_TYPES = ['page_view', 'compare', 'lead_form_open'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Events in one request at most. */
export const MAX_BATCH = 50;

export const EventInput = Type.Object(
  {
    type: StringEnum(EVENT_TYPES),
    path: Type.Optional(
      Type.String({
        // RFC 3986 path, query and fragment characters: a browser percent-encodes the rest (< > " spaces).
        pattern: "^/[A-Za-z0-9._~!$&'()*+,;=:@%/?#-]*$",
        maxLength: 500,
        description: 'the page, starting with "/" (URL characters only); stored without its query string and fragment',
      }),
    ),
    model: Type.Optional(Slug),
    variant: Type.Optional(Slug),
    variants: Type.Optional(
      Type.Array(Slug, {
        minItems: MIN_COMPARED,
        maxItems: MAX_COMPARED,
        uniqueItems: true,
        description: `compare only (and required there): the ${MIN_COMPARED} to ${MAX_COMPARED} compared variant slugs`,
      }),
    ),
    sessionId: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_-]+$', minLength: 1, maxLength: 64, description: 'an opaque visitor-session id (stored; trending counts visitors by client address, not by this)' }),
    ),
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInput>;

/**
 * The body is a batch. A single event object is accepted too: the route wraps it in an array before
 * validation (a union of object and array would make Ajv report every mistake twice, once per branch).
 */
export const EventsBody = Type.Array(EventInput, { minItems: 1, maxItems: MAX_BATCH, description: `1 to ${MAX_BATCH} events; a single event object is accepted too` });
export type EventsBody = Static<typeof EventsBody>;

export const EventsReceipt = One(
  Type.Object({
    accepted: Type.Integer({ description: 'events queued for writing' }),
    dropped: Type.Integer({ description: 'events refused because the server is saturated; do not resend them' }),
  }),
);
export type EventsReceipt = Static<typeof EventsReceipt>;

export const TRENDING_DEFAULT_LIMIT = 10;
export const TRENDING_MAX_LIMIT = 50;

export const TrendingQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: TRENDING_MAX_LIMIT, default: TRENDING_DEFAULT_LIMIT }) },
  { additionalProperties: false },
);
export type TrendingQuery = Static<typeof TrendingQuery>;

export const TrendingModel = Type.Object({
  rank: Type.Integer({ minimum: 1 }),
  slug: Type.String(),
  name: Type.String(),
  brand: BrandRef,
  bodyType: Type.String(),
  priceMinInr: Type.Union([Type.Integer(), Type.Null()]),
  priceMaxInr: Type.Union([Type.Integer(), Type.Null()]),
  score: Type.Integer({
    description:
      'what the list is ranked by: distinct visitors over the last 7 days (a visitor counts once per model and UTC day), ' +
      'each weighted by the most telling thing they did: asked for a quote 5, compared 3, viewed 1',
  }),
  visitors: Type.Integer({ description: 'distinct visitors over the last 7 days (a visitor on two days counts twice)' }),
});
export type TrendingModel = Static<typeof TrendingModel>;

export const TrendingList = Type.Object({ data: Type.Array(TrendingModel) });
export type TrendingList = Static<typeof TrendingList>;
