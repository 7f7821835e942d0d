/**
 * Every `gadizone` command answers `--help` (exit 0, usage naming each declared option) without reading
 * the environment or opening anything, and refuses an unknown option (exit 2) pointing at `--help`.
 * Each case runs the CLI as a child process, as an operator would.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { adminCommand } from '../../src/cli/admin.js';
import { backupCommand } from '../../src/cli/backup.js';
import { capacityCommand } from '../../src/cli/capacity.js';
import type { Command } from '../../src/cli/command.js';
import { ENVIRONMENT } from '../../src/cli/environment.js';
import { formatHelp } from '../../src/cli/help.js';
import { loadtestCommand } from '../../src/cli/loadtest.js';
import { mediaCommand } from '../../src/cli/media.js';
import { migrateCommand } from '../../src/cli/migrate.js';
import { restoreCommand } from '../../src/cli/restore.js';
import { seedCommand } from '../../src/cli/seed.js';
import { serveCommand } from '../../src/cli/serve.js';
import { workerCommand } from '../../src/cli/worker.js';
import { runCli } from '../helpers.js';

const COMMANDS: readonly Command[] = [serveCommand, workerCommand, migrateCommand, seedCommand, adminCommand, backupCommand, restoreCommand, mediaCommand, loadtestCommand, capacityCommand];

/** Settings no command could run with: help must not read them, let alone connect anywhere. */
const UNUSABLE_ENV = { PORT: 'not-a-port', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', REDIS_URL: 'redis://127.0.0.1:1' };

describe('gadizone --help', () => {
  it('lists every command, in each spelling, with exit 0 and a bad environment', async () => {
    for (const spelling of [[], ['--help'], ['-h'], ['help']]) {
      const run = await runCli(spelling, UNUSABLE_ENV);
      expect(run.code, spelling.join(' ')).toBe(0);
      const listed = [...run.stdout.matchAll(/^ {2}([a-z]+) {2,}\S/gm)].map((m) => m[1]);
      expect(listed).toEqual(COMMANDS.map((c) => c.name));
    }
  });

  it('refuses an unknown command with exit 2 and the command list', async () => {
    const run = await runCli(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command "frobnicate"[\s\S]*usage: gadizone <command>/);
  });
});

describe.concurrent.for(COMMANDS.map((c) => [c.name, c] as const))('gadizone %s', ([name, command]) => {
  it('answers --help with its usage, every option, its environment and an example, without opening anything', async ({ expect }) => {
    // With PORT unusable, a command that read its environment would exit 78; one that connected would fail.
    const run = await runCli([name, '--help'], UNUSABLE_ENV);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${formatHelp(command)}\n`);
    expect(run.stdout).toMatch(new RegExp(`^usage: gadizone ${name}\\b`));
    for (const option of Object.keys(command.options)) expect(run.stdout).toContain(`--${option}`);
    for (const variable of command.env ?? []) expect(run.stdout).toContain(variable);
    expect(run.stdout).toMatch(new RegExp(`^examples?:\n {2}.*gadizone ${name}\\b`, 'm'));
  });

  it('prints the same help for -h and for gadizone help <command>', async ({ expect }) => {
    const [short, viaHelp] = await Promise.all([runCli([name, '-h']), runCli(['help', name])]);
    expect(short.code).toBe(0);
    expect(viaHelp.code).toBe(0);
    expect(short.stdout).toBe(`${formatHelp(command)}\n`);
    expect(viaHelp.stdout).toBe(short.stdout);
  });

  it('refuses an unknown option with exit 2, naming it and pointing at --help', async ({ expect }) => {
    const run = await runCli([name, '--no-such-option'], { DATABASE_URL: UNUSABLE_ENV.DATABASE_URL });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`gadizone ${name}: Unknown option '--no-such-option'`);
    expect(run.stderr).toContain(`gadizone ${name} --help`);
    expect(run.stdout).toBe('');
  });
});

describe('the environment variables help names', () => {
  it('are each read by config.ts and documented in README.md', async () => {
    const [config, readme] = await Promise.all([readFile('src/config.ts', 'utf8'), readFile('README.md', 'utf8')]);
    for (const name of Object.keys(ENVIRONMENT)) {
      expect(config, name).toContain(`'${name}'`);
      expect(readme, name).toMatch(new RegExp(`^\\| \`${name}\``, 'm'));
    }
  });
});
