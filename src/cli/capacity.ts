/**
 * `gadizone capacity [--target URL] [--step-duration S] [--max-connections N]`: raises closed-loop load
 * step by step until p99 > 1 s or errors > 1%, reports the highest sustained req/s and the daily users it
 * stands for under printed assumptions (each overridable). See docs/CAPACITY.md.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_ASSUMPTIONS, FIRST_STEP_CONNECTIONS, formatCapacity, runCapacity } from '../loadtest/capacity.js';
import { decimal, log, runCommand, saveJson, TARGET_OPTIONS, wholeNumber, withTarget } from '../loadtest/command.js';

const DEFAULT_STEP_S = 15;
const DEFAULT_MAX_CONNECTIONS = 640;
const MAX_CONNECTIONS = 5_000;
const text = { type: 'string' } as const;
const NUMBER_OPTIONS = {
  'step-duration': text,
  'max-connections': text,
  'pages-per-visit': text,
  'requests-per-page': text,
  'peak-to-average': text,
  'cache-hit-share': text,
  'visits-per-user': text,
} as const;

export function capacityCommand(args: string[]): Promise<number> {
  return runCommand('capacity', async () => {
    const { values } = parseArgs({ args, options: { ...TARGET_OPTIONS, ...NUMBER_OPTIONS }, strict: true });
    const a = DEFAULT_ASSUMPTIONS;
    const assumptions = {
      pagesPerVisit: decimal('pages-per-visit', values['pages-per-visit'], a.pagesPerVisit, 0.1, 1_000),
      requestsPerPage: decimal('requests-per-page', values['requests-per-page'], a.requestsPerPage, 0.1, 1_000),
      peakToAverage: decimal('peak-to-average', values['peak-to-average'], a.peakToAverage, 1, 100),
      cacheHitShare: decimal('cache-hit-share', values['cache-hit-share'], a.cacheHitShare, 0, 0.99),
      visitsPerUser: decimal('visits-per-user', values['visits-per-user'], a.visitsPerUser, 0.1, 1_000),
    };
    const stepDurationS = wholeNumber('step-duration', values['step-duration'], DEFAULT_STEP_S, 3, 600);
    const maxConnections = wholeNumber('max-connections', values['max-connections'], DEFAULT_MAX_CONNECTIONS, FIRST_STEP_CONNECTIONS, MAX_CONNECTIONS);
    const seed = wholeNumber('seed', values.seed, 1, 0, 2 ** 32 - 1);
    const result = await withTarget(values, (target) => runCapacity(target, { stepDurationS, maxConnections, seed, forwardedFor: values['forwarded-for'] ?? false, assumptions, log }));
    console.log(formatCapacity(result));
    await saveJson(values.json, result);
    return result.best ? 0 : 3;
  });
}
