/**
 * Cache keys. A key names exactly one answer, so it is built from the route's validated parameters only, in
 * two namespaces that cannot meet: path parameters (`/name=value`) then query parameters (`?name=value&…`),
 * each name and value percent-encoded (so `&`, `=`, `/`, `?` and `,` inside a value are never structure),
 * arrays as `[a,b]` and objects as `{k:v,…}` of encoded parts. Only the query names the route declares in
 * its querystring schema are read, in a fixed (sorted) order: equivalent URLs share a key, and a parameter
 * the route does not know cannot make a new one. Under /api an undeclared parameter is refused (400
 * UNKNOWN_PARAMETER, as the schema would); elsewhere (pages, images) it is ignored.
 *
 * What each route declares is worked out once, on its first request, and kept with its CachedRoute (one
 * CachedRoute per route; a second route using the same one is refused on its first miss).
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { hashBody } from './encoding.js';

/** Keys longer than this (long search strings) are hashed so Redis keys stay small. */
const MAX_PLAIN_KEY_LENGTH = 200;
/** Values that percent-encoding would leave unchanged: no need to encode them. */
const PLAIN_VALUE = /^[A-Za-z0-9_.~-]*$/;

export interface KeyPlan {
  /** The route this plan was made for (its schema object), checked on misses. */
  schema: unknown;
  paramNames: readonly string[];
  /** Declared query names, sorted. */
  queryNames: readonly string[];
  /** Refuse (true, /api) or ignore (false, pages and images) a query name the route does not declare. */
  refuseUnknown: boolean;
  /** False when the schema already refuses unknown names (additionalProperties: false): no need to look. */
  checkUnknown: boolean;
  declared: ReadonlySet<string>;
}

interface ObjectSchema {
  type?: unknown;
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
}

export function planKey(request: FastifyRequest, routeName: string): KeyPlan {
  const { schema, url } = request.routeOptions;
  const querystring = (schema?.querystring ?? undefined) as ObjectSchema | undefined;
  if (querystring !== undefined && (querystring.type !== 'object' || typeof querystring.properties !== 'object')) {
    throw new Error(`cached route ${routeName}: its querystring schema must be an object schema with properties`);
  }
  const queryNames = Object.keys(querystring?.properties ?? {}).sort();
  const params = request.params;
  return {
    schema,
    paramNames: params !== null && typeof params === 'object' ? Object.keys(params).sort() : [],
    queryNames,
    refuseUnknown: url === '/api' || (url ?? '').startsWith('/api/'),
    checkUnknown: querystring?.additionalProperties !== false,
    declared: new Set(queryNames),
  };
}

/** Throws when this is not the route the plan was made for (one CachedRoute shared by two routes). */
export function assertPlanFits(plan: KeyPlan, request: FastifyRequest, routeName: string): void {
  if (request.routeOptions.schema !== plan.schema) throw new Error(`cached route ${routeName} is used by more than one route: give each its own`);
}

function encodeValue(value: unknown): string {
  if (typeof value === 'string') return PLAIN_VALUE.test(value) ? value : encodeURIComponent(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[${value.map(encodeValue).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.keys(value)
      .sort()
      .map((name) => `${encodeURIComponent(name)}:${encodeValue((value as Record<string, unknown>)[name])}`);
    return `{${fields.join(',')}}`;
  }
  return encodeURIComponent(String(value));
}

/** 400 UNKNOWN_PARAMETER naming the query parameters the route does not declare, if any (API routes). */
function refuseUndeclared(plan: KeyPlan, query: Record<string, unknown>): void {
  let unknown: string[] | undefined;
  for (const name in query) if (!plan.declared.has(name)) (unknown ??= []).push(name);
  if (unknown === undefined) return;
  throw new AppError(
    'UNKNOWN_PARAMETER',
    `unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
    unknown.map((field) => ({ in: 'querystring', field, message: 'unknown query parameter' })),
  );
}

/** `name/p=v?a=1&b=x%26y`, or `name#<hash>` when longer than MAX_PLAIN_KEY_LENGTH. */
export function keyOf(name: string, plan: KeyPlan, params: unknown, query: unknown): string {
  const paramValues = params as Record<string, unknown>;
  const queryValues = (query ?? {}) as Record<string, unknown>;
  if (plan.refuseUnknown && plan.checkUnknown) refuseUndeclared(plan, queryValues);
  let key = name;
  for (const param of plan.paramNames) key += `/${param}=${encodeValue(paramValues[param])}`;
  let separator = '?';
  for (const field of plan.queryNames) {
    const value = queryValues[field];
    if (value === undefined) continue;
    key += value === null ? `${separator}${field}` : `${separator}${field}=${encodeValue(value)}`;
    separator = '&';
  }
  return key.length <= MAX_PLAIN_KEY_LENGTH ? key : `${name}#${hashBody(key)}`;
}

/** `b,a,a` → `a,b`: the one spelling of a set. */
function canonicalSet(value: string): string {
  return [...new Set(value.split(','))].sort().join(',');
}

/** Rewrites the validated query's set parameters (`CachedRoute.sets`) in place, so the key and the loader see one spelling. */
export function canonicaliseSets(query: unknown, names: readonly string[]): void {
  if (query === null || typeof query !== 'object') return;
  const values = query as Record<string, unknown>;
  for (const name of names) {
    const value = values[name];
    if (typeof value === 'string' && value.includes(',')) values[name] = canonicalSet(value);
  }
}
