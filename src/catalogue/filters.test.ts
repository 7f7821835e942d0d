/**
 * The filter and sort vocabulary of /api/models and /api/variants, read as the app reads a query string:
 * Ajv with the options buildApp gives Fastify (src/app.ts: strings coerced to their types, defaults filled
 * in, every error reported).
 */
import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { findUnstorable } from '../platform/storable-input.js';
import { CATALOGUE_SORTS, CatalogueFilterQuery } from './filters.js';

const ajv = new Ajv({ removeAdditional: false, coerceTypes: true, useDefaults: true, allErrors: true });
const validate = ajv.compile(Type.Object(CatalogueFilterQuery, { additionalProperties: false }));

/** The query as a route handler would see it, or the fields the errors name. */
function parse(query: Record<string, unknown>): { ok: true; value: Record<string, unknown> } | { ok: false; fields: string[] } {
  const value = { ...query };
  if (validate(value)) return { ok: true, value };
  const fields = (validate.errors ?? []).map((error) => error.instancePath.slice(1) || String(error.params.additionalProperty ?? ''));
  return { ok: false, fields: [...new Set(fields)] };
}
const accepts = (query: Record<string, unknown>) => parse(query).ok;

describe('catalogue filters', () => {
  it('fill in the default sort, page and limit', () => {
    expect(parse({})).toEqual({ ok: true, value: { sort: 'popularity', page: 1, limit: 20 } });
  });

  it('turn query-string numbers into integers, and refuse what is not one', () => {
    expect(parse({ seats: '7', priceMin: '500000', priceMax: '1500000', page: '3', limit: '50' })).toMatchObject({
      ok: true,
      value: { seats: 7, priceMin: 500_000, priceMax: 1_500_000, page: 3, limit: 50 },
    });
    for (const seats of ['seven', '5.5', '', '1e1x', '5,7']) expect(accepts({ seats }), JSON.stringify(seats)).toBe(false);
  });

  it('read any spelling JavaScript gives a number as that number (one answer, and one cache key, for them all)', () => {
    for (const seats of ['5', '05', '5e0', '0x5', ' 5']) expect(parse({ seats }), JSON.stringify(seats)).toMatchObject({ ok: true, value: { seats: 5 } });
  });

  it('take one brand slug or up to 20, comma-separated, and nothing looser', () => {
    const slugs = (n: number) => Array.from({ length: n }, (_, i) => `brand-${i}`).join(',');
    for (const brand of ['tata', 'land-rover', 'tata,hyundai', 'mg', slugs(20)]) expect(accepts({ brand }), brand).toBe(true);
    for (const brand of [slugs(21), 'Tata', 'tata,', ',tata', 'tata,,kia', 'tata kia', 'tata;kia', 'škoda', '']) expect(accepts({ brand }), brand).toBe(false);
  });

  it('accept exactly the sorts CATALOGUE_SORTS lists, and lower-case vocabulary only', () => {
    for (const sort of CATALOGUE_SORTS) expect(accepts({ sort }), sort).toBe(true);
    for (const sort of ['Price', 'price-desc', '+price', 'popularity,name', '']) expect(accepts({ sort }), sort).toBe(false);
    expect(accepts({ fuel: 'petrol', bodyType: 'suv', transmission: 'manual', status: 'current' })).toBe(true);
    for (const query of [{ fuel: 'Petrol' }, { bodyType: 'SUV' }, { transmission: 'stick' }, { status: 'live' }]) expect(accepts(query), JSON.stringify(query)).toBe(false);
  });

  it('let Ajv coerce "Infinity" past their bounds: the app-wide storable-input check is what refuses it', () => {
    const parsed = parse({ seats: 'Infinity', priceMax: '-Infinity' });
    expect(parsed).toMatchObject({ ok: true, value: { seats: Infinity, priceMax: -Infinity } });
    expect(parsed.ok && findUnstorable(parsed.value, '')).toEqual(['seats', 'must be a finite number']);
  });

  it('refuse a repeated parameter rather than pick one of its values', () => {
    expect(accepts({ fuel: ['petrol', 'diesel'] })).toBe(false);
    expect(accepts({ seats: ['5', '7'] })).toBe(false);
  });

  it('hold numbers to their bounds', () => {
    const edges: [Record<string, unknown>, boolean][] = [
      [{ seats: 1 }, true], [{ seats: 20 }, true], [{ seats: 0 }, false], [{ seats: 21 }, false],
      [{ priceMin: 0 }, true], [{ priceMax: 1_000_000_000 }, true], [{ priceMin: -1 }, false], [{ priceMax: 1_000_000_001 }, false],
      [{ page: 1 }, true], [{ page: 1000 }, true], [{ page: 0 }, false], [{ page: 1001 }, false],
      [{ limit: 1 }, true], [{ limit: 100 }, true], [{ limit: 0 }, false], [{ limit: 101 }, false],
      [{ cursor: 'x' }, true], [{ cursor: 'x'.repeat(500) }, true], [{ cursor: '' }, false], [{ cursor: 'x'.repeat(501) }, false],
    ];
    for (const [query, ok] of edges) expect(accepts(query), JSON.stringify(query).slice(0, 60)).toBe(ok);
  });

  it('name every bad parameter at once', () => {
    expect(parse({ seats: '0', sort: 'cheapest', brand: 'A', limit: '1000' })).toEqual({ ok: false, fields: expect.arrayContaining(['seats', 'sort', 'brand', 'limit']) });
  });
});
