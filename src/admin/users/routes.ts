/**
 * /api/admin/users (admins only): list, create (password policy applies), change role or name, disable
 * and enable. A role change or a disable signs the user out everywhere at once: refresh tokens revoked,
 * the session version bumped (so every access token of theirs is refused on its next request, on every
 * process). Nobody changes their own role or disabled flag, so there is always one admin left (guards.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../errors.js';
import type { Executor } from '../../platform/db.js';
import { buildPagination } from '../../lib/pagination.js';
import { errorResponses, ListOf, One, PagingQuery, StringEnum } from '../../lib/schemas.js';
import { plainText } from '../../content/text.js';
import { checkPassword } from '../auth/password-policy.js';
import { createAuthRepository } from '../auth/repository.js';
import { hashPassword } from '../auth/passwords.js';
import { ROLES } from '../permissions.js';
import { translateDatabaseError } from '../resources/resource-repository.js';
import { requestedVersion } from '../resources/resource-routes.js';
import { nothingToChange } from '../resources/resource-service.js';
import { adminWrite } from '../write.js';
import { lockUserChanges, refuseSelfAccessChange } from './guards.js';

const User = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: StringEnum(ROLES),
  createdAt: Type.String({ format: 'date-time' }),
  lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  disabledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  version: Type.Integer(),
});
/** A row as pg returns it (timestamps as Date; serialised to ISO strings by the response schema). */
type UserView = Static<typeof User> & Record<string, unknown>;

const COLUMNS = `id, email, name, role, created_at AS "createdAt", last_login_at AS "lastLoginAt", disabled_at AS "disabledAt", version`;
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }, { additionalProperties: false });
const PG_UNIQUE_VIOLATION = '23505';

/** The one unique key on admin_users is lower(email): say EMAIL_TAKEN (the generic translation says "slug"). */
function translateUserError(error: unknown): never {
  if ((error as { code?: string }).code === PG_UNIQUE_VIOLATION) throw new AppError('EMAIL_TAKEN', 'another user already has that email address');
  return translateDatabaseError(error, 'user');
}

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const sessions = createAuthRepository(app.pg);
  const find = async (executor: Executor, id: number, lock = false) =>
    (await executor.query<UserView>(`SELECT ${COLUMNS} FROM admin_users WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id])).rows[0] ?? null;

  app.get(
    '/api/admin/users',
    { onRequest: app.authorize('users:manage'), schema: { tags: ['admin'], summary: 'List admin users', querystring: Type.Object({ page: PagingQuery.page, limit: PagingQuery.limit }, { additionalProperties: false }), response: { 200: ListOf(User), ...errorResponses(400, 401, 403) } } },
    async (request) => {
      const { page, limit } = request.query;
      const { rows } = await app.pg.query<UserView>(`SELECT ${COLUMNS} FROM admin_users ORDER BY id LIMIT $1 OFFSET $2`, [limit, (page - 1) * limit]);
      const total = (await app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_users')).rows[0]!.n;
      return { data: rows, pagination: buildPagination({ page, limit }, total, page * limit < total, null) };
    },
  );

  app.post(
    '/api/admin/users',
    {
      onRequest: app.authorize('users:manage'),
      schema: {
        tags: ['admin'],
        summary: 'Create an admin user',
        body: Type.Object({ email: Type.String({ format: 'email', maxLength: 254 }), password: Type.String({ maxLength: 1024 }), role: StringEnum(ROLES), name: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }),
        response: { 201: One(User), ...errorResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      checkPassword(request.body.password);
      const passwordHash = await hashPassword(request.body.password);
      const name = plainText('name', request.body.name ?? '');
      const user = await adminWrite(app, request, async (tx, effects) => {
        await lockUserChanges(tx, request.user!);
        const { rows } = await tx
          .query<UserView>(`INSERT INTO admin_users (email, password_hash, role, name) VALUES (lower($1), $2, $3, $4) RETURNING ${COLUMNS}`, [request.body.email, passwordHash, request.body.role, name])
          .catch(translateUserError);
        const created = rows[0]!;
        effects.audit({ action: 'create', entity: 'user', entityId: String(created.id), before: null, after: created });
        return created;
      });
      return reply.code(201).send({ data: user });
    },
  );

  app.patch(
    '/api/admin/users/:id',
    {
      onRequest: app.authorize('users:manage'),
      schema: {
        tags: ['admin'],
        summary: 'Change a user: role, name, disabled',
        params: IdParams,
        body: Type.Object({ role: Type.Optional(StringEnum(ROLES)), name: Type.Optional(Type.String({ maxLength: 100 })), disabled: Type.Optional(Type.Boolean()), version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: One(User), ...errorResponses(400, 401, 403, 404, 412, 428, 429) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { version: bodyVersion, ...change } = request.body;
      if (Object.keys(change).length === 0) throw nothingToChange('user');
      const version = requestedVersion(request, bodyVersion);
      const actor = request.user!;
      let signedOut = false;
      const user = await adminWrite(app, request, async (tx, effects) => {
        await lockUserChanges(tx, actor);
        const before = await find(tx, id, true);
        if (!before) throw new AppError('NOT_FOUND', `no user with id ${id}`);
        if (id === actor.userId) refuseSelfAccessChange(change, before);
        if (before.version !== version) throw new AppError('VERSION_CONFLICT', `the user was changed meanwhile (now version ${before.version})`);
        const { rows } = await tx.query<UserView>(
          `UPDATE admin_users SET role = coalesce($2, role), name = coalesce($3, name),
             disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at WHEN $4 THEN coalesce(disabled_at, now()) ELSE NULL END,
             version = version + 1, updated_at = now()
           WHERE id = $1 RETURNING ${COLUMNS}`,
          [id, request.body.role ?? null, request.body.name === undefined ? null : plainText('name', request.body.name), request.body.disabled ?? null],
        );
        const after = rows[0]!;
        signedOut = (after.disabledAt !== null && before.disabledAt === null) || after.role !== before.role;
        if (signedOut) await sessions.signOutEverywhere(id, tx);
        effects.audit({ action: request.body.disabled === true ? 'disable' : request.body.disabled === false ? 'enable' : 'update', entity: 'user', entityId: String(id), before, after });
        return after;
      });
      // Committed: every process drops what it knew of the user, so their next request is judged afresh.
      if (signedOut) await app.adminUserState.changed(id);
      return { data: user };
    },
  );
};
