/**
 * scripts/check-import-cycles.js (run by `npm run lint`, so by `npm test`): it must see a cycle through any
 * static import or re-export, type-only ones included, resolve the `.js` specifiers the sources use, and
 * leave dynamic import() alone. Each case is a small tree of its own; the last is src/ itself.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = 'scripts/check-import-cycles.js';
/** Loading the TypeScript compiler takes seconds on a busy machine; the check itself is fast. */
const RUN_TIMEOUT_MS = 60_000;
const roots: string[] = [];

/** Writes `files` (path → source) into a fresh directory and runs the check on it. */
function check(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'gz-cycles-'));
  roots.push(root);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return run(root);
}

function run(root: string) {
  const result = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('the import-cycle check', { timeout: RUN_TIMEOUT_MS + 5_000 }, () => {
  it('passes a tree without cycles (.js specifiers naming .ts and .tsx files)', () => {
    const result = check({ 'a.ts': "import { b } from './feature/b.js';\nexport const a = b;\n", 'feature/b.tsx': "import { c } from '../c.js';\nexport const b = c;\n", 'c.ts': 'export const c = 1;\n' });
    expect(result.output).toContain('none among 3 modules');
    expect(result.status).toBe(0);
  });

  it('fails on a cycle across folders and names its files in order', () => {
    const result = check({
      'media/service.ts': "import { job } from '../jobs/media.js';\nexport const service = job;\n",
      'jobs/media.ts': "import type {} from '../media/plugin.js';\nexport const job = 1;\n",
      'media/plugin.tsx': "import { service } from './service.js';\nexport const plugin = service;\n",
    });
    expect(result.output).toMatch(/import cycle \(3 modules\): \S*jobs\/media\.ts → \S*media\/plugin\.tsx → \S*media\/service\.ts → \S*jobs\/media\.ts/);
    expect(result.status).toBe(1);
  });

  it('counts type-only imports and re-exports', () => {
    const result = check({ 'a.ts': "export * from './b.js';\nexport type A = 1;\n", 'b.ts': "import type { A } from './a.js';\nexport type B = A;\n" });
    expect(result.output).toContain('import cycle (2 modules)');
    expect(result.status).toBe(1);
  });

  it('fails on a module importing itself', () => {
    const result = check({ 'a.ts': "import * as self from './a.js';\nexport const a = 1;\nexport const again = self;\n" });
    expect(result.output).toContain('import cycle (1 modules)');
    expect(result.status).toBe(1);
  });

  it('leaves dynamic import() alone (the CLI loads its commands lazily)', () => {
    const result = check({ 'index.ts': "export const run = async () => (await import('./command.js')).command;\n", 'command.ts': "import { run } from './index.js';\nexport const command = run;\n" });
    expect(result.status).toBe(0);
  });

  it('finds no cycle in src/', () => {
    const result = run('src');
    expect(result.output).toContain('import cycles: none');
    expect(result.status).toBe(0);
  });
});
