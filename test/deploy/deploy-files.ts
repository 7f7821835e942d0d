/** Loading the deployment artifacts under deploy/, and reading PromQL, for the tests beside this file. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { projectPath } from '../../src/lib/paths.js';

export const DEPLOY_DIR = projectPath('deploy');

export function deployPath(...segments: string[]): string {
  return join(DEPLOY_DIR, ...segments);
}

export function readDeploy(...segments: string[]): string {
  return readFileSync(deployPath(...segments), 'utf8');
}

/** One YAML document; `<<` merge keys resolved, as Docker Compose does. Throws on any YAML error. */
export function loadYaml(...segments: string[]): unknown {
  return parse(readDeploy(...segments), { merge: true, prettyErrors: true });
}

/** Every document of a multi-document YAML file; throws on the first error. */
export function loadYamlDocuments(...segments: string[]): unknown[] {
  return parseAllDocuments(readDeploy(...segments)).flatMap((document) => {
    if (!('errors' in document)) return [];
    if (document.errors.length > 0) throw new Error(`${segments.join('/')}: ${document.errors[0]!.message}`);
    return document.contents === null ? [] : [document.toJS()];
  });
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}

export const K8S_DIR = 'kubernetes';

/** Every Kubernetes object in deploy/kubernetes/*.yaml except the kustomization, with its file name. */
export function loadK8sObjects(): Array<{ file: string; object: K8sObject }> {
  return readdirSync(deployPath(K8S_DIR))
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .flatMap((file) => loadYamlDocuments(K8S_DIR, file).map((object) => ({ file, object: object as K8sObject })));
}

/** Whether `command` is on PATH (tools the tests use when present: nginx, promtool, docker-compose). */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Environment variables the app reads (every `read.<kind>('NAME'` in src/config.ts). */
export function configVariables(): Set<string> {
  const source = readFileSync(projectPath('src', 'config.ts'), 'utf8');
  return new Set([...source.matchAll(/read\.\w+\('([A-Z0-9_]+)'/g)].map((match) => match[1]!));
}

/**
 * Settings the deployment sets although src/config.ts does not read them (yet), each with the reason.
 * Anything else unknown is a typo the app would silently ignore.
 */
export const EXPECTED_UNREAD_VARIABLES: Record<string, string> = {
  NODE_ENV: 'for libraries only; the app never branches on it',
};

const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/** Names of the series a PromQL expression selects (functions, keywords, labels and numbers left out). */
export function promqlMetricNames(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const before = bare[match.index - 1] ?? ' ';
    const after = bare.slice(match.index + match[0].length).trimStart();
    if (/[0-9.]/.test(before) || after.startsWith('(') || PROMQL_KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** Label names used in matchers, per metric: `m{a="x", b=~"y"}` → m: [a, b]. */
export function promqlMatcherLabels(expression: string): Array<{ metric: string; labels: string[] }> {
  return [...expression.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\s*\{([^}]*)\}/g)].map((match) => ({
    metric: match[1]!,
    labels: [...match[2]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((label) => label[1]!),
  }));
}

/** Series names → label names seen, from Prometheus text exposition (TYPE lines count as names too). */
export function exposedSeries(text: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) /.exec(line);
    if (type) {
      if (!series.has(type[1]!)) series.set(type[1]!, new Set());
      continue;
    }
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!sample) continue;
    const labels = series.get(sample[1]!) ?? new Set<string>();
    for (const label of (sample[2] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="/g)) labels.add(label[1]!);
    series.set(sample[1]!, labels);
  }
  return series;
}

/** `512Mi`, `1Gi`, `1g`, `64k` → bytes. */
export function parseBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(k|m|g|ki|mi|gi)?b?$/i.exec(quantity.trim());
  if (!match) throw new Error(`not a byte quantity: ${quantity}`);
  const unit = (match[2] ?? '').toLowerCase();
  const factor = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3 }[unit]!;
  return Number(match[1]) * factor;
}
