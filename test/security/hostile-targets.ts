/**
 * Where the hostile-input sweep aims: every JSON write route, each with a valid body so the swept field is
 * the only hostile one, and the fields of a body read from its OpenAPI schema (so a new field is swept
 * without anyone listing it). The routes come from the app's OpenAPI document too; a write route missing
 * from WRITE_TARGETS fails the sweep until it is added here.
 */
import { randomBytes } from 'node:crypto';
import { ALL_PAYLOADS, NUMERIC_RAW, SAMPLE } from './hostile-payloads.js';

export type Body = Record<string, unknown> | Record<string, unknown>[];

export interface WriteTarget {
  /** A valid body: fresh slugs and emails each call, the current version for a change. */
  valid(c: SweepContext): Body | Promise<Body>;
  /** The URL, when it is not the documented path (an id filled in). */
  url?(c: SweepContext): string;
  /** Signed in as the admin (true) or anonymous. */
  admin: boolean;
  /** Fields that get every payload rather than the sample. */
  full?: string[];
  /** Fields whose schema wants a leading text (a path's "/"): payloads are also sent after it, so what follows is tested too. */
  prefixes?: Record<string, string>;
  /** One request at a time (a change of one row, based on its current version). */
  serial?: boolean;
}

export interface SweepContext {
  patchBrandId: number;
  patchUserId: number;
  version(table: 'brands' | 'admin_users', id: number): Promise<number>;
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;
export const strongPassword = () => `Sweep-${randomBytes(12).toString('base64url')}`;

/** `METHOD /documented/{path}` → how to sweep it. */
export const WRITE_TARGETS: Record<string, WriteTarget> = {
  'POST /api/admin/brands': {
    admin: true,
    full: ['name'],
    valid: () => ({ slug: unique('sweep-brand'), name: 'Sweep Motors', country: 'India', foundedYear: 2001, colour: '#123456', description: 'Made by the sweep.' }),
  },
  'PATCH /api/admin/brands/{id}': {
    admin: true,
    serial: true,
    url: (c) => `/api/admin/brands/${c.patchBrandId}`,
    valid: async (c) => ({ description: 'Changed by the sweep.', version: await c.version('brands', c.patchBrandId) }),
  },
  'POST /api/admin/models': {
    admin: true,
    valid: () => ({
      slug: unique('sweep-model'), brand: 'hyundai', name: 'Sweep', bodyType: 'suv', segment: 'B', launchDate: '2026-01-01', status: 'upcoming',
      popularity: 1, description: 'Made by the sweep.', colours: [{ name: 'Red', hex: '#ff0000' }], features: ['ABS'],
    }),
  },
  'POST /api/admin/variants': {
    admin: true,
    valid: () => ({
      slug: unique('sweep-variant'), model: 'hyundai-creta', name: 'Sweep', priceInr: 1_000_000, fuel: 'petrol', transmission: 'manual', seats: 5,
      drivetrain: 'fwd', airbags: 6, colours: [{ name: 'Red', hex: '#ff0000' }], features: ['ABS'],
    }),
  },
  'POST /api/admin/images': {
    admin: true,
    prefixes: { path: '/media/' },
    valid: () => ({ model: 'hyundai-creta', kind: 'exterior', path: '/media/sweep.jpg', alt: 'Sweep', width: 10, height: 10, position: 1 }),
  },
  'POST /api/admin/articles': {
    admin: true,
    full: ['bodyMarkdown', 'bodyHtml'],
    valid: () => ({
      slug: unique('sweep-article'), title: 'Sweep', summary: 'Made by the sweep.', category: 'news', author: 'Sweep', tags: ['sweep'],
      status: 'draft', publishedAt: '2026-01-01T00:00:00Z', bodyMarkdown: 'Sweep **body**.', models: ['hyundai-creta'],
    }),
  },
  'POST /api/admin/comparisons': {
    admin: true,
    valid: () => ({ models: ['hyundai-creta', 'kia-seltos'], slug: unique('sweep-comparison'), title: 'Sweep', position: 5 }),
  },
  'POST /api/admin/users': {
    admin: true,
    valid: () => ({ email: `${unique('sweep')}@example.test`, password: strongPassword(), role: 'viewer', name: 'Sweep User' }),
  },
  'PATCH /api/admin/users/{id}': {
    admin: true,
    serial: true,
    url: (c) => `/api/admin/users/${c.patchUserId}`,
    valid: async (c) => ({ name: 'Sweep User', version: await c.version('admin_users', c.patchUserId) }),
  },
  // Unknown addresses: each attempt reaches the password check (against the decoy hash) instead of an account lockout.
  'POST /api/admin/auth/login': { admin: false, valid: () => ({ email: `${unique('sweep-login')}@example.test`, password: strongPassword(), mode: 'token' }) },
  'POST /api/admin/auth/refresh': { admin: false, valid: () => ({ refreshToken: randomBytes(32).toString('base64url') }) },
  'POST /api/admin/auth/logout': { admin: false, valid: () => ({ refreshToken: randomBytes(32).toString('base64url') }) },
  'POST /api/leads': {
    admin: false,
    full: ['name'],
    valid: () => ({ name: 'Ravi Kumar', phone: '9876543210', email: 'ravi@example.com', city: 'Chennai', model: 'hyundai-creta', intent: 'price-quote', message: 'From the sweep.' }),
  },
  'POST /api/newsletter': { admin: false, valid: () => ({ email: 'sweep@example.com', source: 'sweep' }) },
  'POST /api/newsletter/confirm': { admin: false, valid: () => ({ token: 'A'.repeat(43) }) },
  'POST /api/events': {
    admin: false,
    prefixes: { '[].path': '/' },
    valid: () => [{ type: 'compare', path: '/compare/sweep', model: 'hyundai-creta', variants: ['hyundai-creta-e', 'kia-seltos-htk'], sessionId: 'sweep' }],
  },
};

/** Write routes swept another way, and why. */
export const NOT_BODY_SWEPT: Record<string, string> = {
  'PATCH /api/admin/models/{id}': 'same toColumns as the create, swept field by field; PATCH brands stands for the versioned change',
  'PATCH /api/admin/variants/{id}': 'as PATCH models',
  'PATCH /api/admin/images/{id}': 'as PATCH models',
  'PATCH /api/admin/articles/{id}': 'as PATCH models',
  'PATCH /api/admin/comparisons/{id}': 'as PATCH models',
};

export interface Field {
  /** Where the value sits in the body (numbers index arrays). */
  path: (string | number)[];
  label: string;
  /** string: swept with string payloads; raw: with raw JSON (numbers, booleans). */
  kind: 'string' | 'raw';
}

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
}

/** Every leaf of a request-body schema from the OpenAPI document. */
export function fieldsOf(schema: JsonSchema, path: (string | number)[] = [], label = ''): Field[] {
  if (schema.type === 'object') return Object.entries(schema.properties ?? {}).flatMap(([name, child]) => fieldsOf(child, [...path, name], label === '' ? name : `${label}.${name}`));
  if (schema.type === 'array' && schema.items) return fieldsOf(schema.items, [...path, 0], `${label}[]`);
  return [{ path, label, kind: schema.type === 'string' ? 'string' : 'raw' }];
}

/** One pass over a field: the payloads, each sent after `prefix`, tallied as `label`. */
export interface Run {
  label: string;
  payloads: readonly string[];
  prefix: string;
}

/** A string field gets the sample (every payload if `full`), and again after its prefix; a numeric one gets raw JSON. */
export function runsOf(target: WriteTarget, field: Field): Run[] {
  if (field.kind === 'raw') return [{ label: field.label, payloads: NUMERIC_RAW, prefix: '' }];
  const runs = [{ label: field.label, payloads: target.full?.includes(field.label) ? ALL_PAYLOADS : SAMPLE, prefix: '' }];
  const prefix = target.prefixes?.[field.label];
  if (prefix !== undefined) runs.push({ label: `${field.label} after "${prefix}"`, payloads: SAMPLE, prefix });
  return runs;
}

const PLACEHOLDER = '\u0001sweep\u0001';

/** The JSON text of `valid` with the field at `path` set to `value` (a string), or to raw JSON text. */
export function bodyWith(valid: Body, path: (string | number)[], value: string, raw = false): string {
  const body = structuredClone(valid) as Record<string | number, unknown>;
  let node = body;
  path.forEach((key, i) => {
    if (i === path.length - 1) node[key] = raw ? PLACEHOLDER : value;
    else node = (node[key] ??= typeof path[i + 1] === 'number' ? [] : {}) as Record<string | number, unknown>;
  });
  const json = JSON.stringify(body);
  return raw ? json.replace(JSON.stringify(PLACEHOLDER), value) : json;
}
