/**
 * The role × route permission matrix. Every admin route is read from the Fastify instance itself, so a new
 * route fails here until the table below says which permission it needs. For each route and each of
 * anonymous, viewer, editor and admin the same minimal request must be answered 401, 403 FORBIDDEN, or
 * something past authorisation (a 2xx, or a 400/404/412/428 about the request itself).
 */
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, PERMISSIONS, ROLES, type Permission, type Role } from '../../src/admin/permissions.js';
import { buildTestApp, type TestApp } from '../helpers.js';
import { signedIn, type TestSession } from './helpers.js';

/** Public by design: they are how one signs in. */
const PUBLIC_ADMIN_ROUTES = new Set(['/api/admin/auth/login', '/api/admin/auth/refresh', '/api/admin/auth/logout']);
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The policy this file pins: who holds each permission. */
const POLICY: Record<Permission, Role[]> = {
  'catalogue:read': ['admin', 'editor', 'viewer'],
  'catalogue:write': ['admin', 'editor'],
  'content:read': ['admin', 'editor', 'viewer'],
  'content:write': ['admin', 'editor'],
  import: ['admin', 'editor'],
  'audit:read': ['admin'],
  export: ['admin'],
  'users:manage': ['admin'],
  'jobs:manage': ['admin'],
};

/** Which permission each resource's reads and writes need. */
const RESOURCE_AREAS: Record<string, 'catalogue' | 'content'> = {
  brands: 'catalogue',
  models: 'catalogue',
  variants: 'catalogue',
  images: 'catalogue',
  articles: 'content',
  comparisons: 'content',
};

/** `METHOD path` → the permission it needs (HEAD follows GET). */
const ROUTE_PERMISSIONS: Record<string, Permission> = {
  'GET /api/admin/auth/me': 'content:read',
  'POST /api/admin/auth/logout-everywhere': 'content:read',
  'GET /api/admin/audit': 'audit:read',
  'GET /api/admin/users': 'users:manage',
  'POST /api/admin/users': 'users:manage',
  'PATCH /api/admin/users/:id': 'users:manage',
  'GET /api/admin/exports/leads.csv': 'export',
  'GET /api/admin/exports/newsletter.csv': 'export',
  'POST /api/admin/import': 'import',
  'GET /api/admin/jobs': 'jobs:manage',
  'POST /api/admin/jobs/:id/retry': 'jobs:manage',
  'POST /api/admin/models/:id/images': 'catalogue:write',
  ...Object.fromEntries(
    Object.entries(RESOURCE_AREAS).flatMap(([path, area]) => {
      const base = `/api/admin/${path}`;
      return [
        [`GET ${base}`, `${area}:read`],
        [`GET ${base}/:id`, `${area}:read`],
        [`POST ${base}`, `${area}:write`],
        [`PATCH ${base}/:id`, `${area}:write`],
        [`DELETE ${base}/:id`, `${area}:write`],
        [`POST ${base}/:id/restore`, `${area}:write`],
      ];
    }),
  ),
};

interface Route {
  method: HTTPMethods;
  url: string;
}

/**
 * Every route the instance serves, from Fastify's own route listing (`printRoutes` without common-prefix
 * compression: one node per line, each indented four columns under its parent, with its methods).
 */
function routesOf(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const paths: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    paths.length = depth;
    const url = (paths[depth - 1] ?? '') + match[2]!;
    paths.push(url);
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method: method as HTTPMethods, url });
  }
  return routes;
}

const keyOf = (route: Route) => `${route.method === 'HEAD' ? 'GET' : route.method} ${route.url}`;

/** Routes that end the session they are called with: each is called with a session of its own. */
const SIGNS_OUT = new Set(['POST /api/admin/auth/logout-everywhere']);

/** An id no row has: authorised requests get a 404/428 rather than changing anything. */
const MISSING_ID = '2147483000';

/** A minimal request: no version, an empty JSON body where the route takes one. */
function requestFor(route: Route, headers: Record<string, string>) {
  const url = route.url.replace(':id', MISSING_ID);
  return { method: route.method, url, headers, ...(SAFE_METHODS.has(route.method) || route.method === 'DELETE' ? {} : { payload: {} }) };
}

let t: TestApp;
let adminRoutes: Route[];
const sessions = {} as Record<Role, TestSession>;

beforeAll(async () => {
  t = await buildTestApp({ config: { overloadMaxEventLoopDelayMs: 0 } });
  adminRoutes = routesOf(t.app).filter((r) => r.url.startsWith('/api/admin/') && !PUBLIC_ADMIN_ROUTES.has(r.url));
  for (const role of ROLES) sessions[role] = await signedIn(t.app, role);
});
afterAll(() => t.close());

/** The error code of a JSON answer (a CSV export or a HEAD answer has none). */
const errorCode = (response: LightMyRequestResponse): string | undefined =>
  String(response.headers['content-type']).startsWith('application/json') && response.body !== '' ? response.json().error?.code : undefined;

describe('the policy', () => {
  it('is the one this file pins', () => {
    expect(PERMISSIONS).toEqual(POLICY);
  });

  it('keeps users, the audit log and exports to admins, and every change away from viewers', () => {
    for (const permission of ['users:manage', 'audit:read', 'export'] as const) expect(can('editor', permission), permission).toBe(false);
    // Signing oneself out changes only one's own sessions: every role may.
    const writes = Object.entries(ROUTE_PERMISSIONS).filter(([key]) => !key.startsWith('GET ') && !SIGNS_OUT.has(key));
    expect(writes.length).toBeGreaterThan(20);
    for (const [key, permission] of writes) expect(can('viewer', permission), key).toBe(false);
  });
});

describe('the admin routes', () => {
  it('are read from the instance, and the listing misses none the OpenAPI document knows', () => {
    const listed = new Set(adminRoutes.map((r) => `${r.method} ${r.url}`));
    const documented = Object.entries((t.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths)
      .filter(([path]) => path.startsWith('/api/admin/'))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
      .filter((key) => !PUBLIC_ADMIN_ROUTES.has(key.split(' ')[1]!));
    expect(documented.length).toBeGreaterThan(40);
    expect(documented.filter((key) => !listed.has(key))).toEqual([]);
  });

  it('each have a declared permission, and every declared route exists', () => {
    const served = new Set(adminRoutes.map(keyOf));
    expect([...served].filter((key) => !(key in ROUTE_PERMISSIONS))).toEqual([]);
    expect(Object.keys(ROUTE_PERMISSIONS).filter((key) => !served.has(key))).toEqual([]);
  });
});

describe('authorisation of every admin route', () => {
  it('answers an anonymous request 401 UNAUTHENTICATED, whatever the body', async () => {
    const wrong: string[] = [];
    for (const route of adminRoutes) {
      const response = await t.app.inject(requestFor(route, {}));
      const code = errorCode(response);
      if (response.statusCode !== 401 || (route.method !== 'HEAD' && code !== 'UNAUTHENTICATED')) wrong.push(`${keyOf(route)} (${route.method}): ${response.statusCode} ${code}`);
    }
    expect(wrong).toEqual([]);
  });

  it('answers a malformed token 401 too', async () => {
    const route = adminRoutes.find((r) => r.method === 'GET' && r.url === '/api/admin/brands')!;
    const response = await t.app.inject(requestFor(route, { authorization: 'Bearer not.a.token' }));
    expect(response.statusCode).toBe(401);
  });

  it.each(ROLES)('gives the %s role exactly what its permissions allow', async (role) => {
    const wrong: string[] = [];
    let allowed = 0;
    let refused = 0;
    for (const route of adminRoutes) {
      const permission = ROUTE_PERMISSIONS[keyOf(route)]!;
      const headers = SIGNS_OUT.has(keyOf(route)) ? (await signedIn(t.app, role)).headers : sessions[role].headers;
      const response = await t.app.inject(requestFor(route, headers));
      const code = errorCode(response);
      const status = response.statusCode;
      if (can(role, permission)) {
        allowed++;
        if (status === 401 || status === 403 || status >= 500) wrong.push(`${route.method} ${route.url} should pass (${permission}): ${status} ${code}`);
      } else {
        refused++;
        if (status !== 403 || (route.method !== 'HEAD' && code !== 'FORBIDDEN')) wrong.push(`${route.method} ${route.url} should be refused (${permission}): ${status} ${code}`);
      }
    }
    expect(wrong).toEqual([]);
    // The matrix is not vacuous for any role.
    expect(allowed).toBeGreaterThan(0);
    if (role !== 'admin') expect(refused).toBeGreaterThan(0);
  });

  it('refuses a forbidden role before it reads the body (an invalid body is still a 403, not a 400)', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/admin/brands', headers: sessions.viewer.headers, payload: { slug: 42, bogus: true } });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toMatch(/viewer.*catalogue:write/);
  });
});
