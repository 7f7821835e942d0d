/**
 * Accept-Encoding negotiation (RFC 9110 §12.5.3): codings are names, not substrings (`nobr` is not brotli),
 * weights decide, `q=0` refuses, `*` covers the codings not named, identity is acceptable unless refused.
 */
import { describe, expect, it } from 'vitest';
import { acceptedEncoding } from './accept-encoding.js';

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

describe('acceptedEncoding edge cases', () => {
  it.each([
    // Weights are compared to the thousandth, in either order of appearance.
    ['br;q=0.001, gzip;q=0.002', 'gzip'],
    ['gzip;q=0.002, br;q=0.001', 'gzip'],
    ['br;q=0.001', 'br'],
    ['br;q=1.000, gzip;q=0.999', 'br'],
    // A weight above 1, with a non-zero fraction after 1, or more than three decimals is malformed.
    ['br;q=1.001, gzip;q=0.1', 'gzip'],
    ['br;q=0.0001, gzip;q=0.1', 'gzip'],
    ['br;q=.5, gzip;q=0.1', 'gzip'],
    ['br;q=-0.5, gzip;q=0.1', 'gzip'],
    // Named twice: the higher weight counts.
    ['br;q=0, br;q=0.9, gzip;q=0.5', 'br'],
    // Identity not named ranks with the lowest weight given, unknown codings included: it never wins outright.
    ['br;q=0.5, foo;q=0.3', 'br'],
    ['deflate;q=0.3, gzip;q=0.3', 'gzip'],
    // Parameters other than q are skipped, quoted values with commas and escaped quotes included.
    ['br;foo=bar;q=0.2, gzip;q=0.1', 'br'],
    ['br;x="a,b\\"c";q=0.2, gzip;q=0.1', 'br'],
    ['br;Q=0, gzip', 'gzip'],
    // Tabs are whitespace, as spaces are.
    ['\tbr\t;\tq=0\t,\tgzip', 'gzip'],
    ['X-GZIP', 'gzip'],
  ])('%j → %s', (header, expected) => {
    expect(acceptedEncoding(header, true, true)).toBe(expected);
  });

  it('ranks any two weights to the thousandth, and never answers for another header it remembered (twice over 150 headers)', () => {
    const thousandths = (n: number) => `0.${String(n).padStart(3, '0')}`;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < 150; i++) {
        const br = (i * 7) % 1000;
        const gzip = (i * 13 + pass) % 1000;
        const expected = br === 0 && gzip === 0 ? 'identity' : br >= gzip ? 'br' : 'gzip';
        expect(acceptedEncoding(`br;q=${thousandths(br)}, gzip;q=${thousandths(gzip)}`, true, true), `br ${br} gzip ${gzip}`).toBe(expected);
      }
    }
  });

  it('judges the forms a body has separately from the header it remembered', () => {
    const header = 'br;q=0.9, gzip;q=0.5, identity;q=0.1';
    expect(acceptedEncoding(header, true, true)).toBe('br');
    expect(acceptedEncoding(header, false, true)).toBe('gzip');
    expect(acceptedEncoding(header, true, false)).toBe('br');
    expect(acceptedEncoding(header, false, false)).toBe('identity');
  });
});
