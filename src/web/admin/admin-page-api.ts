/**
 * How the admin pages use the admin API: every read and write goes through `app.inject` to the real
 * /api/admin/* route, so permissions, validation, versioning (If-Match → 412), audit rows and cache
 * invalidation are exactly the API's. The page request's access cookie becomes the inner request's
 * Bearer token: the CSRF Origin check has already run on the page request (see admin-page-routes.tsx), and a Bearer
 * request cannot be forged cross-site. The client's address is passed on, so the audit log and the
 * per-IP limits see the visitor, not 127.0.0.1.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest, HTTPMethods } from 'fastify';
import { ACCESS_COOKIE } from '../../admin/auth/auth-plugin.js';
import type { ErrorDetail } from '../../errors.js';

export interface ApiError {
  code: string;
  message: string;
  details?: ErrorDetail[];
}

export interface ApiAnswer<T = unknown> {
  status: number;
  /** The `data` of a 2xx JSON answer. */
  data: T;
  pagination?: { page: number | null; total: number; pages: number; hasNext: boolean; hasPrev: boolean };
  error?: ApiError;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface ApiCall {
  method?: HTTPMethods;
  url: string;
  /** JSON input, or a body stream sent with `contentType` (a multipart upload passed on as it arrives). */
  payload?: Record<string, unknown> | Readable;
  contentType?: string;
  /** The version the change is based on (`v3`). */
  ifMatch?: number;
  /** Headers to pass as they are (login and logout need the page request's Origin and Host). */
  headers?: Record<string, string>;
  /** Send no Authorization header (login). */
  anonymous?: boolean;
}

export const accessTokenOf = (request: FastifyRequest): string | undefined => {
  const token = request.cookies[ACCESS_COOKIE];
  return token === undefined || token === '' ? undefined : token;
};

export async function callApi<T = unknown>(app: FastifyInstance, request: FastifyRequest, call: ApiCall): Promise<ApiAnswer<T>> {
  const token = accessTokenOf(request);
  const headers: Record<string, string> = { ...call.headers };
  if (!call.anonymous && token !== undefined) headers.authorization = `Bearer ${token}`;
  if (call.contentType !== undefined) headers['content-type'] = call.contentType;
  if (call.ifMatch !== undefined) headers['if-match'] = `"v${call.ifMatch}"`;
  const userAgent = request.headers['user-agent'];
  if (userAgent !== undefined) headers['user-agent'] = userAgent;
  const response = await app.inject({
    method: call.method ?? 'GET',
    url: call.url,
    remoteAddress: request.ip,
    headers,
    ...(call.payload === undefined ? {} : { payload: call.payload }),
  });
  const isJson = String(response.headers['content-type'] ?? '').startsWith('application/json');
  const body = isJson && response.body !== '' ? (response.json() as { data?: T; pagination?: ApiAnswer['pagination']; error?: ApiError }) : {};
  return { status: response.statusCode, data: body.data as T, pagination: body.pagination, error: body.error, headers: response.headers };
}

/** Errors by top-level field name (`colours.0.hex` → `colours`), for messages next to the inputs. */
export function fieldErrors(error: ApiError | undefined): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const detail of error?.details ?? []) {
    const field = (detail.field ?? '').split('.')[0] ?? '';
    if (field !== '' && byField[field] === undefined) byField[field] = detail.message;
  }
  return byField;
}
