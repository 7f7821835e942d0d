/**
 * LOG_FORMAT: JSON lines when standard output is not a terminal (containers, CI, files), pino-pretty's
 * readable lines on a terminal, and either one forced by LOG_FORMAT=json|pretty. The child runs
 * test/ops/fixtures/log-probe.ts, which logs one line through the app's logger options; `script`
 * (util-linux) gives it a real terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { resolveLogFormat } from '../../src/platform/logger.js';

const PROBE = 'node --import tsx test/ops/fixtures/log-probe.ts';
const hasScript = spawnSync('script', ['--version']).status === 0;

/** What the probe writes to standard output: through a pipe, or through a terminal when `terminal`. */
function probe(env: Record<string, string>, terminal: boolean): Promise<string> {
  const [command, args] = terminal ? ['script', ['-qec', PROBE, '/dev/null']] : ['sh', ['-c', PROBE]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args as string[], { env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`probe exited ${code}: ${out}`))));
  });
}

function expectJson(output: string): void {
  const line = JSON.parse(output.trim()) as Record<string, unknown>;
  expect(line).toMatchObject({ level: 30, msg: 'probe line', probe: 'format', email: '[redacted]' });
}

function expectPretty(output: string): void {
  expect(() => JSON.parse(output.trim())).toThrow();
  // Colours are what a terminal gets; compare the text.
  const plain = output.replace(/\u001b\[\d+m/g, '');
  expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(\d+\): probe line\r?\n {4}probe: "format"\r?\n {4}email: "\[redacted\]"/);
}

describe('LOG_FORMAT', () => {
  it('reads json or pretty, defaults to auto, and refuses anything else naming the variable', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: ' pretty ' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: 'auto' })).toThrow(/LOG_FORMAT="auto": expected one of json, pretty/);
  });

  it('resolves auto by whether standard output is a terminal; json and pretty win either way', () => {
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('logs JSON lines, redacted, when standard output is not a terminal', async () => {
    expectJson(await probe({}, false));
  });

  it('logs readable lines when forced with LOG_FORMAT=pretty, still redacted', async () => {
    expectPretty(await probe({ LOG_FORMAT: 'pretty' }, false));
  });

  it('loses no JSON line when the process exits right after them (lines are written in blocks)', async () => {
    const REQUESTS = 2_000;
    const lines = (await probe({ PROBE_REQUESTS: String(REQUESTS), ACCESS_LOG: 'all' }, false)).split('\n').filter(Boolean);
    const urls = lines.map((line) => (JSON.parse(line) as { url: string }).url);
    expect(urls).toHaveLength(REQUESTS);
    expect(new Set(urls).size).toBe(REQUESTS);
    expect(urls.at(-1)).toBe(`/probe?n=${REQUESTS - 1}`);
  });

  it.skipIf(!hasScript)('logs readable lines on a terminal, and JSON there when LOG_FORMAT=json', async () => {
    expectPretty(await probe({}, true));
    expectJson(await probe({ LOG_FORMAT: 'json' }, true));
  });
});
