/** What `gadizone loadtest` and `gadizone capacity` share on the command line: the target and its options. */
import { writeFile } from 'node:fs/promises';
import { type OptionSpecs, UsageError } from '../cli/command.js';
import { loadConfig } from '../config.js';
import { prepareTarget, TargetRefused, type PreparedTarget } from './target.js';

/** The target options `loadtest` and `capacity` share, in the form `defineCommand` declares options. */
export const TARGET_OPTIONS = {
  target: { type: 'string', value: 'URL', description: 'load this running site instead of starting the app on loopback for the run' },
  'allow-remote': { type: 'boolean', default: false, description: 'allow a --target that is not a loopback address (a site you operate, never one you do not)' },
  workers: { type: 'string', value: 'N', description: 'app processes of the app started here (not with --target)', defaultText: 'WORKERS' },
  seed: { type: 'string', value: 'N', default: '1', description: 'seed of the visitor journeys: the same seed replays the same run' },
  'forwarded-for': { type: 'boolean', default: false, description: 'give each virtual user its own X-Forwarded-For address (for a target behind TRUST_PROXY)' },
  json: { type: 'string', value: 'FILE', description: 'also write the full result as JSON to FILE' },
} as const satisfies OptionSpecs;

export interface TargetValues {
  target?: string;
  'allow-remote'?: boolean;
  workers?: string;
  seed?: string;
  'forwarded-for'?: boolean;
  json?: string;
}

const MAX_WORKERS = 256;

export function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`--${name} expects a whole number from ${min} to ${max}, not "${raw}"`);
  return value;
}

export function decimal(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) throw new UsageError(`--${name} expects a number from ${min} to ${max}, not "${raw}"`);
  return value;
}

export const log = (line: string): void => console.error(line);

/** Prepares the target (starting a local app when there is no --target), runs `work`, always releases it. */
export async function withTarget<T>(values: TargetValues, work: (target: PreparedTarget) => Promise<T>): Promise<T> {
  if (values.workers !== undefined && values.target !== undefined) throw new UsageError('--workers applies to the app this command starts; it cannot go with --target');
  const workers = wholeNumber('workers', values.workers, loadConfig().workers, 1, MAX_WORKERS);
  const target = await prepareTarget({ target: values.target, allowRemote: values['allow-remote'] ?? false, workers, dataDir: loadConfig().dataDir, log }).catch((error: unknown) => {
    // A target the operator has not allowed is a bad command line: exit 2 with the synopsis.
    throw error instanceof TargetRefused ? new UsageError(error.message) : error;
  });
  try {
    return await work(target);
  } finally {
    await target.release();
  }
}

export async function saveJson(file: string | undefined, result: unknown): Promise<void> {
  if (file === undefined) return;
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${file}`);
}
