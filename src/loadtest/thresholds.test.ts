import { describe, expect, it } from 'vitest';
import { percentile, StepTally } from './stats.js';
import { evaluateThresholds, exitCodeFor, THRESHOLD_FAILED_EXIT } from './thresholds.js';

/** A tally of `count` requests whose latencies rise evenly from 1 ms, with `errors` errors and `failedChecks` more failed checks. */
function tally(count: number, maxMs: number, errors = 0, failedChecks = 0) {
  const t = new StepTally();
  for (let i = 0; i < count; i += 1) {
    const error = i < errors;
    t.record(1 + ((maxMs - 1) * i) / (count - 1), error, !error && i >= errors + failedChecks);
  }
  return t.summarise(10);
}

describe('percentiles', () => {
  it('use the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([3, 7, 9], 50)).toBe(7);
    expect(percentile([3, 7, 9], 99)).toBe(9);
    expect(percentile([42], 1)).toBe(42);
    expect(percentile([], 95)).toBe(0);
  });

  it('are computed from every sample, unsorted input included', () => {
    const t = new StepTally();
    for (const ms of [900, 5, 300, 1, 20, 7, 2, 3, 4, 6]) t.record(ms, false, true);
    const s = t.summarise(2);
    expect(s).toMatchObject({ requests: 10, rps: 5, p50Ms: 5, p95Ms: 900, maxMs: 900, errors: 0, checksPassed: 10 });
  });
});

describe('thresholds', () => {
  it('pass a fast clean run and exit 0', () => {
    const results = evaluateThresholds(tally(1_000, 400));
    expect(results.map((r) => [r.name, r.passed])).toEqual([['p95', true], ['p99', true], ['errors', true], ['checks', true]]);
    expect(exitCodeFor(results)).toBe(0);
  });

  it('fail on p95 ≥ 500 ms, p99 ≥ 1 s, 1% errors or 5% failed checks, each alone', () => {
    const failing = (summary: ReturnType<typeof tally>) => evaluateThresholds(summary).filter((r) => !r.passed).map((r) => r.name);
    expect(failing(tally(1_000, 600))).toEqual(['p95']); // p95 ≈ 570 ms, p99 ≈ 594 ms
    expect(failing(tally(1_000, 520))).toEqual([]); // p95 ≈ 494 ms
    // p95 stays under 500 ms while the slowest 2% take up to 2 s.
    const slowTail = new StepTally();
    for (let i = 0; i < 1_000; i += 1) slowTail.record(i < 980 ? 100 : 2_000, false, true);
    expect(failing(slowTail.summarise(10))).toEqual(['p99']);
    expect(failing(tally(1_000, 100, 10))).toEqual(['errors']);
    expect(failing(tally(1_000, 100, 9))).toEqual([]);
    expect(failing(tally(1_000, 100, 0, 50))).toEqual(['checks']);
    expect(failing(tally(1_000, 100, 0, 49))).toEqual([]);
    expect(exitCodeFor(evaluateThresholds(tally(1_000, 100, 10)))).toBe(THRESHOLD_FAILED_EXIT);
    expect(THRESHOLD_FAILED_EXIT).not.toBe(0);
  });

  it('fail every threshold when nothing was measured', () => {
    const results = evaluateThresholds(new StepTally().summarise(5));
    expect(results.every((r) => !r.passed)).toBe(true);
    expect(exitCodeFor(results)).toBe(THRESHOLD_FAILED_EXIT);
  });
});
