/** The admin pages that are not one resource's list or form: login, dashboard, audit log, bulk import, image upload. */
import { Alert, Notice, Page, type PageContext } from './admin-page-layout.js';
import type { LatestLead } from '../../admin/dashboard/repository.js';
import { IMPORT_ENTITIES } from '../../admin/import/importers.js';
import { IMAGE_KINDS } from '../../admin/resources/specs/images.js';

export interface LoginState {
  email: string;
  next: string;
  error?: string;
  fieldErrors?: Record<string, string>;
  notice?: string;
}

export function LoginPage({ ctx, state }: { ctx: PageContext; state: LoginState }) {
  const emailError = state.fieldErrors?.email;
  return (
    <Page ctx={ctx} title="Sign in">
      <Notice message={state.notice} />
      <Alert message={state.error} id="login-error" />
      <form class="stack" method="post" action="/admin/login" id="login-form" data-login aria-describedby={state.error ? 'login-error' : undefined}>
        <input type="hidden" name="next" value={state.next} />
        <div>
          <label for="login-email">Email</label>
          <input id="login-email" name="email" type="email" autoComplete="username" required value={state.email} aria-invalid={emailError ? 'true' : undefined} aria-describedby={emailError ? 'login-email-error' : undefined} />
          {emailError && <p class="field-error" id="login-email-error">{emailError}</p>}
        </div>
        <div>
          <label for="login-password">Password</label>
          <input id="login-password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <p class="actions">
          <button type="submit" id="login-submit">Sign in</button>
        </p>
      </form>
    </Page>
  );
}

export interface DashboardProps {
  ctx: PageContext;
  counts: { label: string; href: string; count: number | null }[];
  leadCount: number;
  /** Null when the role may not see leads (they hold phone numbers and addresses). */
  latestLeads: LatestLead[] | null;
  canExport: boolean;
}

export function DashboardPage(props: DashboardProps) {
  return (
    <Page ctx={props.ctx} title="Dashboard">
      <section aria-labelledby="counts-heading">
        <h2 id="counts-heading">Catalogue and content</h2>
        <ul class="cards">
          {props.counts.map((c) => (
            <li key={c.label}>
              <strong>{c.count === null ? '—' : c.count.toLocaleString('en-IN')}</strong>
              <a href={c.href}>{c.label}</a>
            </li>
          ))}
          <li>
            <strong>{props.leadCount.toLocaleString('en-IN')}</strong>
            Leads
          </li>
        </ul>
      </section>
      {props.canExport && (
        <section aria-labelledby="exports-heading">
          <h2 id="exports-heading">Exports (CSV)</h2>
          <p class="actions">
            <a class="button secondary" href="/api/admin/exports/leads.csv" download>Leads CSV</a>
            <a class="button secondary" href="/api/admin/exports/newsletter.csv" download>Newsletter CSV</a>
          </p>
        </section>
      )}
      {props.latestLeads && (
        <section aria-labelledby="leads-heading">
          <h2 id="leads-heading">Latest leads</h2>
          {props.latestLeads.length === 0 ? (
            <p>No leads yet.</p>
          ) : (
            <table>
              <thead>
                <tr><th scope="col">Received</th><th scope="col">Name</th><th scope="col">City</th><th scope="col">Intent</th><th scope="col">Model</th><th scope="col">Status</th></tr>
              </thead>
              <tbody>
                {props.latestLeads.map((lead) => (
                  <tr key={lead.id}>
                    <td>{lead.createdAt.toISOString().replace('T', ' ').slice(0, 16)}</td><td>{lead.name}</td><td>{lead.city}</td><td>{lead.intent}</td><td>{lead.model}</td><td>{lead.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </Page>
  );
}

export interface AuditEntry {
  id: number;
  at: string;
  actorEmail: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditFilters {
  entity: string;
  action: string;
  actor: string;
  entityId: string;
  page: number;
}

const json = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value, null, 1));

export function AuditPage(props: { ctx: PageContext; entries: AuditEntry[]; filters: AuditFilters; pages: number; error?: string }) {
  const { filters } = props;
  const link = (page: number) => `/admin/audit?${new URLSearchParams({ entity: filters.entity, action: filters.action, actor: filters.actor, entityId: filters.entityId, page: String(page) }).toString()}`;
  const input = (name: keyof AuditFilters, label: string) => (
    <div>
      <label for={`audit-${name}`}>{label}</label>
      <input id={`audit-${name}`} name={name} value={String(filters[name])} />
    </div>
  );
  return (
    <Page ctx={props.ctx} title="Audit log">
      <Alert message={props.error} />
      <form class="inline" method="get" action="/admin/audit" role="search">
        {input('entity', 'Entity (e.g. variant)')}
        {input('entityId', 'Entity id')}
        {input('action', 'Action (e.g. update)')}
        {input('actor', 'Actor email')}
        <button type="submit">Filter</button>
      </form>
      <table>
        <thead>
          <tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">What</th><th scope="col">Before → after</th></tr>
        </thead>
        <tbody>
          {props.entries.map((e) => (
            <tr key={e.id}>
              <td>{e.at}</td><td>{e.actorEmail}</td><td>{e.action}</td><td>{e.entity} {e.entityId ?? ''}</td>
              <td>
                <details>
                  <summary>Show change</summary>
                  <pre>{json(e.before)}</pre>
                  <pre>{json(e.after)}</pre>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Pages">
        {filters.page > 1 && <a href={link(filters.page - 1)}>Newer</a>}
        {filters.page < props.pages && <a href={link(filters.page + 1)}>Older</a>}
      </nav>
    </Page>
  );
}

/**
 * Bulk import: the script sends the file straight to POST /api/admin/import (streamed, with upload
 * progress) with the session cookie; the API's row errors are listed in the report table.
 */
export function ImportPage({ ctx }: { ctx: PageContext }) {
  return (
    <Page ctx={ctx} title="Bulk import">
      <p>CSV (a header row naming the fields), NDJSON or a JSON array; up to 100,000 rows. All or nothing: one bad row and nothing is written.</p>
      <noscript><p class="alert">Bulk import needs JavaScript (the file is streamed to the API with a progress bar).</p></noscript>
      <form class="stack" id="import-form" data-import action="/api/admin/import" method="post">
        <div>
          <label for="import-entity">What the rows are</label>
          <select id="import-entity" name="entity" required>
            {IMPORT_ENTITIES.map((entity) => (
              <option value={entity}>{entity}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="import-file">File (.csv, .ndjson or .json)</label>
          <input id="import-file" name="file" type="file" accept=".csv,.ndjson,.jsonl,.json,text/csv,application/json" required />
        </div>
        <div>
          <input id="import-dry-run" name="dryRun" type="checkbox" value="true" />{' '}
          <label for="import-dry-run">Dry run: check every row, write nothing</label>
        </div>
        <p class="actions"><button type="submit" id="import-submit">Import</button></p>
        <label for="import-progress">Upload progress</label>
        <progress id="import-progress" max={100} value={0} />
      </form>
      <div id="import-result" role="status" aria-live="polite" />
      <table id="import-errors" hidden>
        <caption>Rows with problems</caption>
        <thead><tr><th scope="col">Row</th><th scope="col">Field</th><th scope="col">Problem</th></tr></thead>
        <tbody />
      </table>
    </Page>
  );
}

/**
 * Image upload for one model: posts here (works without JavaScript) and is passed on to POST
 * /api/admin/models/:id/images; the text fields come before the file, as that API reads them. The script
 * adds a preview of the chosen file.
 */
/** What the upload route accepts (src/admin/images/image-upload-routes.ts), told beside the file input. */
export interface UploadLimits {
  maxMb: number;
  minSidePx: number;
  maxAspectRatio: number;
}

export function UploadPage({ ctx, model, limits, error, notice }: { ctx: PageContext; model: { id: number; name: string; slug: string }; limits: UploadLimits; error?: string; notice?: string }) {
  return (
    <Page ctx={ctx} title={`Upload an image: ${model.name}`}>
      <Notice message={notice} />
      <Alert message={error} />
      <p><a href={`/admin/images?model=${encodeURIComponent(model.slug)}`}>Images of this model</a></p>
      <form class="stack" method="post" action={`/admin/models/${model.id}/images/new`} encType="multipart/form-data" id="upload-form">
        <div>
          <label for="upload-alt">Alt text (what the image shows)</label>
          <input id="upload-alt" name="alt" maxLength={200} required />
        </div>
        <div>
          <label for="upload-kind">Kind</label>
          <select id="upload-kind" name="kind">
            {IMAGE_KINDS.map((kind) => (
              <option value={kind}>{kind}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="upload-file">Image file (JPEG, PNG, WebP or AVIF)</label>
          <input id="upload-file" name="file" type="file" accept="image/jpeg,image/png,image/webp,image/avif" required data-preview="upload-preview" aria-describedby="upload-file-hint" />
          <p class="hint" id="upload-file-hint">
            Up to {limits.maxMb} MB, at least {limits.minSidePx} px on each side, the longer side at most {limits.maxAspectRatio} times the shorter.
          </p>
        </div>
        <img id="upload-preview" class="preview" alt="Preview of the chosen image" hidden />
        <p class="actions"><button type="submit" id="upload-submit">Upload</button></p>
      </form>
    </Page>
  );
}
