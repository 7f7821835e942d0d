/** TypeBox building blocks shared by every route: string enums, slugs, list queries, pagination, errors. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** A string enum that Ajv reports as "must be one of a, b, c" and OpenAPI shows as `enum`. */
export const StringEnum = <const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

export const SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
export const Slug = Type.String({ pattern: SLUG_PATTERN, minLength: 1, maxLength: 120, description: 'lowercase letters, digits and hyphens' });
export const SlugParams = Type.Object({ slug: Slug }, { additionalProperties: false });

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** Offset paging stops here; deeper reads use `cursor`, which costs the same at any depth. */
export const MAX_PAGE = 1000;
/**
 * Rows offset paging may skip, whatever the page size: PostgreSQL reads and drops every skipped row, so
 * page 1,000 of 100 cost 100,000 rows (1.3-2.2 s on 200,000 variants). Deeper pages are a 400 that points
 * to `cursor`.
 */
export const MAX_OFFSET_ROWS = 10_000;

export const PagingQuery = {
  page: Type.Integer({
    minimum: 1,
    maximum: MAX_PAGE,
    default: 1,
    description: `1-based page (offset paging): at most ${MAX_OFFSET_ROWS} rows may come before it, (page - 1) × limit ≤ ${MAX_OFFSET_ROWS}, else a 400; read further with cursor. Ignored with cursor`,
  }),
  limit: Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `items per page, at most ${MAX_LIMIT}` }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'nextCursor from the previous page (keyset paging)' })),
};

export const Pagination = Type.Object({
  page: Type.Union([Type.Integer(), Type.Null()], { description: 'null when paging by cursor' }),
  limit: Type.Integer(),
  total: Type.Integer(),
  pages: Type.Integer(),
  hasNext: Type.Boolean(),
  hasPrev: Type.Boolean(),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type Pagination = Static<typeof Pagination>;

export const ListOf = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), pagination: Pagination });
export const One = <T extends TSchema>(item: T) => Type.Object({ data: item });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(
        Type.Array(
          Type.Object({
            in: Type.Optional(Type.String()),
            row: Type.Optional(Type.Integer({ description: 'bulk import: the 1-based data row (header excluded)' })),
            field: Type.Optional(Type.String()),
            message: Type.String(),
          }),
        ),
      ),
    }),
  },
  { $id: 'ErrorBody', description: 'every error answers this shape' },
);

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, Type.Ref(ErrorBody)])) as Record<number, ReturnType<typeof Type.Ref>>;

/** `fields=` projection: a comma-separated subset of `allowed`. */
export const FieldsQuery = (allowed: readonly string[]) =>
  Type.Optional(
    Type.String({
      pattern: `^(${allowed.join('|')})(,(${allowed.join('|')}))*$`,
      description: `comma-separated subset of: ${allowed.join(', ')}`,
    }),
  );

export const BrandRef = Type.Object({ slug: Type.String(), name: Type.String() });
export const Colour = Type.Object({ name: Type.String(), hex: Type.String() });
