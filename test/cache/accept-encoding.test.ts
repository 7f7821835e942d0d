/**
 * Accept-Encoding negotiation over HTTP: the cached answer's Content-Encoding follows the header's names and
 * weights. The rules themselves are unit-tested beside the parser (src/platform/cache/accept-encoding.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers.js';

describe('over HTTP', () => {
  it('answers `Accept-Encoding: nobr` uncompressed, and `gzip;q=0, br;q=0.1` with brotli', async () => {
    const t = await buildTestApp();
    try {
      const url = '/api/models?limit=50';
      const nobr = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'nobr' } });
      expect(nobr.statusCode).toBe(200);
      expect(nobr.headers['content-encoding']).toBeUndefined();
      expect(nobr.json().data.length).toBeGreaterThan(0);
      // The miss answered uncompressed; its brotli and gzip forms are made after the key's first hit.
      expect((await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'nobr' } })).headers['x-cache']).toBe('HIT');
      await t.app.cache.compressionIdle();
      const weighted = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip;q=0, br;q=0.1' } });
      expect(weighted.headers['content-encoding']).toBe('br');
      const refused = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br;q=0, gzip;q=0' } });
      expect(refused.headers['content-encoding']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
