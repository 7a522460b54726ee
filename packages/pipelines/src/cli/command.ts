/**
 * The shape of a subcommand. Each command is one module exporting a Command;
 * `command-list.ts` lists them all, which is what `relevance --help` prints and
 * what `main` dispatches on.
 */
import type { Progress, ProgressStream } from '../progress/progress.js';
import type { ParsedArgs } from './args.js';

export type OptionType =
  /** any text */
  | 'string'
  /** a finite number; negative values work: --low -3 or --low=-3 */
  | 'number'
  /** a whole number */
  | 'integer'
  /** a flag: --quiet (also --quiet=false, --no-quiet) */
  | 'boolean'
  /** comma-separated and/or repeated: --targets 0,1 --targets 2 */
  | 'list'
  /** positive integers joined by x or commas: --window 1x4x4 */
  | 'dims'
  /** one of `choices` */
  | 'choice';

export interface OptionSpec {
  /** Long name without dashes: 'batch-size'. */
  name: string;
  type: OptionType;
  help: string;
  default?: string | number | boolean | readonly string[] | readonly number[];
  required?: boolean;
  /** For 'choice'. */
  choices?: readonly string[];
  /** Shown in usage: --model <file>. */
  placeholder?: string;
  /** One-letter alias: 'q' for -q. */
  short?: string;
  /** Old spellings still accepted, with a warning naming this option ('id' for --id-column). */
  aliases?: readonly string[];
  /** For 'list': split values on commas (default true). */
  split?: boolean;
  /**
   * When the option matters. Giving it where it does not is a usage error
   * (never silently ignored); the parser checks this after defaults are applied.
   */
  appliesIf?: OptionCondition;
}

/** A condition on the other options of the same command line. */
export type OptionCondition =
  /** another option has one of these values (after defaults): --gamma only with --rule gamma */
  | { option: string; is: readonly string[] }
  /** at least one of these options is given: --features only with --data or --sql */
  | { anyGiven: readonly string[] }
  /** none of these options is given: --synthetic-proteins only without --data and --sql */
  | { noneGiven: readonly string[] };

export interface PositionalSpec {
  name: string;
  help: string;
  required?: boolean;
  /** Takes all remaining positionals. */
  variadic?: boolean;
  /** Names an input file or folder (so --out may not be it: cli/output-not-input.ts). */
  path?: boolean;
}

/** What a command may touch besides its arguments (injectable for tests). */
import type { ReportWriter } from '../report-hook.js';

export interface CommandIO {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Progress on stderr, silent with --quiet. */
  progress: Progress;
  /** The report app's writer, when the composition root supplied one. */
  writeReport?: ReportWriter;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage line(s) after 'relevance ', e.g. 'predict --model <file> --input <file> --out <file>'. */
  usage: string;
  /** Longer help text shown under the usage (optional). */
  description?: string;
  options: readonly OptionSpec[];
  /** Positional arguments; without this list, positionals are rejected. */
  positionals?: readonly PositionalSpec[];
  /** Examples shown in --help. */
  examples?: readonly string[];
  /** Help for a sub-command named among the arguments (`study proteomics --help`), or undefined for the command's own. */
  helpFor?(argv: readonly string[]): string | undefined;
  /** Resolves to the exit code (default 0). */
  run(args: ParsedArgs, io: CommandIO): Promise<number | void>;
}
