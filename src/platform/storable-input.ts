/**
 * Values no handler should ever see, refused once for every route after validation:
 * - non-finite numbers: Ajv coerces "Infinity" and "1e400" in query strings (and JSON.parse reads 1e999 in
 *   bodies) to Infinity, and then lets it past `maximum`;
 * - strings PostgreSQL cannot store: the NUL character (U+0000), refused by text and jsonb alike, and a
 *   lone UTF-16 surrogate (JSON's "\ud800"), which jsonb refuses and text silently turns into U+FFFD.
 *   Either would fail the statement (a 500, or a poisoned batch for writes done later) or change what was
 *   sent, and no name, text or token legitimately holds one.
 * Path parameters are checked too: an `:id` of "1e400" is coerced to Infinity like any query value.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

const MAX_DEPTH = 8;
const NUL = '\u0000';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unstorableString(value: string): string | null {
  if (value.includes(NUL)) return 'must not contain the NUL character';
  return LONE_SURROGATE.test(value) ? 'must be valid Unicode (it holds a lone surrogate)' : null;
}

/**
 * Parsed JSON, forms, query strings and route params: any object but raw bytes and streams. Raw bytes
 * (a Buffer, typed array or ArrayBuffer) are never walked: entry by entry, 2 MB of them took 1.2 s and
 * 195 MB. Nor is a stream (a bulk import's CSV is checked row by row as it is read) or a Date. Route params
 * and query objects come from parsers with prototypes of their own, so "plain object" is not the test.
 */
function isParsed(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date) return false;
  return typeof (value as { pipe?: unknown }).pipe !== 'function';
}

/**
 * The path of the first unstorable value in `value`, and what is wrong with it; null when there is none.
 * Also used on bulk-import rows, which are read from a stream after this hook has run.
 */
export function findUnstorable(value: unknown, path: string, depth = 0): [field: string, message: string] | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : [path, 'must be a finite number'];
  if (typeof value === 'string') {
    const message = unstorableString(value);
    return message === null ? null : [path, message];
  }
  if (depth > MAX_DEPTH || !isParsed(value)) return null;
  for (const [key, child] of Object.entries(value)) {
    const found = findUnstorable(child, path === '' ? key : `${path}.${key}`, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

export function refuseUnstorableInput(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every request, and a promise per request is measurable.
  app.addHook('preHandler', (request, _reply, done) => {
    for (const [context, value] of [['params', request.params], ['querystring', request.query], ['body', request.body]] as const) {
      const found = findUnstorable(value, '');
      if (found !== null) {
        const [field, message] = found;
        done(new AppError('VALIDATION_FAILED', `${field === '' ? context : field} ${message}`, [{ in: context, field, message }]));
        return;
      }
    }
    done();
  });
}
