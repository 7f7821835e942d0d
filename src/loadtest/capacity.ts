/**
 * `gadizone capacity`: closed-loop load (no think time, the loadtest's journeys as the request mix) raised
 * step by step until p99 or the error rate breaks its threshold; the highest sustained rate that met both
 * is turned into daily users under stated, overridable assumptions.
 */
import { table } from './report.js';
import type { PreparedTarget } from './target.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';
import { runVirtualUsers } from './virtual-users.js';

export interface TrafficAssumptions {
  /** Page views in one visit. */
  pagesPerVisit: number;
  /** Requests that reach the site per page view (the HTML page and the API calls behind it). */
  requestsPerPage: number;
  /** Busiest minute's rate over the day's average rate. */
  peakToAverage: number;
  /** Share of requests a CDN or browser cache answers before they reach the site (0-1). */
  cacheHitShare: number;
  /** Visits one user makes in a day. */
  visitsPerUser: number;
}

export const DEFAULT_ASSUMPTIONS: Readonly<TrafficAssumptions> = Object.freeze({ pagesPerVisit: 6, requestsPerPage: 2, peakToAverage: 3, cacheHitShare: 0.5, visitsPerUser: 1 });

const SECONDS_PER_DAY = 86_400;
export const FIRST_STEP_CONNECTIONS = 10;
const WARM_UP_S = 3;

export interface DailyUsers {
  dailyUsers: number;
  /** The arithmetic, one line each, to print. */
  working: string[];
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');

/** requests/s the site sustains at peak → users per day: rps / peak-to-average × 86,400 / (pages × requests × (1 − hit share)) / visits. */
export function dailyUsersFor(sustainedRps: number, a: TrafficAssumptions): DailyUsers {
  const originPerVisit = a.pagesPerVisit * a.requestsPerPage * (1 - a.cacheHitShare);
  const averageRps = sustainedRps / a.peakToAverage;
  const visitsPerDay = (averageRps * SECONDS_PER_DAY) / originPerVisit;
  const dailyUsers = visitsPerDay / a.visitsPerUser;
  return {
    dailyUsers,
    working: [
      `origin requests per visit = pages per visit × requests per page × (1 − cache hit share) = ${a.pagesPerVisit} × ${a.requestsPerPage} × (1 − ${a.cacheHitShare}) = ${originPerVisit.toFixed(2)}`,
      `average rate at that peak = sustained req/s ÷ peak-to-average = ${sustainedRps.toFixed(0)} ÷ ${a.peakToAverage} = ${averageRps.toFixed(1)} req/s`,
      `visits per day = average rate × ${n(SECONDS_PER_DAY)} s ÷ origin requests per visit = ${averageRps.toFixed(1)} × ${n(SECONDS_PER_DAY)} ÷ ${originPerVisit.toFixed(2)} = ${n(visitsPerDay)}`,
      `daily users = visits per day ÷ visits per user = ${n(visitsPerDay)} ÷ ${a.visitsPerUser} = ${n(dailyUsers)}`,
    ],
  };
}

/** 10, 20, 40 … doubling up to and including maxConnections. */
export function connectionSteps(maxConnections: number): number[] {
  const steps: number[] = [];
  for (let c = FIRST_STEP_CONNECTIONS; c < maxConnections; c *= 2) steps.push(c);
  steps.push(maxConnections);
  return steps;
}

export interface CapacityStep {
  connections: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errorRate: number;
  passed: boolean;
}

export interface CapacityResult {
  target: string;
  stepDurationS: number;
  steps: CapacityStep[];
  /** The passing step with the most req/s; null when even the first step failed. */
  best: CapacityStep | null;
  assumptions: TrafficAssumptions;
  dailyUsers: DailyUsers | null;
}

export interface CapacityOptions {
  stepDurationS: number;
  maxConnections: number;
  seed: number;
  forwardedFor: boolean;
  assumptions: TrafficAssumptions;
  log: (line: string) => void;
}

export async function runCapacity(target: PreparedTarget, options: CapacityOptions): Promise<CapacityResult> {
  const run = (users: number, durationS: number, progressEveryS: number) =>
    runVirtualUsers({ target: target.url, users, durationS, rampUpS: 0, thinkTimeMs: null, seed: options.seed, sample: target.sample, pages: target.pages, judgeContent: false, forwardedFor: options.forwardedFor, progressEveryS, log: options.log });
  options.log(`warming the caches for ${WARM_UP_S} s (not measured)…`);
  await run(FIRST_STEP_CONNECTIONS, WARM_UP_S, 0);
  const steps: CapacityStep[] = [];
  for (const connections of connectionSteps(options.maxConnections)) {
    options.log(`step: ${connections} connections for ${options.stepDurationS} s`);
    const { total } = await run(connections, options.stepDurationS, Math.min(5, options.stepDurationS));
    const errorRate = total.requests === 0 ? 1 : total.errors / total.requests;
    const passed = total.requests > 0 && total.p99Ms <= DEFAULT_THRESHOLDS.p99Ms && errorRate <= DEFAULT_THRESHOLDS.maxErrorRate;
    steps.push({ connections, rps: total.rps, p50Ms: total.p50Ms, p99Ms: total.p99Ms, errorRate, passed });
    options.log(`  → ${total.rps.toFixed(0)} req/s, p99 ${total.p99Ms.toFixed(0)} ms, errors ${(errorRate * 100).toFixed(2)}%: ${passed ? 'within thresholds' : 'threshold broken, stopping'}`);
    if (!passed) break;
  }
  const best = steps.filter((s) => s.passed).reduce<CapacityStep | null>((top, s) => (top === null || s.rps > top.rps ? s : top), null);
  return { target: target.description, stepDurationS: options.stepDurationS, steps, best, assumptions: options.assumptions, dailyUsers: best ? dailyUsersFor(best.rps, options.assumptions) : null };
}

export function formatCapacity(result: CapacityResult): string {
  const rows = result.steps.map((s) => [String(s.connections), s.rps.toFixed(0), s.p50Ms.toFixed(1), s.p99Ms.toFixed(0), `${(s.errorRate * 100).toFixed(2)}%`, s.passed ? 'yes' : 'NO']);
  const a = result.assumptions;
  const lines = [
    `\ncapacity of ${result.target} (${result.stepDurationS} s per step, no think time, thresholds p99 ≤ ${DEFAULT_THRESHOLDS.p99Ms} ms and errors ≤ ${DEFAULT_THRESHOLDS.maxErrorRate * 100}%)`,
    '',
    table(['connections', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'within'], rows),
    '',
  ];
  if (!result.best || !result.dailyUsers) return [...lines, 'no step met the thresholds: no sustained rate to report'].join('\n');
  return [
    ...lines,
    `sustained: ${result.best.rps.toFixed(0)} req/s at ${result.best.connections} connections (p99 ${result.best.p99Ms.toFixed(0)} ms)`,
    '',
    `assumptions (override with --pages-per-visit ${a.pagesPerVisit} --requests-per-page ${a.requestsPerPage} --peak-to-average ${a.peakToAverage} --cache-hit-share ${a.cacheHitShare} --visits-per-user ${a.visitsPerUser}):`,
    ...result.dailyUsers.working.map((line) => `  ${line}`),
  ].join('\n');
}
