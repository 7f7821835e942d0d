/**
 * A set of row slots as bits (32 slots a word): what the read model's filters combine. An equality filter is
 * a precomputed set, several filters are their intersection (a word at a time), and a total is a population
 * count; on 200,000 variants a set is 6,250 words, so combining two costs microseconds.
 */
export class BitSet {
  words: Uint32Array;

  constructor(capacity: number) {
    this.words = new Uint32Array(Math.ceil(Math.max(capacity, 1) / 32));
  }

  /** Room for slot `capacity - 1` (the words double, so growing is amortised). */
  ensure(capacity: number): void {
    const need = Math.ceil(capacity / 32);
    if (need <= this.words.length) return;
    const grown = new Uint32Array(Math.max(need, this.words.length * 2));
    grown.set(this.words);
    this.words = grown;
  }

  add(slot: number): void {
    this.ensure(slot + 1);
    this.words[slot >>> 5]! |= 1 << (slot & 31);
  }

  delete(slot: number): void {
    const word = slot >>> 5;
    if (word < this.words.length) this.words[word]! &= ~(1 << (slot & 31));
  }

  has(slot: number): boolean {
    const word = slot >>> 5;
    return word < this.words.length && (this.words[word]! & (1 << (slot & 31))) !== 0;
  }

  clone(): BitSet {
    const copy = new BitSet(0);
    copy.words = this.words.slice();
    return copy;
  }

  /** Adds slot `slot` to a set already sized for it (the tight loops that build a set). */
  set(slot: number): void {
    this.words[slot >>> 5]! |= 1 << (slot & 31);
  }

  /** Keeps only the slots also in `other` (slots past its end are not in it). */
  and(other: BitSet): this {
    const a = this.words;
    const b = other.words;
    const shared = Math.min(a.length, b.length);
    for (let i = 0; i < shared; i++) a[i]! &= b[i]!;
    a.fill(0, shared);
    return this;
  }

  /** Adds the slots of `other`. */
  or(other: BitSet): this {
    this.ensure(other.words.length * 32);
    const a = this.words;
    const b = other.words;
    for (let i = 0; i < b.length; i++) a[i]! |= b[i]!;
    return this;
  }

  count(): number {
    let total = 0;
    const a = this.words;
    for (let i = 0; i < a.length; i++) total += popcount(a[i]!);
    return total;
  }

  /** The indexes of the words holding at least one slot: a sparse set's counts read only those. */
  nonZeroWords(): Int32Array {
    const a = this.words;
    const out = new Int32Array(a.length);
    let n = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== 0) out[n++] = i;
    return out.subarray(0, n);
  }

  /** |this ∩ other|, reading only the words at `indexes` (this set's nonZeroWords()). */
  countAndAt(other: BitSet, indexes: Int32Array): number {
    let total = 0;
    const a = this.words;
    const b = other.words;
    for (let k = 0; k < indexes.length; k++) {
      const i = indexes[k]!;
      if (i >= b.length) break;
      const w = a[i]! & b[i]!;
      if (w !== 0) total += popcount(w);
    }
    return total;
  }

  /** The lowest slot in the set, or -1 when it is empty. */
  first(): number {
    const a = this.words;
    for (let i = 0; i < a.length; i++) {
      const w = a[i]!;
      if (w !== 0) return (i << 5) + 31 - Math.clz32(w & -w);
    }
    return -1;
  }

  /** Calls `visit` with each slot in the set, in increasing order. */
  forEach(visit: (slot: number) => void): void {
    const a = this.words;
    for (let i = 0; i < a.length; i++) {
      let w = a[i]!;
      while (w !== 0) {
        const low = w & -w;
        visit((i << 5) + 31 - Math.clz32(low));
        w ^= low;
      }
    }
  }
}

function popcount(word: number): number {
  let w = word - ((word >>> 1) & 0x55555555);
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
