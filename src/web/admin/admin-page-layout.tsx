/** The admin page frame (landmarks, skip link, navigation by role) and the form pieces every page shares. */
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { can, type Role } from '../../admin/permissions.js';
import type { AdminAssets } from './admin-page-assets.js';
import { ADMIN_PAGES, type FormField } from './admin-page-resources.js';

export interface AdminUser {
  id: number;
  email: string;
  role: Role;
  name: string;
}

export interface PageContext {
  assets: AdminAssets;
  /** Null on the login page. */
  user: AdminUser | null;
  /** The request path, to mark the current section. */
  path: string;
}

export const renderPage = (page: VNode): string => `<!doctype html>${renderToString(page)}`;

function Nav({ ctx }: { ctx: PageContext }) {
  const role = ctx.user!.role;
  const links = [
    { href: '/admin', label: 'Dashboard' },
    ...ADMIN_PAGES.filter((r) => can(role, r.read)).map((r) => ({ href: `/admin/${r.path}`, label: r.title })),
    ...(can(role, 'import') ? [{ href: '/admin/import', label: 'Bulk import' }] : []),
    ...(can(role, 'audit:read') ? [{ href: '/admin/audit', label: 'Audit log' }] : []),
  ];
  const current = (href: string) => (href === '/admin' ? ctx.path === '/admin' : ctx.path.startsWith(href));
  return (
    <nav aria-label="Admin sections">
      <ul>
        {links.map((link) => (
          <li key={link.href}>
            <a href={link.href} aria-current={current(link.href) ? 'page' : undefined}>
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Page({ ctx, title, children }: { ctx: PageContext; title: string; children: ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} · gadizone admin`}</title>
        <link rel="stylesheet" href={ctx.assets.styleUrl} />
        <script src={ctx.assets.scriptUrl} defer />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="bar">
          <a href="/admin">gadizone admin</a>
          {ctx.user && <Nav ctx={ctx} />}
          {ctx.user && (
            <form method="post" action="/admin/logout" data-logout>
              <span>
                {ctx.user.email} ({ctx.user.role}){' '}
              </span>
              <button type="submit" class="secondary">
                Sign out
              </button>
            </form>
          )}
        </header>
        <main id="main" tabIndex={-1}>
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

export function Alert({ message, id = 'form-error' }: { message: string | undefined; id?: string }) {
  return message === undefined ? null : (
    <div class="alert" role="alert" id={id}>
      {message}
    </div>
  );
}

export function Notice({ message }: { message: string | undefined }) {
  return message === undefined ? null : (
    <p class="notice" role="status">
      {message}
    </p>
  );
}

/** One labelled input; the hint and the API's message for the field are tied to it with aria-describedby. */
export function Field({ field, value, error, readOnly }: { field: FormField; value: string; error?: string; readOnly: boolean }) {
  const id = `field-${field.name}`;
  const described = [field.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, name: field.name, disabled: readOnly, 'aria-invalid': error ? ('true' as const) : undefined, 'aria-describedby': described, required: field.required && !readOnly };
  let control: VNode;
  if (field.kind === 'select') {
    control = (
      <select {...common}>
        {!field.required && <option value="">(none)</option>}
        {(field.options ?? []).map((option) => (
          <option key={option} value={option} selected={option === value}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'textarea' || field.kind === 'list' || field.kind === 'json') {
    control = <textarea {...common} rows={field.kind === 'textarea' ? 10 : 4} value={value} />;
  } else {
    const numeric = field.kind === 'integer' || field.kind === 'number';
    control = <input {...common} type="text" inputMode={numeric ? (field.kind === 'integer' ? 'numeric' : 'decimal') : undefined} value={value} />;
  }
  return (
    <div>
      <label for={id}>
        {field.label}
        {field.required && !readOnly ? ' (required)' : ''}
      </label>
      {control}
      {field.hint && (
        <p class="hint" id={`${id}-hint`}>
          {field.hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
