import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';
import { createZipf } from './zipf.js';

describe('Zipf-distributed ranks', () => {
  it('gives rank k a share proportional to 1 / (k + 1)^s', () => {
    const zipf = createZipf(4, 1, Math.random);
    // Weights 1, 1/2, 1/3, 1/4: total 25/12.
    expect(zipf.share(0)).toBeCloseTo(12 / 25, 12);
    expect(zipf.share(3)).toBeCloseTo(3 / 25, 12);
  });

  it('draws each rank about as often as its share (seeded, so the counts are fixed)', () => {
    const random = createRandom(7);
    const zipf = createZipf(1_000, 0.9, random.next);
    const counts = new Array<number>(1_000).fill(0);
    const draws = 200_000;
    for (let i = 0; i < draws; i += 1) counts[zipf.next()]! += 1;
    for (const k of [0, 1, 9, 99]) expect(counts[k]! / draws).toBeCloseTo(zipf.share(k), 2);
  });

  it('maps the ends of [0, 1) to the first and last rank', () => {
    expect(createZipf(50, 1, () => 0).next()).toBe(0);
    expect(createZipf(50, 1, () => 0.999_999_999).next()).toBe(49);
    expect(createZipf(1, 1, () => 0.5).next()).toBe(0);
  });

  it('refuses an empty range or a negative exponent', () => {
    expect(() => createZipf(0, 1, Math.random)).toThrow(/at least one rank/);
    expect(() => createZipf(10, -1, Math.random)).toThrow(/exponent/);
  });
});
