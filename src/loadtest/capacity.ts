/**
 * `gadizone capacity`: closed-loop load (no think time, the loadtest's journeys as the request mix) raised
 * step by step until p99 or the error rate breaks its threshold; the highest sustained rate that met both
 * is turned into daily users under stated, overridable assumptions, and under a fixed pessimistic set.
 * When the command started the server itself, each step also reads the server's CPU per request from
 * /proc (process-cpu.ts): the load generator shares this machine's cores, so the sustained rate
 * understates what the cores carry; cores ÷ CPU per request is what they would carry with the load
 * generator elsewhere, and both rates are projected.
 */
import { availableParallelism } from 'node:os';
import { cpuUsPerRequest, startCpuMeter } from './process-cpu.js';
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

/**
 * The set a sceptic would pick, always printed beside the stated one: long visits (10 pages), 3 requests
 * reaching the site per page, a sharp peak (4× the average), no CDN, every visit a different user.
 */
export const PESSIMISTIC_ASSUMPTIONS: Readonly<TrafficAssumptions> = Object.freeze({ pagesPerVisit: 10, requestsPerPage: 3, peakToAverage: 4, cacheHitShare: 0, visitsPerUser: 1 });

const US_PER_S = 1_000_000;

/** The req/s `cores` cores carry when each request costs `cpuUsPerRequest` µs of server CPU and nothing else runs on them. */
export function cpuBoundRps(cpuUsPerRequest: number, cores: number): number {
  return cpuUsPerRequest > 0 ? (cores * US_PER_S) / cpuUsPerRequest : 0;
}

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
  /** µs of server CPU (app + PostgreSQL) per request; null against a --target, whose processes are not ours to read. */
  cpuUsPerRequest: number | null;
}

/** Daily users under one set of assumptions, at the measured rate and at the CPU-bound one. */
export interface Projection {
  name: 'stated' | 'pessimistic';
  assumptions: TrafficAssumptions;
  atSustained: DailyUsers;
  /** Null when the CPU was not measured. */
  atCpuBound: DailyUsers | null;
}

/** Both assumption sets at the best step's sustained rate and, when measured, at cores ÷ its CPU per request. */
export function projectionsFor(best: CapacityStep, stated: TrafficAssumptions, cores: number): Projection[] {
  const cpuRps = best.cpuUsPerRequest ? cpuBoundRps(best.cpuUsPerRequest, cores) : null;
  return (
    [
      ['stated', stated],
      ['pessimistic', PESSIMISTIC_ASSUMPTIONS],
    ] as const
  ).map(([name, assumptions]) => ({ name, assumptions, atSustained: dailyUsersFor(best.rps, assumptions), atCpuBound: cpuRps === null ? null : dailyUsersFor(cpuRps, assumptions) }));
}

export interface CapacityResult {
  target: string;
  stepDurationS: number;
  steps: CapacityStep[];
  /** The passing step with the most req/s; null when even the first step failed. */
  best: CapacityStep | null;
  assumptions: TrafficAssumptions;
  /** Daily users under the stated assumptions at the sustained rate (also the first projection's). */
  dailyUsers: DailyUsers | null;
  /** This machine's cores, which the CPU-bound rate assumes the server has to itself. */
  cores: number;
  projections: Projection[] | null;
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
    const cpuSince = target.processes ? startCpuMeter(target.processes) : null;
    const { total } = await run(connections, options.stepDurationS, Math.min(5, options.stepDurationS));
    const cpu = cpuSince ? cpuUsPerRequest(cpuSince(), total.requests) : null;
    const errorRate = total.requests === 0 ? 1 : total.errors / total.requests;
    const passed = total.requests > 0 && total.p99Ms <= DEFAULT_THRESHOLDS.p99Ms && errorRate <= DEFAULT_THRESHOLDS.maxErrorRate;
    steps.push({ connections, rps: total.rps, p50Ms: total.p50Ms, p99Ms: total.p99Ms, errorRate, passed, cpuUsPerRequest: cpu });
    const cpuText = cpu === null ? '' : `, ${cpu} µs server CPU/request`;
    options.log(`  → ${total.rps.toFixed(0)} req/s, p99 ${total.p99Ms.toFixed(0)} ms, errors ${(errorRate * 100).toFixed(2)}%${cpuText}: ${passed ? 'within thresholds' : 'threshold broken, stopping'}`);
    if (!passed) break;
  }
  const best = steps.filter((s) => s.passed).reduce<CapacityStep | null>((top, s) => (top === null || s.rps > top.rps ? s : top), null);
  const cores = availableParallelism();
  const projections = best ? projectionsFor(best, options.assumptions, cores) : null;
  return { target: target.description, stepDurationS: options.stepDurationS, steps, best, assumptions: options.assumptions, dailyUsers: projections?.[0]!.atSustained ?? null, cores, projections };
}

const ASSUMPTION_HEADER = ['assumptions', 'pages/visit', 'requests/page', 'peak ÷ average', 'CDN share', 'visits/user'];
const assumptionCells = (p: Projection) => [p.name, ...[p.assumptions.pagesPerVisit, p.assumptions.requestsPerPage, p.assumptions.peakToAverage, p.assumptions.cacheHitShare, p.assumptions.visitsPerUser].map(String)];

/** What the CPU reading says, or why there is none. */
function cpuLines(best: CapacityStep, cores: number): string[] {
  if (best.cpuUsPerRequest === null) return ['server CPU per request: not measured (a --target runs in processes this command cannot read; start the app here to measure it)'];
  const rps = cpuBoundRps(best.cpuUsPerRequest, cores);
  return [
    `server CPU per request at that step: ${best.cpuUsPerRequest} µs (app + PostgreSQL, read from /proc; the load generator's own CPU left out)`,
    `CPU-bound rate: ${cores} cores × ${n(US_PER_S)} µs ÷ ${best.cpuUsPerRequest} µs = ${n(rps)} req/s (what the cores carry with the load generator on another machine)`,
  ];
}

export function formatCapacity(result: CapacityResult): string {
  const cpu = (s: CapacityStep) => (s.cpuUsPerRequest === null ? '–' : String(s.cpuUsPerRequest));
  const rows = result.steps.map((s) => [String(s.connections), s.rps.toFixed(0), s.p50Ms.toFixed(1), s.p99Ms.toFixed(0), `${(s.errorRate * 100).toFixed(2)}%`, cpu(s), s.passed ? 'yes' : 'NO']);
  const a = result.assumptions;
  const lines = [
    `\ncapacity of ${result.target} (${result.stepDurationS} s per step, no think time, thresholds p99 ≤ ${DEFAULT_THRESHOLDS.p99Ms} ms and errors ≤ ${DEFAULT_THRESHOLDS.maxErrorRate * 100}%)`,
    '',
    table(['connections', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU µs/req', 'within'], rows),
    '',
  ];
  if (!result.best || !result.projections) return [...lines, 'no step met the thresholds: no sustained rate to report'].join('\n');
  const best = result.best;
  const cpuBound = best.cpuUsPerRequest === null ? null : cpuBoundRps(best.cpuUsPerRequest, result.cores);
  const usersHeader = [`daily users at ${n(best.rps)} req/s (sustained here)`, ...(cpuBound === null ? [] : [`at ${n(cpuBound)} req/s (CPU-bound)`])];
  const usersRows = result.projections.map((p) => [...assumptionCells(p), n(p.atSustained.dailyUsers), ...(p.atCpuBound ? [n(p.atCpuBound.dailyUsers)] : [])]);
  const [stated, pessimistic] = result.projections;
  return [
    ...lines,
    `sustained: ${best.rps.toFixed(0)} req/s at ${best.connections} connections (p99 ${best.p99Ms.toFixed(0)} ms)`,
    ...cpuLines(best, result.cores),
    '',
    table([...ASSUMPTION_HEADER, ...usersHeader], usersRows),
    '',
    `stated assumptions (override with --pages-per-visit ${a.pagesPerVisit} --requests-per-page ${a.requestsPerPage} --peak-to-average ${a.peakToAverage} --cache-hit-share ${a.cacheHitShare} --visits-per-user ${a.visitsPerUser}), at the sustained rate:`,
    ...stated!.atSustained.working.map((line) => `  ${line}`),
    'pessimistic assumptions (fixed: 10 pages per visit, 3 requests per page, peak 4× the average, no CDN), at the sustained rate:',
    ...pessimistic!.atSustained.working.map((line) => `  ${line}`),
  ].join('\n');
}
