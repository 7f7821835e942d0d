/** GET /api/admin/audit: who changed what, with before and after; newest first, filterable. Admins only. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { buildPagination } from '../../lib/pagination.js';
import { errorResponses, ListOf, PagingQuery } from '../../lib/schemas.js';
import { Params } from '../../lib/sql.js';

const Entry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.Integer(), Type.Null()]),
  actorEmail: Type.String(),
  action: Type.String(),
  entity: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
});
/** A row as selected below (`at` arrives as a Date; the response schema writes it as date-time). */
type AuditEntry = Static<typeof Entry>;

const AuditQuery = Type.Object(
  {
    entity: Type.Optional(Type.String({ pattern: '^[a-z]{1,30}$' })),
    entityId: Type.Optional(Type.String({ pattern: '^[0-9]{1,12}$' })),
    actor: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    action: Type.Optional(Type.String({ pattern: '^[a-z]{1,20}$' })),
    page: PagingQuery.page,
    limit: PagingQuery.limit,
  },
  { additionalProperties: false },
);

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/audit',
    { onRequest: app.authorize('audit:read'), schema: { tags: ['admin'], summary: 'The audit log', querystring: AuditQuery, response: { 200: ListOf(Entry), ...errorResponses(400, 401, 403) } } },
    async (request, reply) => {
      const { page, limit, entity, entityId, actor, action } = request.query;
      const params = new Params();
      const where: string[] = [];
      if (entity !== undefined) where.push(`entity = ${params.add(entity)}`);
      if (entityId !== undefined) where.push(`entity_id = ${params.add(entityId)}`);
      if (actor !== undefined) where.push(`actor_email = lower(${params.add(actor)})`);
      if (action !== undefined) where.push(`action = ${params.add(action)}`);
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const countValues = [...params.values];
      const { rows } = await app.pg.query<AuditEntry>(
        `SELECT id, at, actor_id AS "actorId", actor_email AS "actorEmail", action, entity, entity_id AS "entityId", before, after,
                request_id AS "requestId", ip FROM audit_log ${clause} ORDER BY at DESC, id DESC LIMIT ${params.add(limit)} OFFSET ${params.add((page - 1) * limit)}`,
        params.values,
      );
      const total = (await app.pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log ${clause}`, countValues)).rows[0]!.n;
      reply.header('cache-control', 'no-store');
      return { data: rows, pagination: buildPagination({ page, limit }, total, page * limit < total, null) };
    },
  );
};
