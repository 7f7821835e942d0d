/**
 * `gadizone loadtest --scenario normal|peak|stress [--target URL] [--duration S]`: virtual users walk
 * visitor journeys with think time; exits 3 when a threshold (p95, p99, errors, checks) fails. Without
 * --target it starts the app on loopback for the run. See docs/CAPACITY.md.
 */
import { parseArgs } from 'node:util';
import { log, runCommand, saveJson, TARGET_OPTIONS, UsageError, wholeNumber, withTarget } from '../loadtest/command.js';
import { formatLoadtest, runLoadtest, SCENARIOS, type ScenarioName } from '../loadtest/scenarios.js';

const DEFAULT_DURATION_S = 60;
const MAX_DURATION_S = 3_600;

export function loadtestCommand(args: string[]): Promise<number> {
  return runCommand('loadtest', async () => {
    const { values } = parseArgs({ args, options: { ...TARGET_OPTIONS, scenario: { type: 'string' }, duration: { type: 'string' } }, strict: true });
    const scenario = values.scenario;
    if (scenario === undefined || !Object.hasOwn(SCENARIOS, scenario)) throw new UsageError(`--scenario expects one of ${Object.keys(SCENARIOS).join(', ')}`);
    const durationS = wholeNumber('duration', values.duration, DEFAULT_DURATION_S, 5, MAX_DURATION_S);
    const seed = wholeNumber('seed', values.seed, 1, 0, 2 ** 32 - 1);
    const result = await withTarget(values, (target) => runLoadtest(target, { scenario: scenario as ScenarioName, durationS, seed, forwardedFor: values['forwarded-for'], log }));
    console.log(formatLoadtest(result));
    await saveJson(values.json, result);
    return result.exitCode;
  });
}
