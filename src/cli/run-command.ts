/** Runs a declared command and turns what it throws into the message and exit code an operator expects. */
import { ConfigError } from '../config.js';
import { UsageError, type Command } from './command.js';
import { formatUsageError } from './help.js';

/** sysexits: EX_USAGE for a bad command line, EX_CONFIG for a bad environment. */
export const EXIT_USAGE = 2;
export const EXIT_CONFIG = 78;

/** node's parseArgs refusing the command line (an unknown option, a missing value). */
const isParseArgsError = (error: unknown): error is Error => error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');

/**
 * Runs `command` with `args`: its exit code, or null when it started something that keeps running (serve,
 * worker). A bad command line prints what is wrong, the synopsis and a pointer to `--help` (exit 2).
 */
export async function runCommand(command: Command, args: string[]): Promise<number | null> {
  try {
    const code = await command.run(args);
    return code === 0 && command.keepsRunning ? null : code;
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      console.error(formatUsageError(command, error.message));
      return EXIT_USAGE;
    }
    if (error instanceof ConfigError) {
      console.error(`gadizone: ${error.message}`);
      return EXIT_CONFIG;
    }
    console.error(`gadizone ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
