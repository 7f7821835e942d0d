/** Resolves where a load test sends traffic, and learns what it needs about that site before it starts. */
import { fetchCatalogueSample, type CatalogueSample } from './catalogue-sample.js';
import { probePageRoutes, type PageKind } from './journey.js';
import { isLoopback, startLocalApp } from './local-target.js';
import type { ServerProcesses } from './process-cpu.js';

export interface TargetOptions {
  /** A deployed site; absent, an app is started on loopback for the run. */
  target?: string;
  allowRemote: boolean;
  workers: number;
  dataDir: string;
  log: (line: string) => void;
}

export interface PreparedTarget {
  url: URL;
  /** "embedded PostgreSQL (…)" for an app started here, or the target's URL. */
  description: string;
  sample: CatalogueSample;
  pages: Set<PageKind>;
  /** The processes serving it, for CPU per request; null for a --target (not ours to read). */
  processes: ServerProcesses | null;
  release(): Promise<void>;
}

/** Thrown for a target the operator has not allowed: the CLI prints it and exits 2. */
export class TargetRefused extends Error {}

export function parseTarget(target: string, allowRemote: boolean): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new TargetRefused(`--target "${target}" is not a URL such as http://127.0.0.1:3000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetRefused(`--target "${target}": only http and https`);
  if (!isLoopback(url) && !allowRemote) {
    throw new TargetRefused(`--target ${url.origin} is not a loopback address; pass --allow-remote to load a site you operate (never one you do not)`);
  }
  return url;
}

export async function prepareTarget(options: TargetOptions): Promise<PreparedTarget> {
  const local = options.target === undefined ? await startLocalApp(options) : null;
  const url = local?.url ?? parseTarget(options.target!, options.allowRemote);
  try {
    const sample = await fetchCatalogueSample(url.origin);
    const pages = await probePageRoutes(url.origin, sample);
    options.log(`target ${url.origin}${local ? ` (${local.mode})` : ''}: ${sample.models.length} sample models; HTML pages served: ${pages.size > 0 ? [...pages].join(', ') : 'none (API journeys only)'}`);
    return { url, description: local?.mode ?? url.origin, sample, pages, processes: local?.processes ?? null, release: async () => local?.stop() };
  } catch (error) {
    await local?.stop();
    throw error;
  }
}
