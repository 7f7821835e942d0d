/**
 * Offset paging stops at MAX_OFFSET_ROWS skipped rows, whatever the page size: PostgreSQL reads and drops
 * every skipped row, so page 1,000 of 100 cost 100,000 rows. Deeper pages are a 400 that points to the
 * keyset cursor, which costs the same at any depth; the /cars pager never links past the bound. The bound's
 * arithmetic is unit-tested beside it (src/catalogue/list-query.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastOffsetPage } from '../../src/catalogue/list-query.js';
import { CARS_PAGE_SIZE } from '../../src/web/schemas.js';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

async function get(url: string) {
  const response = await t.app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.body, json: () => response.json() };
}

describe.each(['/api/variants', '/api/models'])('GET %s deep pages', (path) => {
  it('refuses page 1,000 of 100 with a 400 that points to the cursor', async () => {
    const deep = await get(`${path}?page=1000&limit=100&sort=popularity&seats=5`);
    expect(deep.status).toBe(400);
    const { error } = deep.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/offset paging stops at row 10000.*cursor/);
    expect(error.details).toEqual([expect.objectContaining({ in: 'querystring', field: 'page' })]);
  });

  it('answers the last page within the bound, and the cursor goes on from any depth', async () => {
    expect((await get(`${path}?page=101&limit=100`)).status).toBe(200);
    const first = (await get(`${path}?limit=2`)).json();
    const next = await get(`${path}?limit=2&cursor=${first.pagination.nextCursor}`);
    expect(next.status).toBe(200);
  });
});

describe('/cars deep pages', () => {
  it('answers the HTML 400 page past the bound, with the reason', async () => {
    const deep = await get(`/cars?page=${lastOffsetPage(CARS_PAGE_SIZE) + 1}`);
    expect(deep.status).toBe(400);
    expect(deep.body).toMatch(/offset paging stops at row 10000/);
    expect((await get(`/cars?page=${lastOffsetPage(CARS_PAGE_SIZE)}`)).status).toBe(200);
  });
});
