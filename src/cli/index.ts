#!/usr/bin/env node
/**
 * The gadizone command line: one file per command, each a declaration (command.ts) this file dispatches
 * to. `gadizone --help`, `gadizone help <command>` and `gadizone <command> --help` print usage and exit 0
 * before the environment is read or anything is opened.
 */
import { ConfigError, loadConfig } from '../config.js';
import { adminCommand } from './admin.js';
import { backupCommand } from './backup.js';
import { capacityCommand } from './capacity.js';
import { asksForHelp, type Command } from './command.js';
import { formatHelp } from './help.js';
import { loadtestCommand } from './loadtest.js';
import { mediaCommand } from './media.js';
import { migrateCommand } from './migrate.js';
import { restoreCommand } from './restore.js';
import { EXIT_CONFIG, EXIT_USAGE, runCommand } from './run-command.js';
import { seedCommand } from './seed.js';
import { serveCommand } from './serve.js';
import { workerCommand } from './worker.js';

const COMMANDS: readonly Command[] = [serveCommand, workerCommand, migrateCommand, seedCommand, adminCommand, backupCommand, restoreCommand, mediaCommand, loadtestCommand, capacityCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return [
    'usage: gadizone <command> [options]',
    `commands:\n${lines.join('\n')}`,
    'Run "gadizone <command> --help" (or "gadizone help <command>") for its options and environment.\nConfiguration comes from environment variables: see README.md.',
  ].join('\n\n');
}

const find = (name: string): Command | undefined => COMMANDS.find((c) => c.name === name);

/** Help asked for in any of its spellings: the text to print, or null when the command line asks for none. */
function helpFor(argv: readonly string[]): { text: string; code: number } | null {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && args.length === 0)) return { text: usage(), code: 0 };
  const subject = name === 'help' ? args[0]! : name;
  if (name !== 'help' && !asksForHelp(args)) return null;
  const command = find(subject);
  return command ? { text: formatHelp(command), code: 0 } : { text: `gadizone: unknown command "${subject}"\n\n${usage()}`, code: EXIT_USAGE };
}

async function main(argv: string[]): Promise<number | null> {
  const help = helpFor(argv);
  if (help) {
    (help.code === 0 ? console.log : console.error)(help.text);
    return help.code;
  }
  const [name = '', ...args] = argv;
  const command = find(name);
  if (!command) {
    console.error(`gadizone: unknown command "${name}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  // Validate the environment before any command does work.
  try {
    loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`gadizone: ${error.message}`);
    return EXIT_CONFIG;
  }
  return runCommand(command, args);
}

const code = await main(process.argv.slice(2));
if (code !== null) process.exit(code);
