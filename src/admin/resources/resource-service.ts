/**
 * Create, update, soft-delete and restore for any admin resource, each in one adminWrite transaction:
 * row lock, version check (412 when someone else changed it first), the change, the audit entry with
 * before and after, and the cache tags of both the old and the new row.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { adminWrite } from '../write.js';
import type { ResourceSpec, ResourceView } from './resource.js';
import { createResourceRepository } from './resource-repository.js';

const notFound = (entity: string, id: number) => new AppError('NOT_FOUND', `no ${entity} with id ${id}`);

/** A change that names no field (only the version it is based on). */
export const nothingToChange = (entity: string) => new AppError('VALIDATION_FAILED', `nothing to change: send at least one field of the ${entity} besides "version"`);

function conflict(entity: string, current: ResourceView, version: number): AppError {
  return new AppError('VERSION_CONFLICT', `the ${entity} was changed by someone else (you sent version ${version}, it is now ${current.version}); reload it and apply your change again`, undefined, {
    etag: `"v${current.version}"`,
  });
}

export function createResourceService(app: FastifyInstance, spec: ResourceSpec) {
  const repository = createResourceRepository(spec);
  const tagsOf = (...views: (ResourceView | null)[]) => views.flatMap((view) => (view ? spec.tags(view) : []));

  return {
    repository,

    async create(request: FastifyRequest, input: Record<string, unknown>): Promise<ResourceView> {
      return adminWrite(app, request, async (tx, effects) => {
        const id = await repository.insert(tx, await spec.toColumns(input, tx, null));
        await spec.afterWrite?.(tx, id, input);
        const after = (await repository.find(tx, id))!;
        effects.audit({ action: 'create', entity: spec.entity, entityId: String(id), before: null, after });
        effects.invalidate(tagsOf(after));
        return after;
      });
    },

    async update(request: FastifyRequest, id: number, version: number, input: Record<string, unknown>): Promise<ResourceView> {
      // A version alone changes nothing: it must not bump the version (failing others' If-Match) or leave an audit entry.
      if (Object.keys(input).length === 0) throw nothingToChange(spec.entity);
      return adminWrite(app, request, async (tx, effects) => {
        const before = await repository.find(tx, id, true);
        if (!before) throw notFound(spec.entity, id);
        if (before.version !== version) throw conflict(spec.entity, before, version);
        const columns = await spec.toColumns(input, tx, before);
        if (!(await repository.update(tx, id, version, columns))) throw conflict(spec.entity, before, version);
        await spec.afterWrite?.(tx, id, input);
        const after = (await repository.find(tx, id))!;
        effects.audit({ action: 'update', entity: spec.entity, entityId: String(id), before, after });
        effects.invalidate(tagsOf(before, after));
        return after;
      });
    },

    async setDeleted(request: FastifyRequest, id: number, version: number, deleted: boolean): Promise<ResourceView> {
      return adminWrite(app, request, async (tx, effects) => {
        const before = await repository.find(tx, id, true);
        if (!before) throw notFound(spec.entity, id);
        if (before.version !== version) throw conflict(spec.entity, before, version);
        if ((before.deletedAt !== null) === deleted) {
          throw new AppError('VALIDATION_FAILED', `the ${spec.entity} is ${deleted ? 'already deleted' : 'not deleted'}`);
        }
        if (deleted) await spec.beforeDelete?.(tx, before);
        else await spec.beforeRestore?.(tx, before);
        await repository.setDeleted(tx, id, version, deleted);
        const after = (await repository.find(tx, id))!;
        effects.audit({ action: deleted ? 'delete' : 'restore', entity: spec.entity, entityId: String(id), before, after });
        effects.invalidate(tagsOf(before, after));
        return after;
      });
    },

    async get(id: number): Promise<ResourceView> {
      const view = await repository.find(app.pgRead, id);
      if (!view) throw notFound(spec.entity, id);
      return view;
    },
  };
}
