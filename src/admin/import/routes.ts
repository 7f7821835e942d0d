/**
 * POST /api/admin/import?entity=brands|models|variants[&dryRun=true]
 *   Content-Type: text/csv (header row) · application/x-ndjson · application/json (an array)
 * Up to 100,000 rows and 100 MB, read as a stream; all-or-nothing. 200 with counts, or 422 listing every
 * problem by row number (1-based, header excluded) and field. `dryRun` validates without writing.
 */
import { pipeline, Transform, type Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../errors.js';
import { errorResponses, One, StringEnum } from '../../lib/schemas.js';
import { IMPORT_ENTITIES, IMPORTERS } from './importers.js';
import { runImport } from './service.js';
import { arrayRows, csvRows, ndjsonRows, type SourceRow } from './sources.js';

const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

const DESCRIPTION = [
  'CSV (a header row naming the fields; lists `|`-separated, colours as a JSON array), NDJSON, or a JSON array of rows;',
  'up to 100,000 rows and 100 MB, read as a stream. All or nothing: 200 with the counts, or 422 IMPORT_INVALID listing',
  'every problem (the first 1,000) with its row number and field. Row numbers are 1-based data rows: the CSV header is not',
  'counted (row 0 is a problem with the header itself), nor are blank lines, and a quoted CSV field spanning lines stays',
  'one row; in NDJSON row n is the nth non-blank line, in a JSON array the nth element. More than 100,000 rows: 413.',
  '`dryRun=true` validates and counts what would be inserted and updated, and writes nothing.',
].join(' ');
const UNSUPPORTED = 'send the rows as text/csv, application/x-ndjson or application/json (an array)';

const ImportQuery = Type.Object(
  { entity: StringEnum(IMPORT_ENTITIES), dryRun: Type.Boolean({ default: false, description: 'validate only; write nothing' }) },
  { additionalProperties: false },
);

const ImportResult = One(
  Type.Object({ entity: Type.String(), rows: Type.Integer(), inserted: Type.Integer(), updated: Type.Integer(), dryRun: Type.Boolean(), ms: Type.Integer() }),
);

/** Passes bytes through, failing (and so failing whatever reads it) once more than `limit` have gone by. */
function capped(stream: Readable, limit: number): Readable {
  let seen = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(new AppError('PAYLOAD_TOO_LARGE', `an import may be at most ${limit / 1024 / 1024} MB`));
      else callback(null, chunk);
    },
  });
  // pipeline, not pipe: an error on either side reaches the other.
  pipeline(stream, cap, () => undefined);
  return cap;
}

export const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // CSV and NDJSON reach the handler as the raw stream (this plugin's scope only).
  app.addContentTypeParser(['text/csv', 'application/x-ndjson'], (_request, payload, done) => done(null, payload));
  // Any other type: a 415 naming the three this route reads (the app-wide one names only JSON).
  app.addContentTypeParser('*', (_request, _payload, done) => done(new AppError('UNSUPPORTED_MEDIA_TYPE', `unsupported content type: ${UNSUPPORTED}`), undefined));

  app.post(
    '/api/admin/import',
    {
      bodyLimit: MAX_IMPORT_BYTES,
      onRequest: app.authorize('import'),
      schema: {
        tags: ['admin'],
        summary: 'Bulk import brands, models or variants (CSV, NDJSON or a JSON array), all or nothing',
        description: DESCRIPTION,
        querystring: ImportQuery,
        response: { 200: ImportResult, ...errorResponses(400, 401, 403, 413, 415, 422, 429) },
      },
    },
    async (request, reply) => {
      await app.rateLimit.consume(request, reply, 'bulk', `user:${request.user!.userId}`);
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      let rows: AsyncIterable<SourceRow>;
      if (type === 'text/csv') rows = csvRows(capped(request.body as Readable, MAX_IMPORT_BYTES), IMPORTERS[request.query.entity].spec.Create);
      else if (type === 'application/x-ndjson') rows = ndjsonRows(capped(request.body as Readable, MAX_IMPORT_BYTES));
      else if (Array.isArray(request.body)) rows = arrayRows(request.body);
      else throw new AppError('BAD_REQUEST', UNSUPPORTED);
      reply.header('cache-control', 'no-store');
      return { data: await runImport(app, request, request.query.entity, rows, request.query.dryRun) };
    },
  );
};
