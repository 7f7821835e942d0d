/**
 * /admin/<resource>[/new|/:id|/:id/delete|/:id/restore] for every admin API resource. Forms post here
 * and are answered 303 (post/redirect/get) on success, or the form again, with the API's messages next
 * to the fields, on failure. Every change is the API's: PATCH with If-Match from the version the form
 * was drawn with, so a concurrent edit is a 412 explained to the editor rather than silently overwritten.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../admin/permissions.js';
import { callApi, fieldErrors, type ApiAnswer } from './admin-page-api.js';
import type { AdminAssets } from './admin-page-assets.js';
import { Alert, Page, renderPage, type PageContext } from './admin-page-layout.js';
import { formToInput, type AdminResource, type FormValues } from './admin-page-resources.js';
import { CONFLICT_MESSAGE, EditPage, ListPage, valuesOf, type FormState, type ListState } from './admin-resource-pages.js';
import { sendPage } from './admin-page-session.js';

type Row = { id: number; version: number; deletedAt: string | null } & Record<string, unknown>;

/** Parent filters the list API of each resource accepts. */
const LIST_FILTERS: Record<string, string[]> = { models: ['brand'], variants: ['model'], images: ['model'] };
const LIST_LIMIT = 50;
const DONE: Record<string, string> = { created: 'Created.', saved: 'Saved. The site shows the change within seconds.', unchanged: 'Nothing changed.', deleted: 'Deleted. It can be restored below.', restored: 'Restored.' };
const IdParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id'] } as const;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export function contextOf(request: FastifyRequest, assets: AdminAssets): PageContext {
  return { assets, user: request.adminUser, path: request.url.split('?')[0]! };
}

/** The API's answer as the message above a form. */
function messageOf(answer: ApiAnswer): string {
  if (answer.status === 412) return CONFLICT_MESSAGE;
  if (answer.status === 429) return `Too many changes in a short time: wait ${String(answer.headers['retry-after'] ?? 'a minute')} s and try again.`;
  return answer.error?.message ?? `The change was refused (${answer.status}).`;
}

export function registerResourcePages(app: FastifyInstance, resource: AdminResource, assets: AdminAssets): void {
  const base = `/admin/${resource.path}`;
  const api = `/api/admin/${resource.path}`;
  const canWrite = (request: FastifyRequest) => can(request.adminUser!.role, resource.write);

  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(reply, renderPage(<Page ctx={contextOf(request, assets)} title="Not found"><Alert message={`There is no ${resource.entity} with that id.`} /></Page>), 404);
  const forbidden = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(reply, renderPage(<Page ctx={contextOf(request, assets)} title="Not allowed"><Alert message={`Your role (${request.adminUser!.role}) may not change ${resource.path}.`} /></Page>), 403);
  const edit = (request: FastifyRequest, reply: FastifyReply, row: Row | undefined, state: FormState, status = 200) =>
    sendPage(reply, renderPage(<EditPage ctx={contextOf(request, assets)} resource={resource} row={row} state={state} canWrite={canWrite(request)} />), status);
  const load = (request: FastifyRequest, id: number) => callApi<Row>(app, request, { url: `${api}/${id}` });

  app.get(base, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const state: ListState = {
      q: str(query.q).slice(0, 100),
      deleted: (['include', 'only'] as const).find((d) => d === query.deleted) ?? 'exclude',
      page: Math.max(1, Math.min(1000, Number.parseInt(str(query.page), 10) || 1)),
      filters: Object.fromEntries((LIST_FILTERS[resource.path] ?? []).filter((name) => str(query[name]) !== '').map((name) => [name, str(query[name])])),
    };
    const params = new URLSearchParams({ ...state.filters, ...(state.q ? { q: state.q } : {}), deleted: state.deleted, page: String(state.page), limit: String(LIST_LIMIT) });
    const answer = await callApi<Row[]>(app, request, { url: `${api}?${params.toString()}` });
    const ok = answer.status === 200;
    const html = renderPage(
      <ListPage ctx={contextOf(request, assets)} resource={resource} rows={ok ? answer.data : []} total={answer.pagination?.total ?? 0} pages={answer.pagination?.pages ?? 0}
        state={state} canWrite={canWrite(request)} error={ok ? undefined : messageOf(answer)} notice={DONE[str(query.done)]} />,
    );
    return sendPage(reply, html, ok ? 200 : answer.status);
  });

  app.get(`${base}/new`, async (request, reply) => (canWrite(request) ? edit(request, reply, undefined, { values: {}, errors: {} }) : forbidden(request, reply)));

  app.post(`${base}/new`, async (request, reply) => {
    if (!canWrite(request)) return forbidden(request, reply);
    const form = (request.body ?? {}) as FormValues;
    const { input, errors } = formToInput(resource, form);
    if (Object.keys(errors).length > 0) return edit(request, reply, undefined, { values: form, errors, error: 'Fix the fields marked below.' }, 400);
    const answer = await callApi<Row>(app, request, { method: 'POST', url: api, payload: input });
    if (answer.status === 201) return reply.header('cache-control', 'no-store').redirect(`${base}/${answer.data.id}?done=created`, 303);
    return edit(request, reply, undefined, { values: form, errors: fieldErrors(answer.error), error: messageOf(answer) }, answer.status);
  });

  app.get(`${base}/:id`, { schema: { params: IdParams } }, async (request, reply) => {
    const answer = await load(request, (request.params as { id: number }).id);
    if (answer.status !== 200) return notFound(request, reply);
    return edit(request, reply, answer.data, { values: valuesOf(resource, answer.data), errors: {}, notice: DONE[str((request.query as Record<string, unknown>).done)] });
  });

  app.post(`${base}/:id`, { schema: { params: IdParams } }, async (request, reply) => {
    if (!canWrite(request)) return forbidden(request, reply);
    const { id } = request.params as { id: number };
    const form = (request.body ?? {}) as FormValues;
    const current = await load(request, id);
    if (current.status !== 200) return notFound(request, reply);
    const { input, errors } = formToInput(resource, form, current.data);
    const shown = { ...current.data, version: Number(form.version) || current.data.version };
    // What the editor typed, over the row as it is now for any field the post left out.
    const values = { ...valuesOf(resource, current.data), ...form };
    if (Object.keys(errors).length > 0) return edit(request, reply, shown, { values, errors, error: 'Fix the fields marked below.' }, 400);
    if (Object.keys(input).length === 0) return reply.header('cache-control', 'no-store').redirect(`${base}/${id}?done=unchanged`, 303);
    const answer = await callApi<Row>(app, request, { method: 'PATCH', url: `${api}/${id}`, payload: input, ifMatch: Number(form.version) || 0 });
    if (answer.status === 200) return reply.header('cache-control', 'no-store').redirect(`${base}/${id}?done=saved`, 303);
    return edit(request, reply, shown, { values, errors: fieldErrors(answer.error), error: messageOf(answer) }, answer.status);
  });

  for (const action of ['delete', 'restore'] as const) {
    app.post(`${base}/:id/${action}`, { schema: { params: IdParams } }, async (request, reply) => {
      if (!canWrite(request)) return forbidden(request, reply);
      const { id } = request.params as { id: number };
      const version = Number((request.body as FormValues | undefined)?.version) || 0;
      const call = action === 'delete' ? { method: 'DELETE' as const, url: `${api}/${id}` } : { method: 'POST' as const, url: `${api}/${id}/restore` };
      const answer = await callApi<Row>(app, request, { ...call, ifMatch: version });
      if (answer.status === 200) return reply.header('cache-control', 'no-store').redirect(`${base}/${id}?done=${action}d`, 303);
      const current = await load(request, id);
      if (current.status !== 200) return notFound(request, reply);
      return edit(request, reply, current.data, { values: valuesOf(resource, current.data), errors: {}, error: messageOf(answer) }, answer.status);
    });
  }
}
