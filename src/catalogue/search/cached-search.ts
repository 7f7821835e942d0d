/**
 * Searches for the pages (/search, /compare?add=) go through GET /api/search itself, by `app.inject`: the
 * same validation and the same cache entry (key, tags, one load per key at a time, grace) as an API
 * client's identical search, so a page never runs a search the cache could have answered, and what a
 * search may cost is decided in one place. The inner request is not counted against the visitor's rate
 * limit a second time: the page request that makes it already was.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ERROR_STATUS, type ErrorCode, type ErrorDetail } from '../../errors.js';
import type { SearchQuery, SearchResults } from './schemas.js';

interface ErrorAnswer {
  error?: { code?: string; message?: string; details?: ErrorDetail[] };
}

const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);

export async function searchThroughCache(app: FastifyInstance, request: FastifyRequest, query: SearchQuery): Promise<SearchResults> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const response = await app.inject({
    method: 'GET',
    url: `/api/search?${params.toString()}`,
    remoteAddress: request.ip,
    // The page request's id, so the inner request's log lines are found with it.
    headers: { ...app.rateLimit.internalHeaders, 'x-request-id': request.id },
  });
  if (response.statusCode === 200) return response.json<SearchResults>();
  // A refusal (400) or a temporary outage (503, with its Retry-After) is the page's own; anything else is a failure.
  const error = response.json<ErrorAnswer>().error;
  if (isErrorCode(error?.code) && ERROR_STATUS[error.code] === response.statusCode && response.statusCode !== 500) {
    const retryAfter = response.headers['retry-after'];
    throw new AppError(error.code, error.message ?? 'the search failed', error.details, retryAfter === undefined ? undefined : { 'retry-after': String(retryAfter) });
  }
  throw new Error(`GET /api/search answered ${response.statusCode}`);
}
