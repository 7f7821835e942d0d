/** axe-core in a page: the accessibility rules a browser test checks every page type against. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** Impacts that fail a page (axe's four levels: minor, moderate, serious, critical). */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

let source: Promise<string> | undefined;
const axeSource = () => (source ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));

/**
 * Runs axe on the page (WCAG 2.x A/AA rules and best practices) and returns every violation. The page's
 * CSP forbids inline scripts, so the context must be created with bypassCSP.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: await axeSource() });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return violations;
}

export const isSerious = (v: AxeViolation): boolean => v.impact !== null && FAILING_IMPACTS.has(v.impact);

/** One line per violation and element, readable in a failed assertion. */
export const describeViolations = (violations: AxeViolation[]): string =>
  violations.flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id} (${v.help}) at ${n.target.join(' ')}: ${n.failureSummary ?? ''}`)).join('\n');
