/**
 * Ajv coerces "Infinity" and "1e400" in query strings (and JSON.parse reads 1e999 in bodies) to
 * Infinity, and then lets it past `maximum`. This hook refuses any non-finite number after validation, so
 * no handler ever sees one.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

function findNonFinite(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (depth > 8 || value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    const found = findNonFinite(child, path === '' ? key : `${path}.${key}`, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

export function refuseNonFiniteNumbers(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every request, and a promise per request is measurable.
  app.addHook('preHandler', (request, _reply, done) => {
    for (const [context, value] of [['querystring', request.query], ['body', request.body]] as const) {
      const field = findNonFinite(value, '');
      if (field !== null) {
        done(new AppError('VALIDATION_FAILED', `${field} must be a finite number`, [{ in: context, field, message: 'must be a finite number' }]));
        return;
      }
    }
    done();
  });
}
