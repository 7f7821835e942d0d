/**
 * Every admin change goes through `adminWrite`: one transaction holds the change, its audit rows (who,
 * what, before, after) and an outbox row with the cache tags it invalidates. After the commit the outbox
 * is drained at once, so the change shows on the public API of every process before the admin's
 * request is answered; had this process died right after the commit, the next drain would do it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { transaction, type Executor } from '../platform/db.js';
import { enqueue } from '../platform/outbox.js';
import { CLEAR, INVALIDATE } from '../platform/outbox-plugin.js';

export type AuditAction = 'create' | 'update' | 'delete' | 'restore' | 'import' | 'disable' | 'enable';

export interface AuditEntry {
  action: AuditAction;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export interface Effects {
  audit(entry: AuditEntry): void;
  invalidate(tags: Iterable<string>): void;
  /** Empty every cache tier everywhere (bulk changes too wide to name by tags). */
  clearCache(): void;
}

/**
 * How long the writer waits for the invalidation after commit before answering anyway (the poller retries).
 * It waits on the quick lane only (invalidations), never behind a job.
 */
const DRAIN_WAIT_MS = 2_000;

export async function adminWrite<T>(app: FastifyInstance, request: FastifyRequest, work: (tx: Executor, effects: Effects) => Promise<T>): Promise<T> {
  const audits: AuditEntry[] = [];
  const tags = new Set<string>();
  let clear = false;
  const effects: Effects = {
    clearCache: () => {
      clear = true;
    },
    audit: (entry) => audits.push(entry),
    invalidate: (more) => {
      for (const tag of more) tags.add(tag);
    },
  };
  const result = await transaction(app.pg, async (tx) => {
    const value = await work(tx, effects);
    if (audits.length > 0) {
      await tx.query(
        `INSERT INTO audit_log (actor_id, actor_email, action, entity, entity_id, before, after, request_id, ip)
         SELECT $1, $2, a.action, a.entity, a."entityId", a.before, a.after, $3, $4
           FROM json_to_recordset($5::json) AS a(action text, entity text, "entityId" text, before jsonb, after jsonb)`,
        [request.user?.userId ?? null, request.user?.email ?? 'system', request.id, request.ip, JSON.stringify(audits)],
      );
    }
    if (clear) await enqueue(tx, CLEAR, {});
    else if (tags.size > 0) await enqueue(tx, INVALIDATE, { tags: [...tags] });
    return value;
  });
  if (clear || tags.size > 0) {
    await Promise.race([
      app.outbox.drainNow('quick').catch((error: unknown) => app.log.error({ err: error }, 'outbox drain after an admin write failed')),
      new Promise((resolve) => setTimeout(resolve, DRAIN_WAIT_MS).unref()),
    ]);
  }
  return result;
}
