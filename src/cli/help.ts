/** The text `gadizone <command> --help` prints, made from the command's declaration (see command.ts). */
import type { Command, OptionSpec } from './command.js';
import { ENVIRONMENT } from './environment.js';

const HELP_OPTION = '-h, --help';
/** Paragraphs wrap here, to read in an 80- to 120-column terminal. */
const WRAP_COLUMNS = 100;

/** `gadizone admin create|set-password --email EMAIL [options]`. */
export function synopsis(command: Command): string {
  const positionals = (command.positionals ?? []).map((p) => p.choices?.join('|') ?? p.name);
  const options = Object.entries(command.options);
  const required = options.filter(([, option]) => option.required).map(([name, option]) => `--${name} ${placeholder(option)}`);
  const optional = options.some(([, option]) => !option.required) ? ['[options]'] : [];
  return ['gadizone', command.name, ...positionals, ...required, ...optional].join(' ');
}

/** The full help: synopsis, about, arguments, options with defaults, environment, examples. */
export function formatHelp(command: Command): string {
  const options = Object.entries(command.options).map(([name, option]) => [optionLabel(name, option), optionText(option)] as const);
  const sections = [
    `usage: ${synopsis(command)}`,
    wrap(command.about ?? command.summary),
    section('arguments', (command.positionals ?? []).map((p) => [p.name, p.description])),
    section('options', [...options, [HELP_OPTION, 'print this help and exit']]),
    section('environment', (command.env ?? []).map((name) => [name, ENVIRONMENT[name]])),
    `example${command.examples.length > 1 ? 's' : ''}:\n${command.examples.map((line) => `  ${line}`).join('\n')}`,
  ];
  return sections.filter((text) => text !== '').join('\n\n');
}

/** The message for a bad command line: what is wrong, the synopsis, and where the rest is. */
export function formatUsageError(command: Command, problem: string): string {
  // node's parseArgs adds advice about '--' to an unknown option, which here only distracts.
  problem = problem.replace(/\. To specify a positional argument.*$/s, '');
  return `gadizone ${command.name}: ${problem}\nusage: ${synopsis(command)}\nrun "gadizone ${command.name} --help" for the options`;
}

function placeholder(option: OptionSpec): string {
  return option.type === 'string' ? (option.value ?? 'VALUE') : '';
}

function optionLabel(name: string, option: OptionSpec): string {
  const long = `--${name} ${placeholder(option)}`.trimEnd();
  return option.short === undefined ? long : `-${option.short}, ${long}`;
}

function optionText(option: OptionSpec): string {
  const shown = option.defaultText ?? (option.type === 'string' && option.default ? String(option.default) : undefined);
  const notes = [option.required ? 'required' : undefined, shown === undefined ? undefined : `default: ${shown}`].filter((note) => note !== undefined);
  return notes.length === 0 ? option.description : `${option.description} (${notes.join('; ')})`;
}

function wrap(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > WRAP_COLUMNS) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line].join('\n');
}

/** A titled two-column list, or '' when there is nothing to list. */
function section(title: string, rows: ReadonlyArray<readonly [string, string]>): string {
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return `${title}:\n${rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n')}`;
}
