/**
 * Zipf-distributed choice of a rank: rank k (0-based) is drawn with probability proportional to
 * 1 / (k + 1)^exponent. Web requests over a site's URLs follow this shape (a few pages take much of the
 * traffic, a long tail of pages is each asked for rarely), which is what decides how much a cache absorbs;
 * the benchmark's long-tail scenario draws its URLs with it.
 */

export interface Zipf {
  /** A rank from 0 (the most popular) to size - 1. */
  next(): number;
  /** The share of draws that rank `k` receives. */
  share(k: number): number;
}

/** A table of cumulative weights (8 bytes per rank) and a binary search per draw; `random` gives [0, 1). */
export function createZipf(size: number, exponent: number, random: () => number): Zipf {
  if (!Number.isSafeInteger(size) || size < 1) throw new Error(`a Zipf distribution needs at least one rank, not ${size}`);
  if (!(exponent >= 0)) throw new Error(`a Zipf exponent is 0 or more, not ${exponent}`);
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let k = 0; k < size; k += 1) {
    total += 1 / (k + 1) ** exponent;
    cumulative[k] = total;
  }
  return {
    next: () => {
      const target = random() * total;
      let low = 0;
      let high = size - 1;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (cumulative[middle]! > target) high = middle;
        else low = middle + 1;
      }
      return low;
    },
    share: (k) => 1 / (k + 1) ** exponent / total,
  };
}
