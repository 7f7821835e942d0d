/**
 * Accept-Encoding negotiation (RFC 9110 §12.5.3): codings are names, not substrings (`nobr` is not brotli),
 * weights decide, `q=0` refuses, `*` covers the codings not named, identity is acceptable unless refused.
 */
import { describe, expect, it } from 'vitest';
import { acceptedEncoding } from '../../src/platform/cache/accept-encoding.js';
import { encodeBody, hashBody, negotiate } from '../../src/platform/cache/encoding.js';
import { buildTestApp } from '../helpers.js';

describe('acceptedEncoding (both compressed forms exist)', () => {
  it.each([
    ['gzip, deflate, br', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['br', 'br'],
    ['BR', 'br'],
    ['gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['GZip;Q=0.5', 'gzip'],
    ['identity', 'identity'],
    ['', 'identity'],
    ['deflate', 'identity'],
    // Names are whole tokens, never substrings.
    ['nobr', 'identity'],
    ['nobr, gzipped', 'identity'],
    ['brotli', 'identity'],
    ['nobr, gzip', 'gzip'],
    // q=0 refuses, in any spelling; weights order the rest.
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0.0, gzip', 'gzip'],
    ['br; q=0.000, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0.5, gzip;q=0.4', 'br'],
    ['gzip;q=0.8, br;q=0.8', 'br'],
    ['gzip ; q=1 , br ; q=0.9', 'gzip'],
    ['identity, br;q=0.5', 'identity'],
    ['identity;q=0, gzip;q=0.1', 'gzip'],
    // The wildcard stands for every coding not named.
    ['*', 'br'],
    ['*;q=0.5, br;q=0.2', 'gzip'],
    ['*;q=0', 'identity'],
    ['*;q=0, gzip', 'gzip'],
    ['*;q=0, identity;q=0.1', 'identity'],
    // Malformed members are ignored, the rest still count.
    ['br;q=2, gzip', 'gzip'],
    ['br;q=0.5000, gzip;q=0.1', 'gzip'],
    ['br;q=abc', 'identity'],
    ['br;q=, gzip', 'gzip'],
    ['br;q, gzip', 'gzip'],
    ['br junk, gzip', 'gzip'],
    ['br;level="9;q=0", gzip;q=0.5', 'br'],
    [',, ,br', 'br'],
  ])('%j → %s', (header, expected) => {
    expect(acceptedEncoding(header, true, true)).toBe(expected);
  });

  it('never picks a form the body does not have', () => {
    expect(acceptedEncoding('br', false, true)).toBe('identity');
    expect(acceptedEncoding('br, gzip;q=0.1', false, true)).toBe('gzip');
    expect(acceptedEncoding('*', false, true)).toBe('gzip');
    expect(acceptedEncoding('*', false, false)).toBe('identity');
  });
});

describe('negotiate', () => {
  it('sends small (uncompressed) bodies as they are, and no header means identity', async () => {
    const small = await encodeBody('{"ok":true}', hashBody('{"ok":true}'));
    expect(negotiate('br', small)).toBe('identity');
    const large = 'x'.repeat(5_000);
    const body = await encodeBody(large, hashBody(large));
    expect(negotiate(undefined, body)).toBe('identity');
    expect(negotiate('nobr', body)).toBe('identity');
    expect(negotiate('br', body)).toBe('br');
  });
});

describe('over HTTP', () => {
  it('answers `Accept-Encoding: nobr` uncompressed, and `gzip;q=0, br;q=0.1` with brotli', async () => {
    const t = await buildTestApp();
    try {
      const url = '/api/models?limit=50';
      const nobr = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'nobr' } });
      expect(nobr.statusCode).toBe(200);
      expect(nobr.headers['content-encoding']).toBeUndefined();
      expect(nobr.json().data.length).toBeGreaterThan(0);
      const weighted = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip;q=0, br;q=0.1' } });
      expect(weighted.headers['content-encoding']).toBe('br');
      const refused = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br;q=0, gzip;q=0' } });
      expect(refused.headers['content-encoding']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
