/** The pass/fail thresholds of a load test (the seeds' targets) and the exit code they give. */
import type { StepSummary } from './stats.js';

/** Exit code when the run completed but a threshold failed (1 is left for "the run itself failed"). */
export const THRESHOLD_FAILED_EXIT = 3;

export interface Thresholds {
  p95Ms: number;
  p99Ms: number;
  /** Largest share of requests that may end in an error. */
  maxErrorRate: number;
  /** Smallest share of checks (status + content) that must pass. */
  minCheckRate: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({ p95Ms: 500, p99Ms: 1_000, maxErrorRate: 0.01, minCheckRate: 0.95 });

export interface ThresholdResult {
  name: string;
  /** The limit as a person reads it, e.g. "< 500 ms". */
  limit: string;
  actual: string;
  passed: boolean;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const share = (value: number) => `${(value * 100).toFixed(2)}%`;

/** Judges the total row; a run with no requests fails every threshold (it measured nothing). */
export function evaluateThresholds(total: StepSummary, thresholds: Thresholds = DEFAULT_THRESHOLDS): ThresholdResult[] {
  const measured = total.requests > 0;
  const errorRate = measured ? total.errors / total.requests : 1;
  const checkRate = measured ? total.checksPassed / total.requests : 0;
  return [
    { name: 'p95', limit: `< ${ms(thresholds.p95Ms)}`, actual: ms(total.p95Ms), passed: measured && total.p95Ms < thresholds.p95Ms },
    { name: 'p99', limit: `< ${ms(thresholds.p99Ms)}`, actual: ms(total.p99Ms), passed: measured && total.p99Ms < thresholds.p99Ms },
    { name: 'errors', limit: `< ${share(thresholds.maxErrorRate)}`, actual: share(errorRate), passed: measured && errorRate < thresholds.maxErrorRate },
    { name: 'checks', limit: `> ${share(thresholds.minCheckRate)}`, actual: share(checkRate), passed: measured && checkRate > thresholds.minCheckRate },
  ];
}

export const exitCodeFor = (results: readonly ThresholdResult[]): number => (results.every((r) => r.passed) ? 0 : THRESHOLD_FAILED_EXIT);
