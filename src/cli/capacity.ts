/**
 * `gadizone capacity [--target URL] [--step-duration S] [--max-connections N]`: raises closed-loop load
 * step by step until p99 > 1 s or errors > 1%, reports the highest sustained req/s, the server CPU per request
 * (when it started the app) and the daily users they stand for under printed assumptions (each overridable)
 * and a fixed pessimistic set. See docs/CAPACITY.md.
 */
import { DEFAULT_ASSUMPTIONS, FIRST_STEP_CONNECTIONS, formatCapacity, runCapacity } from '../loadtest/capacity.js';
import { decimal, log, saveJson, TARGET_OPTIONS, wholeNumber, withTarget } from '../loadtest/command.js';
import { defineCommand } from './command.js';

const DEFAULT_STEP_S = 15;
const DEFAULT_MAX_CONNECTIONS = 640;
const MAX_CONNECTIONS = 5_000;
const MIN_STEP_S = 3;
const MAX_STEP_S = 600;
const a = DEFAULT_ASSUMPTIONS;

export const capacityCommand = defineCommand({
  name: 'capacity',
  summary: 'raise load until p99 > 1 s or errors > 1%; sustained req/s and the daily users it stands for',
  about:
    `Raises closed-loop load (${FIRST_STEP_CONNECTIONS}, ${FIRST_STEP_CONNECTIONS * 2}, ${FIRST_STEP_CONNECTIONS * 4} … connections, no think time, the loadtest journeys) ` +
    'until p99 > 1 s or errors > 1%, then prints the highest sustained req/s and the daily users it stands for, with the arithmetic, under the stated ' +
    'assumptions (each overridable below) and under a fixed pessimistic set (10 pages per visit, 3 requests per page, peak 4x the average, no CDN). ' +
    'With the app started here it also reads the server CPU per request (app + PostgreSQL, from /proc) and projects the rate the cores carry at that ' +
    'cost. Exits 3 when no step met the thresholds, 2 for a bad command line. See docs/CAPACITY.md.',
  options: {
    'step-duration': { type: 'string', value: 'S', default: String(DEFAULT_STEP_S), description: `seconds per load step, ${MIN_STEP_S} to ${MAX_STEP_S}` },
    'max-connections': { type: 'string', value: 'N', default: String(DEFAULT_MAX_CONNECTIONS), description: `stop doubling connections here, up to ${MAX_CONNECTIONS}` },
    'pages-per-visit': { type: 'string', value: 'X', default: String(a.pagesPerVisit), description: 'assumption: pages a visit views' },
    'requests-per-page': { type: 'string', value: 'X', default: String(a.requestsPerPage), description: 'assumption: requests that reach the site per page view (the page and its API calls)' },
    'peak-to-average': { type: 'string', value: 'X', default: String(a.peakToAverage), description: "assumption: the busiest minute's rate over the day's average" },
    'cache-hit-share': { type: 'string', value: 'X', default: String(a.cacheHitShare), description: 'assumption: share of requests a CDN or browser cache answers, 0 to 0.99' },
    'visits-per-user': { type: 'string', value: 'X', default: String(a.visitsPerUser), description: 'assumption: visits per daily user' },
    ...TARGET_OPTIONS,
  },
  env: ['WORKERS', 'DATA_DIR'],
  examples: ['gadizone capacity --step-duration 30 --json capacity.json'],
  run: async ({ values }) => {
    const assumptions = {
      pagesPerVisit: decimal('pages-per-visit', values['pages-per-visit'], a.pagesPerVisit, 0.1, 1_000),
      requestsPerPage: decimal('requests-per-page', values['requests-per-page'], a.requestsPerPage, 0.1, 1_000),
      peakToAverage: decimal('peak-to-average', values['peak-to-average'], a.peakToAverage, 1, 100),
      cacheHitShare: decimal('cache-hit-share', values['cache-hit-share'], a.cacheHitShare, 0, 0.99),
      visitsPerUser: decimal('visits-per-user', values['visits-per-user'], a.visitsPerUser, 0.1, 1_000),
    };
    const stepDurationS = wholeNumber('step-duration', values['step-duration'], DEFAULT_STEP_S, MIN_STEP_S, MAX_STEP_S);
    const maxConnections = wholeNumber('max-connections', values['max-connections'], DEFAULT_MAX_CONNECTIONS, FIRST_STEP_CONNECTIONS, MAX_CONNECTIONS);
    const seed = wholeNumber('seed', values.seed, 1, 0, 2 ** 32 - 1);
    const result = await withTarget(values, (target) => runCapacity(target, { stepDurationS, maxConnections, seed, forwardedFor: values['forwarded-for'], assumptions, log }));
    console.log(formatCapacity(result));
    await saveJson(values.json, result);
    return result.best ? 0 : 3;
  },
});
