/**
 * How a `gadizone` command is declared: one object holds its options (node's `parseArgs` configuration,
 * each with the line `--help` prints), its arguments, the environment variables it reads and an example.
 * The parser and the help text both come from that object, so they cannot disagree.
 *
 * Command files import at the top only what their declaration needs; the modules that do the work
 * (the app, the database, sharp) are imported when the command runs, so `--help` and the command list
 * load nothing heavy and open nothing.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { EnvName } from './environment.js';

/** node's configuration of one option (`type`, `short`, `default`, `multiple`). */
type ParseArgsOption = NonNullable<ParseArgsConfig['options']>[string];

/** One option: node's parseArgs configuration plus what `--help` says about it. */
export type OptionSpec = ParseArgsOption & {
  /** One line for `--help`. */
  readonly description: string;
  /** The value's placeholder in `--help` (`N`, `URL`); string options only. Default `VALUE`. */
  readonly value?: string;
  /** The default `--help` shows when it is decided at run time (parseArgs' `default` is shown otherwise). */
  readonly defaultText?: string;
  /** The command refuses to run without it. */
  readonly required?: true;
};

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A positional argument; every declared one is required, in order. */
export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  /** The only values accepted (an action such as `create`), shown as `a|b` in the synopsis. */
  readonly choices?: readonly string[];
}

type Parsed<O extends OptionSpecs> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>['values'];
type RequiredKeys<O extends OptionSpecs> = { [K in keyof O]: O[K] extends { required: true } ? K : never }[keyof O];

/** The parsed command line: declared options (required ones never undefined) and the positionals. */
export interface CommandInput<O extends OptionSpecs> {
  values: Parsed<O> & { [K in RequiredKeys<O> & keyof Parsed<O>]-?: NonNullable<Parsed<O>[K]> };
  positionals: string[];
}

/** What a command file declares. */
export interface CommandSpec<O extends OptionSpecs> {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** A paragraph for `--help`: what it does, what it needs, what exit codes mean. */
  readonly about?: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly options: O;
  /** The environment variables that change what this command does. */
  readonly env?: readonly EnvName[];
  readonly examples: readonly string[];
  /** serve and worker: the process keeps running after `run` returns 0. */
  readonly keepsRunning?: boolean;
  run(input: CommandInput<O>): Promise<number>;
}

/** A declared command with its parser attached; what the dispatcher and the help printer use. */
export interface Command extends Omit<CommandSpec<OptionSpecs>, 'run'> {
  /** Parses `args` (throwing UsageError or node's ERR_PARSE_ARGS_* errors) and runs the command. */
  run(args: string[]): Promise<number>;
}

/** A bad command line: the dispatcher prints the message, the synopsis and a pointer to `--help`; exit 2. */
export class UsageError extends Error {}

/** Declares a command; see CommandSpec. `const` keeps each option's `type` literal for typed values. */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): Command {
  return { ...spec, run: (args) => spec.run(parseCommandLine(spec, args)) };
}

function parseCommandLine<O extends OptionSpecs>(spec: CommandSpec<O>, args: string[]): CommandInput<O> {
  const { values, positionals } = parseArgs({ args, options: spec.options, strict: true, allowPositionals: true });
  const declared = spec.positionals ?? [];
  if (positionals.length > declared.length) throw new UsageError(`unexpected argument "${positionals[declared.length]}"`);
  for (const [i, positional] of declared.entries()) {
    const given = positionals[i];
    if (given === undefined) throw new UsageError(`${positional.name} is missing`);
    if (positional.choices && !positional.choices.includes(given)) throw new UsageError(`"${given}" is not one of ${positional.choices.join(', ')}`);
  }
  const parsed: Record<string, unknown> = values;
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.required && parsed[name] === undefined) throw new UsageError(`--${name} is required`);
  }
  return { values: values as CommandInput<O>['values'], positionals };
}

/** True when the command line asks for help (`--help` or `-h` before any `--`). */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}
