/**
 * The batched public tier against one shared store standing for Redis or the cluster primary: exact in one
 * process, within the documented bound (a tenth of the budget per other process) across several, pushed on
 * time and at close, and still limiting per process when the store cannot be reached. Over HTTP and real
 * Redis: test/security/rate-limit.test.ts.
 */
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { batchPointsFor, createBatchedLimiter, type BatchedLimiter, type Verdict } from './batched-limiter.js';

const settle = async (verdict: Verdict | Promise<Verdict>) => (await verdict).allowed;
const noError = (error: unknown) => {
  throw error;
};

/** A shared store whose answers take 0-3 ms, as a round trip to Redis or the primary does. */
function slowStore(points: number, durationS = 60): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration: durationS });
  const delay = () => new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 4)));
  return new Proxy(memory, {
    get(target, name, receiver) {
      if (name !== 'consume') return Reflect.get(target, name, receiver) as unknown;
      return async (key: string, n: number) => {
        await delay();
        try {
          return await target.consume(key, n);
        } finally {
          await delay();
        }
      };
    },
  });
}

describe('batchPointsFor', () => {
  it('is a tenth of the budget, and 0 (every request asks the store) below ten or without batching', () => {
    expect(batchPointsFor({ points: 60, durationS: 60 }, 100)).toBe(6);
    expect(batchPointsFor({ points: 9, durationS: 60 }, 100)).toBe(0);
    expect(batchPointsFor({ points: 60, durationS: 60 }, 0)).toBe(0);
  });
});

describe('one process', () => {
  it('admits exactly the budget, mostly without waiting, then refuses with the time left', async () => {
    const rule = { points: 60, durationS: 60 };
    const limiter = createBatchedLimiter(slowStore(60), rule, { syncMs: 50, onError: noError });
    let immediate = 0;
    const allowed: boolean[] = [];
    for (let n = 0; n < 80; n += 1) {
      const verdict = limiter.consume('198.51.100.1');
      if (!(verdict instanceof Promise)) immediate += 1;
      allowed.push(await settle(verdict));
    }
    expect(allowed.filter(Boolean)).toHaveLength(60);
    expect(allowed.slice(0, 60).every(Boolean)).toBe(true);
    expect(immediate).toBeGreaterThan(60);
    const refused = await limiter.consume('198.51.100.1');
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.msBeforeNext).toBeGreaterThan(50_000);
    expect(refused.msBeforeNext).toBeLessThanOrEqual(60_000);
    await limiter.close();
  });
});

describe('several processes sharing one store', () => {
  async function run(processes: number, points: number, requests: number): Promise<number> {
    const store = slowStore(points);
    const rule = { points, durationS: 60 };
    const limiters: BatchedLimiter[] = Array.from({ length: processes }, () => createBatchedLimiter(store, rule, { syncMs: 5, onError: noError }));
    // Requests arrive at random processes, in bursts of concurrent ones, with random pauses between bursts.
    let admitted = 0;
    for (let sent = 0; sent < requests; ) {
      const burst = Math.min(requests - sent, 1 + Math.floor(Math.random() * 8));
      const verdicts = Array.from({ length: burst }, () => limiters[Math.floor(Math.random() * processes)]!.consume('client'));
      admitted += (await Promise.all(verdicts.map(settle))).filter(Boolean).length;
      sent += burst;
      if (Math.random() < 0.3) await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 8)));
    }
    await Promise.all(limiters.map((limiter) => limiter.close()));
    return admitted;
  }

  it('never admits more than the budget plus a tenth of it per other process, nor less than the budget', async () => {
    for (const [processes, points] of [
      [2, 60],
      [3, 60],
      [4, 100],
      [2, 25],
    ] as const) {
      for (let round = 0; round < 5; round += 1) {
        const admitted = await run(processes, points, points * 3);
        expect(admitted, `${processes} processes, budget ${points}`).toBeGreaterThanOrEqual(points);
        expect(admitted, `${processes} processes, budget ${points}`).toBeLessThanOrEqual(points + (processes - 1) * batchPointsFor({ points, durationS: 60 }, 5));
      }
    }
  }, 60_000);

  it('is exact when batching is off', async () => {
    const store = slowStore(25);
    const rule = { points: 25, durationS: 60 };
    const [a, b] = [createBatchedLimiter(store, rule, { syncMs: 0, onError: noError }), createBatchedLimiter(store, rule, { syncMs: 0, onError: noError })];
    const verdicts = await Promise.all(Array.from({ length: 40 }, (_, n) => settle((n % 2 === 0 ? a : b).consume('client'))));
    expect(verdicts.filter(Boolean)).toHaveLength(25);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('reporting', () => {
  it('pushes what it admitted every syncMs and at close, so another process sees it', async () => {
    const store = new RateLimiterMemory({ points: 100, duration: 60 });
    const rule = { points: 100, durationS: 60 };
    const a = createBatchedLimiter(store, rule, { syncMs: 20, onError: noError });
    for (let n = 0; n < 5; n += 1) expect(await settle(a.consume('client'))).toBe(true);
    await expect.poll(async () => (await store.get('client'))?.consumedPoints, { timeout: 2_000 }).toBe(5);
    const b = createBatchedLimiter(store, rule, { syncMs: 60_000, onError: noError });
    for (let n = 0; n < 3; n += 1) expect(await settle(b.consume('client'))).toBe(true);
    expect((await store.get('client'))?.consumedPoints).toBe(5);
    await b.close();
    expect((await store.get('client'))?.consumedPoints).toBe(8);
    await a.close();
  });

  it('forgets a key once its window has ended and nothing is pending, and counts it afresh', async () => {
    const store = new RateLimiterMemory({ points: 10, duration: 1 });
    const limiter = createBatchedLimiter(store, { points: 10, durationS: 1 }, { syncMs: 20, onError: noError });
    for (let n = 0; n < 10; n += 1) expect(await settle(limiter.consume('client'))).toBe(true);
    expect(await settle(limiter.consume('client'))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await limiter.flush();
    expect(limiter.size).toBe(0);
    expect(await settle(limiter.consume('client'))).toBe(true);
    await limiter.close();
  });
});

describe('a flood of distinct clients', () => {
  it('holds at most 50,000 keys once reported, and never forgets one at its limit', async () => {
    const store = new RateLimiterMemory({ points: 60, duration: 60 });
    const limiter = createBatchedLimiter(store, { points: 60, durationS: 60 }, { syncMs: 60_000, onError: noError });
    for (let n = 0; n < 60; n += 1) await limiter.consume('flooder');
    expect(await settle(limiter.consume('flooder'))).toBe(false);
    for (let n = 0; n < 60_000; n += 1) await limiter.consume(`10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`);
    await limiter.flush();
    expect(limiter.size).toBeLessThanOrEqual(50_000);
    // Refused without asking the store: it is still known to be at its limit.
    const verdict = limiter.consume('flooder');
    expect(verdict instanceof Promise).toBe(false);
    expect(await settle(verdict)).toBe(false);
    await limiter.close();
  });
});

describe('an unreachable store', () => {
  it('keeps the limit in this process and reports the failure', async () => {
    const failures: unknown[] = [];
    const broken = { consume: () => Promise.reject(new Error('primary gone')), reward: () => Promise.reject(new Error('primary gone')) } as unknown as RateLimiterAbstract;
    const limiter = createBatchedLimiter(broken, { points: 20, durationS: 60 }, { syncMs: 10_000, onError: (error) => failures.push(error) });
    const allowed: boolean[] = [];
    for (let n = 0; n < 30; n += 1) allowed.push(await settle(limiter.consume('client')));
    expect(allowed.filter(Boolean)).toHaveLength(20);
    expect(failures.length).toBeGreaterThan(0);
    await limiter.close();
  });
});
