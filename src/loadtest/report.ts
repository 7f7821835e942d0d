/** Plain-text tables for the terminal (and markdown, since they are pipe tables). */
import type { StepSummary } from './stats.js';
import type { ThresholdResult } from './thresholds.js';

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const ms = (value: number) => value.toFixed(value < 10 ? 1 : 0);
const share = (part: number, whole: number) => (whole === 0 ? '–' : `${((part / whole) * 100).toFixed(1)}%`);

/** One row per step kind and a total row: requests, req/s, p50/p95/p99 in ms, errors, checks passed. */
export function summaryTable(steps: Record<string, StepSummary>, total: StepSummary): string {
  const row = (name: string, s: StepSummary) => [
    name,
    String(s.requests),
    s.rps.toFixed(1),
    ms(s.p50Ms),
    ms(s.p95Ms),
    ms(s.p99Ms),
    `${s.errors} (${share(s.errors, s.requests)})`,
    share(s.checksPassed, s.requests),
  ];
  const header = ['step', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'checks'];
  return table(header, [...Object.entries(steps).map(([kind, s]) => row(kind, s)), row('total', total)]);
}

export function thresholdTable(results: readonly ThresholdResult[]): string {
  return table(['threshold', 'limit', 'measured', 'result'], results.map((r) => [r.name, r.limit, r.actual, r.passed ? 'pass' : 'FAIL']));
}
