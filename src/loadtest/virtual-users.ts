/**
 * Runs virtual users against a target for a bounded time: each user starts during the ramp-up, walks
 * seeded journeys (planVisit) one request at a time over its own keep-alive connection, and waits a
 * seeded think time between page views. With no think time the same loop is a closed-loop load generator
 * (one request in flight per connection), which `gadizone capacity` uses.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CatalogueSample } from './catalogue-sample.js';
import { createClient } from './http-client.js';
import { planVisit, type PageKind, type Step } from './journey.js';
import { createRandom, userSeed } from './random.js';
import { StepTally, type StepSummary } from './stats.js';

export interface RunOptions {
  target: URL;
  users: number;
  /** Whole run, ramp-up included. */
  durationS: number;
  /** Users start evenly spread over this time. */
  rampUpS: number;
  /** Pause between a user's page views, drawn uniformly; null for none (capacity). */
  thinkTimeMs: { min: number; max: number } | null;
  seed: number;
  sample: CatalogueSample;
  pages: ReadonlySet<PageKind>;
  /** Judge each body's content (decompress and parse); off, only the status is checked. */
  judgeContent: boolean;
  /** Send a distinct X-Forwarded-For per user (only for a target that trusts this client as a proxy). */
  forwardedFor: boolean;
  /** Seconds between progress lines; 0 for none. */
  progressEveryS: number;
  log: (line: string) => void;
}

export interface RunResult {
  users: number;
  elapsedS: number;
  steps: Record<string, StepSummary>;
  total: StepSummary;
}

/** A phone number (10 digits, starting 7) no other lead of this run has, and unlikely in another run. */
export function leadPhone(runStartS: number, n: number): string {
  return `7${String((runStartS * 1_000 + n) % 1_000_000_000).padStart(9, '0')}`;
}

/** An address from 198.18.0.0/15, the range reserved for benchmarks, distinct per user. */
const forwardedAddress = (n: number) => `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;

interface RunState {
  options: RunOptions;
  deadline: number;
  tallies: Map<string, StepTally>;
  total: StepTally;
  leads: number;
  runStartS: number;
}

function requestBody(state: RunState, step: Step): { body?: string; headers: Record<string, string> } {
  if (!step.lead) return { headers: {} };
  state.leads += 1;
  const key = `loadtest-${state.runStartS}-${state.leads}`;
  const body = { name: 'Load Test Visitor', phone: leadPhone(state.runStartS, state.leads), city: 'Pune', ...step.lead, message: 'gadizone loadtest' };
  return { body: JSON.stringify(body), headers: { 'idempotency-key': key } };
}

async function virtualUser(state: RunState, n: number): Promise<void> {
  const { options } = state;
  await sleep(Math.min((options.rampUpS * 1_000 * n) / options.users, Math.max(0, state.deadline - Date.now())));
  const journeys = createRandom(userSeed(options.seed, n));
  const pauses = createRandom(userSeed(options.seed, n) ^ 0x5bd1e995);
  const client = createClient(options.target);
  const identity: Record<string, string> = options.forwardedFor ? { 'x-forwarded-for': forwardedAddress(n) } : {};
  try {
    while (Date.now() < state.deadline) {
      for (const view of planVisit(options.sample, journeys, options.pages)) {
        for (const step of view.steps) {
          if (Date.now() >= state.deadline) return;
          const { body, headers } = requestBody(state, step);
          const outcome = await client.send(step, body, { ...identity, ...headers }, options.judgeContent);
          let tally = state.tallies.get(step.kind);
          if (!tally) state.tallies.set(step.kind, (tally = new StepTally()));
          tally.record(outcome.latencyMs, outcome.error, outcome.checkPassed);
          state.total.record(outcome.latencyMs, outcome.error, outcome.checkPassed);
        }
        const think = options.thinkTimeMs;
        if (think) await sleep(Math.min(think.min + pauses.next() * (think.max - think.min), Math.max(0, state.deadline - Date.now())));
      }
    }
  } finally {
    client.close();
  }
}

function progressLine(state: RunState, startedMs: number, lastCount: number, intervalS: number): string {
  const so = state.total.summarise(1);
  const rate = (so.requests - lastCount) / intervalS;
  const errorShare = so.requests === 0 ? 0 : (so.errors / so.requests) * 100;
  const checkShare = so.requests === 0 ? 100 : (so.checksPassed / so.requests) * 100;
  const elapsed = Math.round((Date.now() - startedMs) / 1_000);
  return `  [${String(elapsed).padStart(4)} s] ${String(Math.round(rate)).padStart(6)} req/s  p95 ${so.p95Ms.toFixed(0)} ms  errors ${so.errors} (${errorShare.toFixed(2)}%)  checks ${checkShare.toFixed(1)}%`;
}

/** Runs the users until the deadline, then waits for requests in flight (each bounded by its timeout). */
export async function runVirtualUsers(options: RunOptions): Promise<RunResult> {
  const startedMs = Date.now();
  const state: RunState = { options, deadline: startedMs + options.durationS * 1_000, tallies: new Map(), total: new StepTally(), leads: 0, runStartS: Math.floor(startedMs / 1_000) };
  let lastCount = 0;
  const ticker =
    options.progressEveryS > 0
      ? setInterval(() => {
          options.log(progressLine(state, startedMs, lastCount, options.progressEveryS));
          lastCount = state.total.latencies.length;
        }, options.progressEveryS * 1_000)
      : undefined;
  try {
    await Promise.all(Array.from({ length: options.users }, (_, n) => virtualUser(state, n)));
  } finally {
    clearInterval(ticker);
  }
  const elapsedS = (Date.now() - startedMs) / 1_000;
  const steps = Object.fromEntries([...state.tallies].sort(([a], [b]) => a.localeCompare(b)).map(([kind, tally]) => [kind, tally.summarise(elapsedS)]));
  return { users: options.users, elapsedS, steps, total: state.total.summarise(elapsedS) };
}
