/**
 * The key a per-client budget is counted under: an IPv4 address, or an IPv6 /64 written one way whatever
 * spelling the socket reports. The budgets themselves are tested over HTTP in
 * test/security/public-post-limits.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { clientKey } from './client-key.js';

describe('clientKey', () => {
  it('is the IPv4 address, the IPv4 of a mapped address, and the /64 of an IPv6 address in one spelling', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:7:1::a')).toBe('2001:db8:7:1::/64');
    expect(clientKey('2001:0DB8:0007:0001:ffff:1:2:3')).toBe('2001:db8:7:1::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });

  it('gives every spelling of one address the same key', () => {
    const spellings = [
      '2001:db8:0:1:0:0:0:5',
      '2001:db8:0:1::5',
      '2001:DB8:0:1::5',
      '2001:0db8:0000:0001:0000:0000:0000:0005',
      '2001:db8::1:0:0:0:5',
      '2001:db8:0:1::0.0.0.5',
      '2001:db8:0:1::5%eth0',
    ];
    expect(new Set(spellings.map(clientKey))).toEqual(new Set(['2001:db8:0:1::/64']));
    expect(clientKey('::FFFF:198.51.100.1')).toBe(clientKey('198.51.100.1'));
    // Only the mapped prefix itself makes an IPv4 client: an IPv6 address merely ending that way stays IPv6.
    expect(clientKey('64:ff9b::ffff:192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });

  it('shares one key across a /64 and never across two', () => {
    expect(clientKey('2001:db8:0:1:ffff:ffff:ffff:ffff')).toBe(clientKey('2001:db8:0:1::'));
    expect(clientKey('2001:db8:0:2::1')).not.toBe(clientKey('2001:db8:0:1::1'));
    expect(clientKey('2001:db9:0:1::1')).not.toBe(clientKey('2001:db8:0:1::1'));
    // IPv4 is not aggregated: neighbours are separate clients.
    expect(clientKey('203.0.113.8')).not.toBe(clientKey('203.0.113.7'));
  });

  it('expands `::` wherever it stands, the all-zero address included', () => {
    expect(clientKey('::')).toBe('0:0:0:0::/64');
    expect(clientKey('1:2:3:4::')).toBe('1:2:3:4::/64');
    expect(clientKey('1:2:3::4:5:6:7')).toBe('1:2:3:0::/64');
    expect(clientKey('1::8')).toBe('1:0:0:0::/64');
  });

  it('keeps a value that is not an IP address as it is (a Unix socket, a test client)', () => {
    expect(clientKey('')).toBe('');
    expect(clientKey('unix-socket')).toBe('unix-socket');
    expect(clientKey('2001:db8::g')).toBe('2001:db8::g');
  });
});
