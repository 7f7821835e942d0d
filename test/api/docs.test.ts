import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe('OpenAPI', () => {
  it('describes every public route from the route schemas', async () => {
    const response = await t.app.inject('/api/docs/json');
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/brands', '/api/brands/{slug}', '/api/models', '/api/models/{slug}', '/api/variants', '/api/variants/{slug}',
      '/api/compare', '/api/comparisons/popular', '/api/search', '/api/articles', '/api/articles/{slug}', '/api/leads', '/api/newsletter',
      '/api/newsletter/confirm']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    const params = doc.paths['/api/models'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['brand', 'bodyType', 'fuel', 'transmission', 'seats', 'priceMin', 'priceMax', 'status', 'sort', 'page', 'limit', 'cursor', 'fields']));
  });

  it('serves a browsable UI', async () => {
    const response = await t.app.inject('/api/docs/');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<html');
  });

  it('answers unknown routes with the JSON error shape', async () => {
    const response = await t.app.inject('/api/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
  });
});
