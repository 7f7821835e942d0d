/**
 * The error catalogue and the one error handler. Every error a client can see has a code, a status and a
 * message; the body is always `{ error: { code, message, details? } }`. 5xx answers say only
 * "internal error" and the request id, never a stack trace or SQL.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNKNOWN_PARAMETER: 400,
  INVALID_CURSOR: 400,
  BAD_REQUEST: 400,
  WEAK_PASSWORD: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  REFRESH_TOKEN_INVALID: 401,
  REFRESH_TOKEN_REUSED: 401,
  SESSION_REVOKED: 401,
  ACCOUNT_DISABLED: 401,
  FORBIDDEN: 403,
  ORIGIN_REJECTED: 403,
  NOT_FOUND: 404,
  BRAND_NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  VARIANT_NOT_FOUND: 404,
  ARTICLE_NOT_FOUND: 404,
  SUBSCRIPTION_NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  IDEMPOTENCY_KEY_CONFLICT: 409,
  SLUG_TAKEN: 409,
  EMAIL_TAKEN: 409,
  REFERENCE_IN_USE: 409,
  VERSION_CONFLICT: 412,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  IMPORT_INVALID: 422,
  VERSION_REQUIRED: 428,
  ACCOUNT_LOCKED: 429,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  OVERLOADED: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  in?: string;
  /** Bulk import: the 1-based data row (header excluded). */
  row?: number;
  field?: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    /** Response headers that belong to the error (Retry-After on a lockout, say). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

/** Retry-After of a DATABASE_UNAVAILABLE: the database breaker's half-open delay. */
const DATABASE_RETRY_AFTER_S = 5;

/** PostgreSQL and socket errors that mean "the database cannot be reached", not "this query is wrong". */
const UNREACHABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNREACHABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EOPENBREAKER']);
const UNREACHABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

export function isDatabaseUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE_ERRNOS.has(code) || UNREACHABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  return UNREACHABLE_MESSAGES.test(error.message);
}

export const databaseUnavailable = (): AppError =>
  new AppError('DATABASE_UNAVAILABLE', 'the database is unavailable; try again shortly', undefined, {
    'retry-after': String(DATABASE_RETRY_AFTER_S),
  });

/** SQLSTATE query_canceled: DATABASE_STATEMENT_TIMEOUT_MS ran out (or an operator cancelled the statement). */
const STATEMENT_CANCELED_SQLSTATE = '57014';
/** Retry-After of a statement that ran out of time: long enough for the burst that slowed it to pass. */
const STATEMENT_TIMEOUT_RETRY_AFTER_S = 5;

/** A statement cancelled by the statement timeout: the database is too busy for it now, not a fault of the code. */
export function isStatementTimeout(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === STATEMENT_CANCELED_SQLSTATE;
}

export const statementTimedOut = (): AppError =>
  new AppError('SERVICE_UNAVAILABLE', 'the request took too long while the site is busy; try again shortly', undefined, {
    'retry-after': String(STATEMENT_TIMEOUT_RETRY_AFTER_S),
  });

export const notFound = (code: 'BRAND_NOT_FOUND' | 'MODEL_NOT_FOUND' | 'VARIANT_NOT_FOUND' | 'ARTICLE_NOT_FOUND', kind: string, slug: string) =>
  new AppError(code, `no ${kind} with slug "${slug}"`);

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

const CONTEXT_LABEL: Record<string, string> = { querystring: 'query parameter', body: 'body field', params: 'path parameter', headers: 'header' };

function fieldOf(issue: ValidationIssue): string {
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const missing = issue.params.missingProperty;
  if (typeof missing === 'string') return path === '' ? missing : `${path}.${missing}`;
  return path;
}

/** Turns Ajv's errors into one readable message plus per-field details. */
export function fromValidation(issues: ValidationIssue[], context: string): AppError {
  const label = CONTEXT_LABEL[context] ?? context;
  const unknown = issues.filter((i) => i.keyword === 'additionalProperties').map((i) => String(i.params.additionalProperty));
  if (unknown.length > 0) {
    const names = [...new Set(unknown)];
    return new AppError(
      'UNKNOWN_PARAMETER',
      `unknown ${label}${names.length > 1 ? 's' : ''}: ${names.join(', ')}`,
      names.map((field) => ({ in: context, field, message: `unknown ${label}` })),
    );
  }
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const field = fieldOf(issue);
    // anyOf/enum produce one line per branch; the first says enough.
    if (seen.has(field)) continue;
    seen.add(field);
    const allowed = issue.params.allowedValues;
    const message = Array.isArray(allowed) ? `must be one of ${allowed.join(', ')}` : (issue.message ?? 'is invalid');
    details.push({ in: context, field, message });
  }
  if (details.length === 1 && details[0]?.field === '' && context === 'body') {
    return new AppError('VALIDATION_FAILED', `the request body ${details[0].message.replace(/^must be object$/, 'must be a JSON object')}`, details);
  }
  const summary = details.map((d) => (d.field ? `${d.field} ${d.message}` : d.message)).join('; ');
  return new AppError('VALIDATION_FAILED', `invalid ${label}s: ${summary}`, details);
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
};

function toAppError(error: FastifyError): AppError | null {
  if (error instanceof AppError) return error;
  // The connection died under a query (the pool's breaker covers connecting): a 503, not a 500.
  if (isDatabaseUnreachable(error)) return databaseUnavailable();
  if (isStatementTimeout(error)) return statementTimedOut();
  if (error.validation) return fromValidation(error.validation as ValidationIssue[], error.validationContext ?? 'request');
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped === 'UNSUPPORTED_MEDIA_TYPE') return new AppError(mapped, `unsupported content type: send the body as application/json`);
  if (mapped) return new AppError(mapped, error.message);
  if (error.statusCode === 429) return new AppError('TOO_MANY_REQUESTS', error.message);
  // Any other client error Fastify raised itself (malformed JSON, bad headers).
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return new AppError('BAD_REQUEST', error.message);
  return null;
}

export function errorBody(error: AppError) {
  return { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  return reply.code(error.status).header('cache-control', 'no-store').send(errorBody(error));
}

/** Errors Fastify's router raises before any route runs (Fastify `frameworkErrors`). */
export function handleFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') sendError(reply, new AppError('URI_TOO_LONG', 'a path segment is too long'));
  else sendError(reply, new AppError('BAD_REQUEST', error.code === 'FST_ERR_BAD_URL' ? 'the URL is malformed' : error.message));
}

/** Registers the error handler and the JSON 404 for unknown routes. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = toAppError(error);
    if (known && known.status < 500) {
      request.log.info({ code: known.code, message: known.message }, 'client error');
      return sendError(reply, known);
    }
    request.log.error({ err: error }, 'request failed');
    const status = known?.status ?? 500;
    if (known?.headers) reply.headers(known.headers);
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .send({
        error: {
          code: known?.code ?? 'INTERNAL',
          message: status === 503 && known ? known.message : `internal error; quote request id ${request.id} when reporting it`,
        },
      });
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new AppError('ROUTE_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
}
