/**
 * The admin pages under /admin (bull-board keeps /admin/queues).
 *
 * Design: server-rendered pages, authenticated by the admin API's own `gz_access` cookie. Why not a script
 * holding the access token in memory: with the cookie, no token is ever readable by script (httpOnly), the
 * pages work without JavaScript (forms post and redirect), and every page is testable with app.inject. The
 * cookie rules stay the API's: login runs POST /api/admin/auth/login in cookie mode and passes its
 * Set-Cookie on unchanged (httpOnly, Secure, SameSite=Strict); every form post here must pass the API's
 * Origin check (app.checkOrigin) before it is turned into an API call (admin-page-api.ts). The small external script
 * (client/admin.js, bundled by esbuild at start, served hashed) only enhances: it refreshes the access
 * cookie through /api/admin/auth/refresh (the refresh cookie is scoped to that path), revokes the session
 * on sign-out, previews an image before upload, and streams bulk imports with a progress bar.
 *
 * Stable selectors for browser tests:
 *   login page  /admin/login: form#login-form · input#login-email[name=email] (label "Email") ·
 *               input#login-password[name=password] (label "Password") · button#login-submit ("Sign in") ·
 *               errors in #login-error (role=alert); success lands on /admin (h1 "Dashboard").
 *   variant     /admin/variants?q=<slug or name> → the first cell links to /admin/variants/<id>;
 *               price: input#field-priceInr[name=priceInr] (label "Ex-showroom price (INR)");
 *               save: button#save ("Save changes"); success: 303 back to the page, role=status "Saved. …";
 *               a concurrent change: status 412 and role=alert "Someone else changed this record …".
 *   sign out    form[action="/admin/logout"] button ("Sign out").
 */
import { Readable, Transform } from 'node:stream';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../admin/permissions.js';
import { UPLOAD_FORM_OVERHEAD_BYTES } from '../../admin/images/image-upload-routes.js';
import { AppError } from '../../errors.js';
import { MAX_ASPECT_RATIO, MIN_SIDE_PX } from '../../media/renditions.js';
import { callApi, fieldErrors, type ApiAnswer } from './admin-page-api.js';
import { registerAdminAssets, type AdminAssets } from './admin-page-assets.js';
import { Alert, Page, renderPage } from './admin-page-layout.js';
import { AuditPage, DashboardPage, ImportPage, LoginPage, UploadPage, type AuditEntry, type AuditFilters, type LoginState } from './admin-pages.js';
import { ADMIN_PAGES, type FormValues } from './admin-page-resources.js';
import { contextOf, registerResourcePages } from './admin-resource-page-routes.js';
import { closeIfBodyUnread, originAllowed, PAGE_CACHE_CONTROL, requireUser, safeNext, sendPage } from './admin-page-session.js';

/**
 * Body limit of the anonymous sign-in and sign-out forms: an e-mail address, a password of up to 1,024
 * characters and a return path, percent-encoded, fit several times over; a stranger can send no more.
 */
const SIGN_IN_FORM_MAX_BYTES = 16 * 1024;
const FOREIGN_FORM = 'This form must be sent from this site. Reload the page and try again.';
const AUDIT_PAGE_SIZE = 50;
const COUNTED = ['brands', 'models', 'variants', 'articles'];

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Headers the API's own Origin check reads; login and logout are cookie-mode calls it judges itself. */
function originHeaders(request: FastifyRequest): Record<string, string> {
  const names = ['origin', 'host', 'x-forwarded-proto', 'x-forwarded-host'];
  return Object.fromEntries(names.flatMap((name) => (typeof request.headers[name] === 'string' ? [[name, request.headers[name]]] : [])));
}

function passCookies(reply: FastifyReply, headers: Record<string, unknown>): void {
  const cookies = headers['set-cookie'];
  if (cookies !== undefined) reply.header('set-cookie', cookies as string[]);
}

export function lockoutMessage(retryAfter: unknown): string {
  const seconds = Number(retryAfter);
  if (!Number.isFinite(seconds) || seconds <= 0) return 'Too many sign-in attempts. Wait a while, then try again.';
  const until = new Date(Date.now() + seconds * 1000).toISOString().slice(11, 16);
  const wait = seconds >= 60 ? `${Math.ceil(seconds / 60)} minute(s)` : `${seconds} second(s)`;
  return `Too many failed sign-ins: sign-in is locked for ${wait} (until ${until} UTC). Try again then.`;
}

function registerLogin(app: FastifyInstance, assets: AdminAssets): void {
  const show = (request: FastifyRequest, reply: FastifyReply, state: LoginState, status = 200) =>
    sendPage(reply, renderPage(<LoginPage ctx={{ assets, user: null, path: '/admin/login' }} state={state} />), status);

  app.get('/admin/login', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    return show(request, reply, { email: '', next: safeNext(query.next), notice: query.signedOut === '1' ? 'You are signed out.' : undefined });
  });

  // The Origin is judged before the body is read, and the body is small: sign-in is open to anyone.
  const signInForm = {
    bodyLimit: SIGN_IN_FORM_MAX_BYTES,
    onRequest: async (request: FastifyRequest, reply: FastifyReply) => (originAllowed(app, request) ? undefined : show(request, reply, { email: '', next: '/admin', error: FOREIGN_FORM }, 403)),
  };

  app.post('/admin/login', { ...signInForm }, async (request, reply) => {
    const form = (request.body ?? {}) as FormValues;
    const state: LoginState = { email: str(form.email).slice(0, 254), next: safeNext(form.next) };
    const answer = await callApi(app, request, {
      method: 'POST',
      url: '/api/admin/auth/login',
      anonymous: true,
      headers: originHeaders(request),
      payload: { email: str(form.email), password: str(form.password), mode: 'cookie' },
    });
    if (answer.status === 200) {
      passCookies(reply, answer.headers);
      return reply.header('cache-control', PAGE_CACHE_CONTROL).redirect(state.next, 303);
    }
    let error = answer.error?.message ?? 'Sign-in failed; try again.';
    if (answer.status === 401) error = 'The email or password is not right.';
    if (answer.status === 429) error = lockoutMessage(answer.headers['retry-after']);
    if (answer.status === 400) error = 'Check the fields below.';
    return show(request, reply, { ...state, error, fieldErrors: fieldErrors(answer.error) }, answer.status);
  });

  app.post('/admin/logout', { ...signInForm }, async (request, reply) => {
    // The refresh cookie (scoped to /api/admin/auth) is not sent here; the access cookie names the session,
    // and logging out by it ends that session on the server (its access and refresh tokens) and clears the cookies.
    const answer = await callApi(app, request, { method: 'POST', url: '/api/admin/auth/logout', headers: originHeaders(request) });
    passCookies(reply, answer.headers);
    return reply.header('cache-control', PAGE_CACHE_CONTROL).redirect('/admin/login?signedOut=1', 303);
  });
}

function notAllowed(request: FastifyRequest, reply: FastifyReply, assets: AdminAssets, what: string) {
  return sendPage(reply, renderPage(<Page ctx={contextOf(request, assets)} title="Not allowed"><Alert message={`Your role (${request.adminUser!.role}) may not ${what}.`} /></Page>), 403);
}

function registerDashboard(app: FastifyInstance, assets: AdminAssets): void {
  const leads = app.admin.dashboard;
  app.get('/admin', async (request, reply) => {
    const role = request.adminUser!.role;
    const counts = await Promise.all(
      ADMIN_PAGES.filter((r) => COUNTED.includes(r.path)).map(async (r) => {
        const answer = can(role, r.read) ? await callApi(app, request, { url: `/api/admin/${r.path}?limit=1` }) : null;
        return { label: r.title, href: `/admin/${r.path}`, count: answer?.status === 200 ? (answer.pagination?.total ?? 0) : null };
      }),
    );
    const canExport = can(role, 'export');
    const [leadCount, latestLeads] = await Promise.all([leads.countLeads(), canExport ? leads.latestLeads() : Promise.resolve(null)]);
    return sendPage(reply, renderPage(<DashboardPage ctx={contextOf(request, assets)} counts={counts} leadCount={leadCount} latestLeads={latestLeads} canExport={canExport} />));
  });
}

function registerAudit(app: FastifyInstance, assets: AdminAssets): void {
  app.get('/admin/audit', async (request, reply) => {
    if (!can(request.adminUser!.role, 'audit:read')) return notAllowed(request, reply, assets, 'read the audit log');
    const query = request.query as Record<string, unknown>;
    const filters: AuditFilters = { entity: str(query.entity).trim(), action: str(query.action).trim(), actor: str(query.actor).trim(), entityId: str(query.entityId).trim(), page: Math.max(1, Math.min(1000, Number.parseInt(str(query.page), 10) || 1)) };
    const params = new URLSearchParams(Object.entries({ ...filters, page: String(filters.page), limit: String(AUDIT_PAGE_SIZE) }).filter(([, value]) => value !== ''));
    const answer = await callApi<AuditEntry[]>(app, request, { url: `/api/admin/audit?${params.toString()}` });
    const ok = answer.status === 200;
    const html = renderPage(<AuditPage ctx={contextOf(request, assets)} entries={ok ? answer.data : []} filters={filters} pages={answer.pagination?.pages ?? 0} error={ok ? undefined : answer.error?.message} />);
    return sendPage(reply, html, ok ? 200 : answer.status);
  });
}

/** The body as it arrives, failing with 413 past `maxBytes`: a chunked body announces no length to refuse up front. */
function capped(body: Readable, maxBytes: number): Readable {
  let seen = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(new AppError('PAYLOAD_TOO_LARGE', `an upload may be at most ${Math.floor(maxBytes / 1024 / 1024)} MB`));
      else callback(null, chunk);
    },
  });
  // pipe, not pipeline: past the limit the request is left unread (its connection is closed), not destroyed before it is answered.
  return body.pipe(cap);
}

/** The cap's 413, raised on this side of the stream (the API's own request then fails), as an answer to show. */
function refusedOnTheWay(error: unknown): ApiAnswer {
  if (!(error instanceof AppError)) throw error;
  return { status: error.status, data: undefined, error: { code: error.code, message: error.message }, headers: {} };
}

async function registerUploads(app: FastifyInstance, assets: AdminAssets): Promise<void> {
  const { uploadMaxBytes } = app.config.media;
  const maxBodyBytes = uploadMaxBytes + UPLOAD_FORM_OVERHEAD_BYTES;
  const limits = { maxMb: Math.floor(uploadMaxBytes / 1024 / 1024), minSidePx: MIN_SIDE_PX, maxAspectRatio: MAX_ASPECT_RATIO };
  const IdParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id'] } as const;
  const modelOf = async (request: FastifyRequest) => callApi<{ id: number; name: string; slug: string }>(app, request, { url: `/api/admin/models/${(request.params as { id: number }).id}` });
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(reply, renderPage(<Page ctx={contextOf(request, assets)} title="Not found"><Alert message="There is no model with that id." /></Page>), 404);

  app.get('/admin/models/:id/images/new', { schema: { params: IdParams } }, async (request, reply) => {
    if (!can(request.adminUser!.role, 'catalogue:write')) return notAllowed(request, reply, assets, 'upload images');
    const model = await modelOf(request);
    if (model.status !== 200) return notFound(request, reply);
    return sendPage(reply, renderPage(<UploadPage ctx={contextOf(request, assets)} model={model.data} limits={limits} />));
  });

  await app.register(async (scope) => {
    // This route only: the multipart body stays an unread stream until the checks have passed, then flows
    // through to the media API, which writes the file to disk as it arrives. Nothing is buffered here.
    scope.addContentTypeParser('multipart/form-data', (_request, payload, done) => done(null, payload));
    scope.post('/admin/models/:id/images/new', { schema: { params: IdParams } }, async (request, reply) => {
      if (!can(request.adminUser!.role, 'catalogue:write')) return notAllowed(request, reply, assets, 'upload images');
      const model = await modelOf(request);
      if (model.status !== 200) return notFound(request, reply);
      const show = (error: string, status: number) => sendPage(reply, renderPage(<UploadPage ctx={contextOf(request, assets)} model={model.data} limits={limits} error={error} />), status);
      if (!(request.body instanceof Readable)) return show('Send the image with this page’s form (multipart/form-data).', 415);
      if (Number(request.headers['content-length']) > maxBodyBytes) return show(`The file is too large: an image may be at most ${limits.maxMb} MB.`, 413);
      const body = capped(request.body, maxBodyBytes);
      const answer = await callApi(app, request, { method: 'POST', url: `/api/admin/models/${model.data.id}/images`, payload: body, contentType: String(request.headers['content-type']) }).catch(
        refusedOnTheWay,
      );
      // The media API answers 202: the renditions are made by a job after the original is stored.
      if (answer.status >= 200 && answer.status < 300) return reply.header('cache-control', PAGE_CACHE_CONTROL).redirect(`/admin/images?model=${encodeURIComponent(model.data.slug)}&done=created`, 303);
      return show(answer.error?.message ?? `The upload was refused (${answer.status}).`, answer.status);
    });
  });
}

export const adminPages: FastifyPluginAsync = async (app) => {
  // Form posts are parsed in this scope only: the API under /api stays JSON-only.
  await app.register(formbody);
  const assets = await registerAdminAssets(app);
  app.decorateRequest('adminUser', null);
  app.addHook('onSend', async (request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', PAGE_CACHE_CONTROL);
    closeIfBodyUnread(request, reply);
  });
  registerLogin(app, assets);

  await app.register(async (signedIn) => {
    // onRequest: who is asking (and, for a form post, from where) is known before any body is read.
    signedIn.addHook('onRequest', requireUser(signedIn));
    registerDashboard(signedIn, assets);
    registerAudit(signedIn, assets);
    await registerUploads(signedIn, assets);
    signedIn.get('/admin/import', async (request, reply) =>
      can(request.adminUser!.role, 'import') ? sendPage(reply, renderPage(<ImportPage ctx={contextOf(request, assets)} />)) : notAllowed(request, reply, assets, 'import'),
    );
    for (const resource of ADMIN_PAGES) registerResourcePages(signedIn, resource, assets);
  });
};
