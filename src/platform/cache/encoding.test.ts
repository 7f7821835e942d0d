/** Which stored form of a cached body a request gets: small bodies are kept (and sent) uncompressed. */
import { describe, expect, it } from 'vitest';
import { encodeBody, hashBody, negotiate } from './encoding.js';

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
