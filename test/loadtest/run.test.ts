import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capacityCommand } from '../../src/cli/capacity.js';
import { loadtestCommand } from '../../src/cli/loadtest.js';
import { runCommand } from '../../src/cli/run-command.js';
import { fetchCatalogueSample } from '../../src/loadtest/catalogue-sample.js';
import { probePageRoutes } from '../../src/loadtest/journey.js';
import { isLoopback } from '../../src/loadtest/local-target.js';
import { evaluateThresholds, exitCodeFor } from '../../src/loadtest/thresholds.js';
import { runVirtualUsers } from '../../src/loadtest/virtual-users.js';
import { buildTestApp, runCli, type TestApp } from '../helpers.js';

let testApp: TestApp;
let base: string;
let dir: string;

beforeAll(async () => {
  testApp = await buildTestApp();
  base = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  dir = await mkdtemp(join(tmpdir(), 'gz-loadtest-'));
});
afterAll(async () => {
  await testApp?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a short real run', () => {
  it('5 users for 4 s walk their journeys with every check passing', async () => {
    const sample = await fetchCatalogueSample(base);
    const pages = await probePageRoutes(base, sample);
    const lines: string[] = [];
    const result = await runVirtualUsers({
      target: new URL(base),
      users: 5,
      durationS: 4,
      rampUpS: 0.5,
      thinkTimeMs: { min: 50, max: 150 },
      seed: 1,
      sample,
      pages,
      judgeContent: true,
      forwardedFor: false,
      progressEveryS: 1,
      log: (line) => lines.push(line),
    });
    expect(result.elapsedS).toBeGreaterThanOrEqual(4);
    expect(result.elapsedS).toBeLessThan(15);
    expect(result.total.requests).toBeGreaterThan(20);
    expect(result.total.errors).toBe(0);
    expect(result.total.checksPassed).toBe(result.total.requests);
    for (const kind of ['home', 'filtered-list', 'model', 'variant']) expect(result.steps[kind]?.requests).toBeGreaterThan(0);
    const perKind = Object.values(result.steps).reduce((sum, s) => sum + s.requests, 0);
    expect(perKind).toBe(result.total.requests);
    expect(result.total.p50Ms).toBeGreaterThan(0);
    expect(result.total.p50Ms).toBeLessThanOrEqual(result.total.p95Ms);
    expect(result.total.p95Ms).toBeLessThanOrEqual(result.total.p99Ms);
    expect(result.total.p99Ms).toBeLessThanOrEqual(result.total.maxMs);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toMatch(/req\/s {2}p95 \d+ ms {2}errors 0 \(0\.00%\) {2}checks 100\.0%/);
    expect(exitCodeFor(evaluateThresholds(result.total))).toBe(0);
  });

  it('the CLI runs a scenario against --target, prints the tables, saves JSON and exits by the thresholds', async () => {
    const file = join(dir, 'normal.json');
    const run = await runCli(['loadtest', '--scenario', 'normal', '--target', base, '--duration', '5', '--json', file]);
    expect(run.stderr).toContain('scenario normal: 100 virtual users');
    expect(run.stdout).toMatch(/\| total +\| +\d+ \|/);
    expect(run.stdout).toMatch(/\| p95 +\| +< 500 ms \| +\d+ ms \| +(pass|FAIL) \|/);
    type Saved = { scenario: string; users: number; exitCode: number; total: { requests: number; errors: number; checksPassed: number }; thresholds: { name: string; passed: boolean }[] };
    const saved = JSON.parse(await readFile(file, 'utf8')) as Saved;
    expect(saved).toMatchObject({ scenario: 'normal', users: 100 });
    expect(saved.total.requests).toBeGreaterThan(50);
    expect(saved.total.errors).toBe(0);
    expect(saved.total.checksPassed).toBe(saved.total.requests);
    // Latency on this shared machine is not ours to promise; the exit code must follow whatever was measured.
    const allPassed = saved.thresholds.every((t) => t.passed);
    expect(saved.thresholds.filter((t) => !t.passed).map((t) => t.name)).not.toContain('checks');
    expect(run.code, run.stdout + run.stderr).toBe(allPassed ? 0 : 3);
    expect(saved.exitCode).toBe(run.code);
    expect(run.stdout).toContain(allPassed ? 'all thresholds met' : 'threshold failed (exit 3)');
  });
});

describe('targets and options', () => {
  it('knows loopback addresses', () => {
    for (const url of ['http://127.0.0.1:3000', 'http://localhost', 'http://[::1]:80', 'http://127.8.9.10']) expect(isLoopback(new URL(url))).toBe(true);
    for (const url of ['http://10.0.0.1', 'https://gadizone.example', 'http://128.0.0.1', 'http://127.0.0.1.example.com']) expect(isLoopback(new URL(url))).toBe(false);
  });

  it('refuses a remote target without --allow-remote, and bad options, with exit 2 before sending anything', async () => {
    // 192.0.2.0/24 is reserved for documentation: nothing would answer, and nothing is sent to it.
    expect(await runCommand(loadtestCommand, ['--scenario', 'normal', '--target', 'http://192.0.2.1'])).toBe(2);
    expect(await runCommand(capacityCommand, ['--target', 'https://gadizone.example'])).toBe(2);
    expect(await runCommand(loadtestCommand, ['--scenario', 'huge'])).toBe(2);
    expect(await runCommand(loadtestCommand, ['--scenario', 'peak', '--duration', '0'])).toBe(2);
    expect(await runCommand(loadtestCommand, ['--scenario', 'peak', '--target', base, '--workers', '2'])).toBe(2);
    expect(await runCommand(capacityCommand, ['--cache-hit-share', '1.5'])).toBe(2);
    expect(await runCommand(capacityCommand, ['--bogus'])).toBe(2);
  });
});
