/** `gadizone loadtest`: the seeds' three scenarios, run against a prepared target and judged by the thresholds. */
import { summaryTable, thresholdTable } from './report.js';
import type { PreparedTarget } from './target.js';
import { DEFAULT_THRESHOLDS, evaluateThresholds, exitCodeFor, type ThresholdResult, type Thresholds } from './thresholds.js';
import { runVirtualUsers, type RunResult } from './virtual-users.js';

export const SCENARIOS = Object.freeze({
  normal: { users: 100 },
  peak: { users: 200 },
  stress: { users: 350 },
});
export type ScenarioName = keyof typeof SCENARIOS;

/** A visitor reads for 1-3 s between page views. */
export const THINK_TIME_MS = Object.freeze({ min: 1_000, max: 3_000 });
/** Ramp-up is this share of the run, at most MAX_RAMP_UP_S. */
const RAMP_UP_SHARE = 0.2;
const MAX_RAMP_UP_S = 10;
export const PROGRESS_EVERY_S = 5;

export interface LoadtestOptions {
  scenario: ScenarioName;
  durationS: number;
  seed: number;
  forwardedFor: boolean;
  thresholds?: Thresholds;
  progressEveryS?: number;
  log: (line: string) => void;
}

export interface LoadtestResult extends RunResult {
  scenario: ScenarioName;
  target: string;
  seed: number;
  thinkTimeMs: { min: number; max: number };
  rampUpS: number;
  pages: string[];
  thresholds: ThresholdResult[];
  exitCode: number;
}

export const rampUpFor = (durationS: number): number => Math.min(MAX_RAMP_UP_S, durationS * RAMP_UP_SHARE);

export async function runLoadtest(target: PreparedTarget, options: LoadtestOptions): Promise<LoadtestResult> {
  const { users } = SCENARIOS[options.scenario];
  const rampUpS = rampUpFor(options.durationS);
  options.log(`scenario ${options.scenario}: ${users} virtual users, think time ${THINK_TIME_MS.min / 1_000}-${THINK_TIME_MS.max / 1_000} s, ${options.durationS} s (ramp-up ${rampUpS} s), seed ${options.seed}`);
  const run = await runVirtualUsers({
    target: target.url,
    users,
    durationS: options.durationS,
    rampUpS,
    thinkTimeMs: THINK_TIME_MS,
    seed: options.seed,
    sample: target.sample,
    pages: target.pages,
    judgeContent: true,
    forwardedFor: options.forwardedFor,
    progressEveryS: options.progressEveryS ?? PROGRESS_EVERY_S,
    log: options.log,
  });
  const thresholds = evaluateThresholds(run.total, options.thresholds ?? DEFAULT_THRESHOLDS);
  return { ...run, scenario: options.scenario, target: target.description, seed: options.seed, thinkTimeMs: THINK_TIME_MS, rampUpS, pages: [...target.pages], thresholds, exitCode: exitCodeFor(thresholds) };
}

export function formatLoadtest(result: LoadtestResult): string {
  const verdict = result.exitCode === 0 ? 'all thresholds met' : `threshold failed (exit ${result.exitCode})`;
  return [
    `\nloadtest ${result.scenario}: ${result.users} users against ${result.target}, ${result.elapsedS.toFixed(1)} s`,
    '',
    summaryTable(result.steps, result.total),
    '',
    thresholdTable(result.thresholds),
    '',
    verdict,
  ].join('\n');
}
