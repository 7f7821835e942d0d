/**
 * Cache keys name exactly one answer: built from the validated parameters only, path and query in separate
 * namespaces, every name and value percent-encoded, in one canonical order. Over HTTP (the poisoning search,
 * undeclared parameters on every cached route) see test/cache/cache-keys.test.ts.
 */
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { keyOf, planKey, type KeyPlan } from './cache-key.js';

const plan = (queryNames: string[], paramNames: string[] = [], refuseUnknown = true, checkUnknown = true): KeyPlan => ({
  schema: undefined,
  paramNames,
  queryNames: [...queryNames].sort(),
  refuseUnknown,
  checkUnknown,
  declared: new Set(queryNames),
});

/** All orderings of `items` (for the few fields a query has). */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('keyOf', () => {
  it('percent-encodes names’ values, so structure characters inside values stay values', () => {
    const search = plan(['q', 'type']);
    expect(keyOf('search', search, {}, { q: 'tata&type=variant' })).not.toBe(keyOf('search', search, {}, { q: 'tata', type: 'variant' }));
    expect(keyOf('search', search, {}, { q: 'a b/c?d' })).toBe('search?q=a%20b%2Fc%3Fd');
  });

  it('spells the poisoning search and the real filter differently, byte for byte', () => {
    const search = plan(['q', 'type']);
    expect(keyOf('search', search, {}, { q: 'tata&type=variant' })).toBe('search?q=tata%26type%3Dvariant');
    expect(keyOf('search', search, {}, { q: 'tata', type: 'variant' })).toBe('search?q=tata&type=variant');
    // A value that is already percent-encoded is encoded again: `%26` is not `&`.
    expect(keyOf('search', search, {}, { q: 'tata%26type%3Dvariant' })).toBe('search?q=tata%2526type%253Dvariant');
  });

  it('puts path parameters and query parameters in namespaces that cannot meet', () => {
    const route = plan(['file'], ['file'], false);
    expect(keyOf('art', route, { file: 'a.svg' }, { file: 'b.svg' })).not.toBe(keyOf('art', route, { file: 'b.svg' }, { file: 'a.svg' }));
    expect(keyOf('art', plan([], ['file'], false), { file: 'a.svg' }, { file: 'b.svg' })).toBe('art/file=a.svg');
  });

  it('encodes path parameter values, so a slash or `?` in one cannot pose as structure', () => {
    const route = plan(['page'], ['slug']);
    expect(keyOf('model', route, { slug: 'a/b?page=2' }, {})).toBe('model/slug=a%2Fb%3Fpage%3D2');
    expect(keyOf('model', route, { slug: 'a/b?page=2' }, {})).not.toBe(keyOf('model', route, { slug: 'a' }, { page: 2 }));
  });

  it('orders by name, skips absent values, and tells arrays, objects, empty strings and null apart', () => {
    const route = plan(['b', 'a', 'c']);
    expect(keyOf('r', route, {}, { b: 2, a: 1 })).toBe(keyOf('r', route, {}, { a: 1, b: 2, c: undefined }));
    const keys = [
      keyOf('r', route, {}, { a: ['x', 'y'] }),
      keyOf('r', route, {}, { a: 'x,y' }),
      keyOf('r', route, {}, { a: ['x,y'] }),
      keyOf('r', route, {}, { a: { k: 'v' } }),
      keyOf('r', route, {}, { a: 'k:v' }),
      keyOf('r', route, {}, { a: '' }),
      keyOf('r', route, {}, { a: null }),
      keyOf('r', route, {}, {}),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is the same key for every order the query and its object values arrive in', () => {
    const route = plan(['sort', 'brand', 'page', 'fuel']);
    const fields: [string, unknown][] = [['sort', 'price'], ['brand', 'tata,kia'], ['page', 2], ['fuel', 'petrol']];
    const objects = permutations<[string, unknown]>([['b', 1], ['a', [2, 3]], ['c', { y: 'z', x: null }]]).map((order) => Object.fromEntries(order));
    const keys = new Set(
      permutations(fields).flatMap((order) => objects.map((object) => keyOf('models', route, {}, { ...Object.fromEntries(order), fuel: object }))),
    );
    expect([...keys]).toEqual(['models?brand=tata%2Ckia&fuel={a:[2,3],b:1,c:{x:null,y:z}}&page=2&sort=price']);
  });

  it('writes null as a bare name, an empty string as `name=`, and leaves unreserved characters as they are', () => {
    const route = plan(['a', 'b']);
    expect(keyOf('r', route, {}, { a: null, b: '' })).toBe('r?a&b=');
    expect(keyOf('r', route, {}, { a: 'Hyundai_Creta-1.5~SX' })).toBe('r?a=Hyundai_Creta-1.5~SX');
    expect(keyOf('r', route, {}, { a: 'Škoda' })).toBe('r?a=%C5%A0koda');
    expect(keyOf('r', route, {}, undefined)).toBe('r');
  });

  it('reads only the declared names: ignored off /api, refused (400 UNKNOWN_PARAMETER) under /api', () => {
    expect(keyOf('page', plan(['a'], [], false), {}, { a: '1', zzz: '1' })).toBe(keyOf('page', plan(['a'], [], false), {}, { a: '1' }));
    expect(() => keyOf('api', plan(['a']), {}, { a: '1', zzz: '1', yyy: '2' })).toThrow(/unknown query parameters: zzz, yyy/);
  });

  it('names each undeclared parameter in the error details, and leaves the check to a schema that refuses them itself', () => {
    let error: unknown;
    try {
      keyOf('api', plan(['a']), {}, { zzz: '1' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UNKNOWN_PARAMETER', message: 'unknown query parameter: zzz', details: [{ in: 'querystring', field: 'zzz' }] });
    expect(keyOf('api', plan(['a'], [], true, false), {}, { a: '1', zzz: '1' })).toBe('api?a=1');
  });

  it('hashes long keys, still one per distinct value', () => {
    const route = plan(['q']);
    const long = keyOf('search', route, {}, { q: 'ä'.repeat(100) });
    expect(long).toMatch(/^search#[A-Za-z0-9_-]{22}$/);
    expect(keyOf('search', route, {}, { q: `${'ä'.repeat(99)}b` })).not.toBe(long);
  });

  it('hashes from the 201st character on', () => {
    const route = plan(['q']);
    // `r?q=` is 4 characters.
    expect(keyOf('r', route, {}, { q: 'x'.repeat(196) })).toBe(`r?q=${'x'.repeat(196)}`);
    expect(keyOf('r', route, {}, { q: 'x'.repeat(197) })).toMatch(/^r#[A-Za-z0-9_-]{22}$/);
  });
});

describe('planKey', () => {
  const request = (url: string, querystring: unknown, params: unknown = {}) =>
    ({ routeOptions: { url, schema: querystring === undefined ? {} : { querystring } }, params }) as unknown as FastifyRequest;
  const schema = (properties: Record<string, unknown>, additionalProperties?: boolean) => ({ type: 'object', properties, additionalProperties });

  it('sorts the declared query names and the path parameter names', () => {
    const made = planKey(request('/api/models/:slug', schema({ sort: {}, brand: {}, page: {} }), { slug: 'x', b: 'y' }), 'models');
    expect(made.queryNames).toEqual(['brand', 'page', 'sort']);
    expect(made.paramNames).toEqual(['b', 'slug']);
    expect([...made.declared].sort()).toEqual(['brand', 'page', 'sort']);
  });

  it('refuses undeclared names under /api only, and skips looking when the schema already refuses them', () => {
    expect(planKey(request('/api', schema({})), 'r').refuseUnknown).toBe(true);
    expect(planKey(request('/api/models', schema({})), 'r').refuseUnknown).toBe(true);
    expect(planKey(request('/apis', schema({})), 'r').refuseUnknown).toBe(false);
    expect(planKey(request('/cars', schema({})), 'r').refuseUnknown).toBe(false);
    expect(planKey(request('/api/models', schema({}, false)), 'r').checkUnknown).toBe(false);
    expect(planKey(request('/api/models', schema({})), 'r').checkUnknown).toBe(true);
  });

  it('takes a route without a querystring schema as declaring no names, and refuses a querystring schema it cannot read', () => {
    expect(planKey(request('/sitemap.xml', undefined), 'r').queryNames).toEqual([]);
    expect(() => planKey(request('/api/x', { type: 'string' }), 'x')).toThrow(/cached route x: its querystring schema must be an object schema/);
    expect(() => planKey(request('/api/x', { type: 'object' }), 'x')).toThrow(/must be an object schema with properties/);
  });
});
