/** A small seeded random source, so a run's journeys can be replayed exactly (Math.random cannot be seeded). */

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** A whole number from min to max, both included. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** Like pick, but the first items are likelier (visitors favour the top of a popularity-sorted list). */
  pickPopular<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** mulberry32: 32 bits of state, fast, good enough for choosing pages (not for anything secret). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const index = (length: number, roll: number): number => {
    if (length === 0) throw new Error('cannot pick from an empty list');
    return Math.min(length - 1, Math.floor(roll * length));
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[index(items.length, next())]!,
    pickPopular: (items) => items[index(items.length, next() ** 2)]!,
    chance: (probability) => next() < probability,
  };
}

/** A seed for virtual user `n` of a run seeded `seed`: distinct users, same users on every replay. */
export const userSeed = (seed: number, n: number): number => (Math.imul(seed, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0;
