/**
 * `gadizone loadtest --scenario normal|peak|stress [--target URL] [--duration S]`: virtual users walk
 * visitor journeys with think time; exits 3 when a threshold (p95, p99, errors, checks) fails. Without
 * --target it starts the app on loopback for the run. See docs/CAPACITY.md.
 */
import { log, saveJson, TARGET_OPTIONS, wholeNumber, withTarget } from '../loadtest/command.js';
import { formatLoadtest, runLoadtest, SCENARIOS, type ScenarioName } from '../loadtest/scenarios.js';
import { defineCommand, UsageError } from './command.js';

const DEFAULT_DURATION_S = 60;
const MIN_DURATION_S = 5;
const MAX_DURATION_S = 3_600;
const scenarioList = Object.entries(SCENARIOS).map(([name, { users }]) => `${name} (${users} users)`);

export const loadtestCommand = defineCommand({
  name: 'loadtest',
  summary: 'virtual users with think time (--scenario normal|peak|stress [--target URL]); exit 3 when a threshold fails',
  about:
    'Virtual users walk seeded visitor journeys (home, filtered list, model, variant, compare, sometimes search or a lead) with 1-3 s think time; ' +
    'a progress line every 5 s, then a table per step. Exits 0 when every threshold holds, 3 when p95 >= 500 ms, p99 >= 1 s, errors >= 1% or checks <= 95%, ' +
    '2 for a bad command line. See docs/CAPACITY.md.',
  options: {
    scenario: { type: 'string', value: 'NAME', description: `one of ${scenarioList.join(', ')}`, required: true },
    duration: { type: 'string', value: 'S', default: String(DEFAULT_DURATION_S), description: `seconds of load, ${MIN_DURATION_S} to ${MAX_DURATION_S}` },
    ...TARGET_OPTIONS,
  },
  env: ['WORKERS', 'DATA_DIR'],
  examples: ['gadizone loadtest --scenario peak --duration 120 --json peak.json', 'gadizone loadtest --scenario normal --target http://127.0.0.1:3000'],
  run: async ({ values }) => {
    const scenario = values.scenario;
    if (!Object.hasOwn(SCENARIOS, scenario)) throw new UsageError(`--scenario expects one of ${Object.keys(SCENARIOS).join(', ')}`);
    const durationS = wholeNumber('duration', values.duration, DEFAULT_DURATION_S, MIN_DURATION_S, MAX_DURATION_S);
    const seed = wholeNumber('seed', values.seed, 1, 0, 2 ** 32 - 1);
    const result = await withTarget(values, (target) => runLoadtest(target, { scenario: scenario as ScenarioName, durationS, seed, forwardedFor: values['forwarded-for'], log }));
    console.log(formatLoadtest(result));
    await saveJson(values.json, result);
    return result.exitCode;
  },
});
