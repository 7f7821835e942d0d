/**
 * The routes of one admin resource, under /api/admin/<path>:
 *   GET    /            list (?q, ?deleted=exclude|include|only, resource filters, page, limit)
 *   GET    /:id         one row; ETag "v<version>"
 *   POST   /            create → 201 + Location
 *   PATCH  /:id         update the fields sent; needs If-Match: "v<version>" (or "version" in the body)
 *   DELETE /:id         soft delete; needs If-Match (or ?version=)
 *   POST   /:id/restore undo a delete; needs If-Match (or ?version=)
 * A stale version is a 412 with the current ETag; no version at all is a 428.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { buildPagination } from '../../lib/pagination.js';
import { errorResponses, ListOf, One, PagingQuery, StringEnum } from '../../lib/schemas.js';
import type { ResourceSpec, ResourceView } from './resource.js';
import { createResourceService } from './resource-service.js';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, { additionalProperties: false });
const VersionQuery = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false });

/** The version a write is based on: If-Match ("v3", W/"v3", "3") or a `version` field; 428 without either. */
export function requestedVersion(request: FastifyRequest, fallback: number | undefined): number {
  const header = request.headers['if-match'];
  if (typeof header === 'string' && header.trim() !== '') {
    const match = /^(?:W\/)?"?v?(\d{1,9})"?$/.exec(header.trim());
    if (!match) throw new AppError('VALIDATION_FAILED', 'If-Match must be the ETag you read, like "v3"');
    return Number(match[1]);
  }
  if (fallback !== undefined) return fallback;
  throw new AppError('VERSION_REQUIRED', 'send If-Match with the ETag you read (or "version"), so a concurrent change is not overwritten');
}

const withEtag = (reply: FastifyReply, view: ResourceView) => reply.header('etag', `"v${view.version}"`).header('cache-control', 'no-store');

export function resourceRoutes(spec: ResourceSpec): FastifyPluginAsyncTypebox {
  return async (app) => {
    const service = createResourceService(app, spec);
    const base = `/api/admin/${spec.path}`;
    const tags = ['admin'];
    const filterSchemas = Object.fromEntries(Object.entries(spec.filters ?? {}).map(([name, filter]) => [name, Type.Optional(filter.schema)]));
    const ListQuery = Type.Object(
      {
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'matches names and slugs' })),
        deleted: StringEnum(['exclude', 'include', 'only'] as const, { default: 'exclude' }),
        page: PagingQuery.page,
        limit: PagingQuery.limit,
        ...filterSchemas,
      },
      { additionalProperties: false },
    );
    const UpdateBody = Type.Composite([spec.Update, Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, description: 'instead of If-Match' })) })], {
      additionalProperties: false,
      minProperties: 1,
    });

    app.get(
      base,
      { onRequest: app.authorize(spec.read), schema: { tags, summary: `List ${spec.path}`, querystring: ListQuery, response: { 200: ListOf(spec.View), ...errorResponses(400, 401, 403) } } },
      async (request, reply) => {
        const { q, deleted, page, limit, ...filters } = request.query as { q?: string; deleted: 'exclude'; page: number; limit: number };
        const { rows, total } = await service.repository.list(app.pgRead, { q, deleted, page, limit, filters });
        reply.header('cache-control', 'no-store');
        return { data: rows, pagination: buildPagination({ page, limit }, total, page * limit < total, null) };
      },
    );

    app.get(
      `${base}/:id`,
      { onRequest: app.authorize(spec.read), schema: { tags, summary: `One ${spec.entity}`, params: IdParams, response: { 200: One(spec.View), ...errorResponses(400, 401, 403, 404) } } },
      async (request, reply) => {
        const view = await service.get(request.params.id);
        withEtag(reply, view);
        return { data: view };
      },
    );

    app.post(
      base,
      { onRequest: app.authorize(spec.write), schema: { tags, summary: `Create a ${spec.entity}`, body: spec.Create, response: { 201: One(spec.View), ...errorResponses(400, 401, 403, 409, 429) } } },
      async (request, reply) => {
        const view = await service.create(request, request.body as Record<string, unknown>);
        withEtag(reply, view).code(201).header('location', `${base}/${view.id}`);
        return { data: view };
      },
    );

    app.patch(
      `${base}/:id`,
      {
        onRequest: app.authorize(spec.write),
        schema: { tags, summary: `Change a ${spec.entity}`, params: IdParams, body: UpdateBody, response: { 200: One(spec.View), ...errorResponses(400, 401, 403, 404, 409, 412, 428, 429) } },
      },
      async (request, reply) => {
        const { version, ...input } = request.body as Record<string, unknown> & { version?: number };
        const view = await service.update(request, request.params.id, requestedVersion(request, version), input);
        withEtag(reply, view);
        return { data: view };
      },
    );

    app.delete(
      `${base}/:id`,
      {
        onRequest: app.authorize(spec.write),
        schema: { tags, summary: `Delete a ${spec.entity} (soft; restorable)`, params: IdParams, querystring: VersionQuery, response: { 200: One(spec.View), ...errorResponses(400, 401, 403, 404, 409, 412, 428, 429) } },
      },
      async (request, reply) => {
        const view = await service.setDeleted(request, request.params.id, requestedVersion(request, request.query.version), true);
        withEtag(reply, view);
        return { data: view };
      },
    );

    app.post(
      `${base}/:id/restore`,
      {
        onRequest: app.authorize(spec.write),
        schema: { tags, summary: `Restore a deleted ${spec.entity}`, params: IdParams, querystring: VersionQuery, response: { 200: One(spec.View), ...errorResponses(400, 401, 403, 404, 412, 428, 429) } },
      },
      async (request, reply) => {
        const view = await service.setDeleted(request, request.params.id, requestedVersion(request, request.query.version), false);
        withEtag(reply, view);
        return { data: view };
      },
    );
  };
}
