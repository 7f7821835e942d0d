/** Where offset paging stops (MAX_OFFSET_ROWS skipped rows at any page size); over HTTP see test/api/deep-paging.test.ts. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { MAX_LIMIT, MAX_OFFSET_ROWS } from '../lib/schemas.js';
import { CARS_PAGE_SIZE } from '../web/schemas.js';
import { lastOffsetPage, offsetOf } from './list-query.js';

describe('the offset bound', () => {
  it('allows up to MAX_OFFSET_ROWS skipped rows at any page size, and says where a page size stops', () => {
    expect(MAX_OFFSET_ROWS).toBe(10_000);
    expect(offsetOf({ sort: 'popularity', page: 101, limit: 100 })).toBe(10_000);
    expect(() => offsetOf({ sort: 'popularity', page: 102, limit: 100 })).toThrow(/cursor/);
    expect(lastOffsetPage(24)).toBe(417);
    expect(offsetOf({ sort: 'popularity', page: lastOffsetPage(CARS_PAGE_SIZE), limit: CARS_PAGE_SIZE })).toBeLessThanOrEqual(MAX_OFFSET_ROWS);
    expect(() => offsetOf({ sort: 'popularity', page: lastOffsetPage(CARS_PAGE_SIZE) + 1, limit: CARS_PAGE_SIZE })).toThrow();
    expect(offsetOf({ sort: 'popularity', page: 1000, limit: 100, cursor: 'x' })).toBe(0);
  });

  it('reaches lastOffsetPage and refuses the page after it, at every page size', () => {
    for (let limit = 1; limit <= MAX_LIMIT; limit++) {
      const last = lastOffsetPage(limit);
      expect(offsetOf({ sort: 'name', page: last, limit }), `limit ${limit}`).toBe((last - 1) * limit);
      expect(() => offsetOf({ sort: 'name', page: last + 1, limit }), `limit ${limit}`).toThrow(AppError);
    }
  });

  it('refuses with a 400 naming the page field, the row it starts after and the last page at that size', () => {
    let error: unknown;
    try {
      offsetOf({ sort: 'name', page: 500, limit: 24 });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, details: [{ in: 'querystring', field: 'page' }] });
    expect((error as Error).message).toContain('starts after row 11976');
    expect((error as Error).message).toContain('page 417 at this limit');
  });

  it('starts at row 0 for page 1 and whenever a cursor is given', () => {
    expect(offsetOf({ sort: 'name', page: 1, limit: 100 })).toBe(0);
    expect(offsetOf({ sort: 'name', page: 1, limit: 100, cursor: '' })).toBe(0);
  });
});
