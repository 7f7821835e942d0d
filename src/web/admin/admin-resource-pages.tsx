/** The list and the edit/create page of one resource. Read-only (no edit controls) for roles that may not write it. */
import { Alert, Field, Notice, Page, type PageContext } from './admin-page-layout.js';
import { humanise, toFormValue, type AdminResource, type FormValues } from './admin-page-resources.js';

export interface ListState {
  q: string;
  deleted: 'exclude' | 'include' | 'only';
  page: number;
  filters: Record<string, string>;
}

interface Row {
  id: number;
  deletedAt: string | null;
  [field: string]: unknown;
}

const cell = (value: unknown): string => (Array.isArray(value) ? value.join(', ') : value === null || value === undefined ? '' : String(value));

function pageLink(resource: AdminResource, state: ListState, page: number): string {
  const params = new URLSearchParams({ ...state.filters, ...(state.q ? { q: state.q } : {}), ...(state.deleted !== 'exclude' ? { deleted: state.deleted } : {}), page: String(page) });
  return `/admin/${resource.path}?${params.toString()}`;
}

export function ListPage(props: {
  ctx: PageContext;
  resource: AdminResource;
  rows: Row[];
  total: number;
  pages: number;
  state: ListState;
  canWrite: boolean;
  error?: string;
  notice?: string;
}) {
  const { resource, state } = props;
  return (
    <Page ctx={props.ctx} title={resource.title}>
      <Notice message={props.notice} />
      <Alert message={props.error} />
      <form class="inline" method="get" action={`/admin/${resource.path}`} role="search">
        {Object.entries(state.filters).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <div>
          <label for="list-q">Search</label>
          <input id="list-q" name="q" type="search" value={state.q} maxLength={100} />
        </div>
        <div>
          <label for="list-deleted">Deleted</label>
          <select id="list-deleted" name="deleted">
            <option value="exclude" selected={state.deleted === 'exclude'}>hide deleted</option>
            <option value="include" selected={state.deleted === 'include'}>show deleted too</option>
            <option value="only" selected={state.deleted === 'only'}>only deleted</option>
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      {props.canWrite && (
        <p class="actions">
          <a class="button" href={`/admin/${resource.path}/new`}>
            New {resource.entity}
          </a>
        </p>
      )}
      <table>
        <caption class="visually-hidden">
          {resource.title}: {props.total} found
        </caption>
        <thead>
          <tr>
            {resource.columns.map((column) => (
              <th key={column} scope="col">
                {humanise(column)}
              </th>
            ))}
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={row.id}>
              {resource.columns.map((column, index) => (
                <td key={column}>{index === 0 ? <a href={`/admin/${resource.path}/${row.id}`}>{cell(row[column]) || `#${row.id}`}</a> : cell(row[column])}</td>
              ))}
              <td>{row.deletedAt ? 'deleted' : 'live'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {props.total} {props.total === 1 ? resource.entity : resource.path} · page {state.page} of {Math.max(props.pages, 1)}
      </p>
      <nav class="pager" aria-label="Pages">
        {state.page > 1 && <a href={pageLink(resource, state, state.page - 1)}>Previous page</a>}
        {state.page < props.pages && <a href={pageLink(resource, state, state.page + 1)}>Next page</a>}
      </nav>
    </Page>
  );
}

export interface FormState {
  values: FormValues;
  errors: Record<string, string>;
  /** The message above the form (the API's message, the 412 explanation). */
  error?: string;
  notice?: string;
}

export const CONFLICT_MESSAGE =
  'Someone else changed this record after you opened it, so your change was not saved. Reload the page to see their version, then make your change again (your edits are still in the form below: copy what you need first).';

/** The view's values as form text. */
export function valuesOf(resource: AdminResource, view: Record<string, unknown>): FormValues {
  return Object.fromEntries(resource.fields.map((field) => [field.name, toFormValue(field, view[field.name])]));
}

export function EditPage(props: {
  ctx: PageContext;
  resource: AdminResource;
  /** Absent on "new". */
  row?: { id: number; version: number; deletedAt: string | null; slug?: unknown };
  state: FormState;
  canWrite: boolean;
}) {
  const { resource, row, state, canWrite } = props;
  const action = row ? `/admin/${resource.path}/${row.id}` : `/admin/${resource.path}/new`;
  const title = row ? `${canWrite ? 'Edit' : 'View'} ${resource.entity} #${row.id}` : `New ${resource.entity}`;
  return (
    <Page ctx={props.ctx} title={title}>
      <Notice message={state.notice} />
      <Alert message={state.error} />
      {row?.deletedAt && <p class="alert">This {resource.entity} was deleted on {row.deletedAt}; it is hidden from the site until restored.</p>}
      <p>
        <a href={`/admin/${resource.path}`}>Back to {resource.title.toLowerCase()}</a>
        {row && resource.path === 'models' && (
          <>
            {' · '}
            <a href={`/admin/images?model=${encodeURIComponent(String(row.slug))}`}>Images of this model</a>
            {canWrite && (
              <>
                {' · '}
                <a href={`/admin/models/${row.id}/images/new`}>Upload an image</a>
              </>
            )}
          </>
        )}
      </p>
      <form class="stack" method="post" action={action} novalidate aria-describedby={state.error ? 'form-error' : undefined} id="edit-form">
        {row && <input type="hidden" name="version" value={String(row.version)} />}
        {resource.fields.map((field) => (
          <Field key={field.name} field={field} value={state.values[field.name] ?? ''} error={state.errors[field.name]} readOnly={!canWrite} />
        ))}
        {canWrite && (
          <p class="actions">
            <button type="submit" id="save">
              {row ? 'Save changes' : `Create ${resource.entity}`}
            </button>
          </p>
        )}
      </form>
      {row && canWrite && (
        <form method="post" action={`/admin/${resource.path}/${row.id}/${row.deletedAt ? 'restore' : 'delete'}`} class="actions" data-confirm={row.deletedAt ? undefined : `Delete this ${resource.entity}? It can be restored later.`}>
          <input type="hidden" name="version" value={String(row.version)} />
          <button type="submit" class={row.deletedAt ? 'secondary' : 'danger'}>
            {row.deletedAt ? `Restore ${resource.entity}` : `Delete ${resource.entity}`}
          </button>
        </form>
      )}
    </Page>
  );
}
