/**
 * GET /api/admin/exports/leads.csv and /api/admin/exports/newsletter.csv (admins only; `bulk` rate tier):
 * streamed CSV, read in keyset batches so memory stays flat however many rows there are. Cells are
 * written by csv.ts so that no spreadsheet, whatever its locale's separator, runs one as a formula.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../../lib/schemas.js';
import { csvLine } from './csv.js';
import type { Executor } from '../../platform/db.js';

const BATCH = 5_000;

const Range = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date', description: 'first day, YYYY-MM-DD (UTC)' })),
    to: Type.Optional(Type.String({ format: 'date', description: 'last day, YYYY-MM-DD (UTC)' })),
  },
  { additionalProperties: false },
);

/** `column` within the days `$2`..`$3` (either may be null), as UTC days whatever the session time zone. */
const withinDays = (column: string) =>
  `($2::date IS NULL OR ${column} >= $2::date::timestamp AT TIME ZONE 'UTC') AND ($3::date IS NULL OR ${column} < ($3::date + 1)::timestamp AT TIME ZONE 'UTC')`;

interface ExportSpec {
  file: string;
  header: string[];
  /** Rows after `afterId` within the range, ordered by id; `$1` afterId, `$2` from, `$3` to, `$4` batch size. */
  sql: string;
}

const EXPORTS: ExportSpec[] = [
  {
    file: 'leads.csv',
    header: ['id', 'created_at', 'name', 'phone', 'email', 'city', 'intent', 'model', 'variant', 'message', 'status'],
    sql: `SELECT l.id, l.created_at, l.name, l.phone, l.email, l.city, l.intent, m.slug AS model, v.slug AS variant, l.message, l.status
            FROM leads l JOIN models m ON m.id = l.model_id LEFT JOIN variants v ON v.id = l.variant_id
           WHERE l.id > $1 AND ${withinDays('l.created_at')}
           ORDER BY l.id LIMIT $4`,
  },
  {
    file: 'newsletter.csv',
    header: ['id', 'email', 'status', 'source', 'created_at', 'confirmed_at'],
    sql: `SELECT id, email, status, source, created_at, confirmed_at FROM newsletter_subscribers
           WHERE id > $1 AND ${withinDays('created_at')}
           ORDER BY id LIMIT $4`,
  },
];

async function* rowsOf(pool: Executor, spec: ExportSpec, from: string | null, to: string | null): AsyncGenerator<string> {
  yield csvLine(spec.header);
  let afterId = 0;
  for (;;) {
    const { rows } = await pool.query<Record<string, unknown> & { id: number }>({ text: spec.sql, values: [afterId, from, to, BATCH] });
    for (const row of rows) yield csvLine(spec.header.map((column) => row[column]));
    if (rows.length < BATCH) return;
    afterId = rows[rows.length - 1]!.id;
  }
}

export const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const spec of EXPORTS) {
    app.get(
      `/api/admin/exports/${spec.file}`,
      {
        onRequest: app.authorize('export'),
        schema: { tags: ['admin'], summary: `Export ${spec.file} (CSV)`, querystring: Range, produces: ['text/csv'], response: errorResponses(400, 401, 403, 429) },
      },
      async (request, reply) => {
        await app.rateLimit.consume(request, reply, 'bulk', `user:${request.user!.userId}`);
        const stamp = new Date().toISOString().slice(0, 10);
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="gadizone-${spec.file.replace('.csv', '')}-${stamp}.csv"`)
          .header('cache-control', 'no-store');
        return reply.send(Readable.from(rowsOf(app.pg, spec, request.query.from ?? null, request.query.to ?? null)));
      },
    );
  }
};
