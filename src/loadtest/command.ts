/** What `gadizone loadtest` and `gadizone capacity` share on the command line: the target and its options. */
import { writeFile } from 'node:fs/promises';
import { loadConfig } from '../config.js';
import { prepareTarget, TargetRefused, type PreparedTarget } from './target.js';

export const TARGET_OPTIONS = {
  target: { type: 'string' },
  'allow-remote': { type: 'boolean', default: false },
  workers: { type: 'string' },
  seed: { type: 'string', default: '1' },
  'forwarded-for': { type: 'boolean', default: false },
  json: { type: 'string' },
} as const;

export interface TargetValues {
  target?: string;
  'allow-remote'?: boolean;
  workers?: string;
  seed?: string;
  'forwarded-for'?: boolean;
  json?: string;
}

/** A bad option: the command prints the message and exits 2. */
export class UsageError extends Error {}

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
  const target = await prepareTarget({ target: values.target, allowRemote: values['allow-remote'] ?? false, workers, dataDir: loadConfig().dataDir, log });
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

/** Runs a command body, turning a bad option or a refused target into a message and exit code 2. */
export async function runCommand(name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError || error instanceof TargetRefused || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`gadizone ${name}: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}
