/**
 * The `relevance` entry point: pick the subcommand, parse its options, run it,
 * and turn failures into exit codes (0 ok, 1 runtime error, 2 usage error) with
 * the message on stderr; stack traces only with RELEVANCE_DEBUG=1.
 * Runs by itself when executed directly (node dist/src/cli/main.js ...);
 * bin/relevance.js imports it and calls runCli.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closestMatch } from '../io/closest-match.js';
import { describeSystemError } from '../io/system-error.js';
import { registeredReportWriter, type ReportWriter } from '../report-hook.js';
import { createProgress } from '../progress/progress.js';
import { parseArgs } from './args.js';
import type { Command, CommandIO } from './command.js';
import { COMMANDS } from './command-list.js';
import { GLOBAL_OPTIONS } from './common-options.js';
import { formatCommandHelp, formatCommandList } from './help.js';
import { refuseOutputAmongInputs } from './output-not-input.js';
import { UsageError } from './usage-error.js';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

/** Streams and environment; tests pass their own. */
export interface CliEnvironment {
  stdout: CommandIO['stdout'];
  stderr: CommandIO['stderr'];
  env: CommandIO['env'];
  /** The report app's writer, from the composition root (bin/relevance.js); default: the one set with setReportWriter, if any. */
  reportWriter?: ReportWriter;
}

/** The package version, from the nearest package.json above this file (src/ and dist/src/ alike). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@relevance/pipelines') return pkg.version ?? 'unknown';
    } catch {
      // not here; look one folder up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

function optionsOf(command: Command): Command['options'] {
  return [...command.options, ...GLOBAL_OPTIONS.filter((g) => !command.options.some((o) => o.name === g.name))];
}

function reportError(e: unknown, prefix: string, env: CliEnvironment): number {
  const debug = env.env.RELEVANCE_DEBUG === '1';
  // a progress bar may be half drawn on the terminal line: clear it so the message starts clean
  if (env.stderr.isTTY) env.stderr.write('\r\x1b[2K');
  if (e instanceof UsageError) {
    env.stderr.write(`${prefix}: ${e.message}\n`);
    if (debug && e.stack) env.stderr.write(`${e.stack}\n`);
    return EXIT_USAGE;
  }
  const message = describeSystemError(e) ?? (e instanceof Error ? e.message : String(e));
  env.stderr.write(`${prefix}: error: ${message}\n`);
  if (debug && e instanceof Error && e.stack) env.stderr.write(`${e.stack}\n`);
  return EXIT_ERROR;
}

/** --verbose reaches createBackend('auto') as RELEVANCE_VERBOSE=1 for the length of the command. */
async function withVerbose<T>(verbose: boolean, run: () => Promise<T>): Promise<T> {
  if (!verbose) return run();
  const before = process.env.RELEVANCE_VERBOSE;
  process.env.RELEVANCE_VERBOSE = '1';
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.RELEVANCE_VERBOSE;
    else process.env.RELEVANCE_VERBOSE = before;
  }
}

/** Run the CLI with `argv` (without 'node' and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[], environment?: Partial<CliEnvironment>, commands: readonly Command[] = COMMANDS): Promise<number> {
  const env: CliEnvironment = {
    stdout: environment?.stdout ?? process.stdout,
    stderr: environment?.stderr ?? process.stderr,
    env: environment?.env ?? process.env,
  };
  const [first, ...rest] = argv;
  if (first === undefined) {
    env.stderr.write(formatCommandList(commands, packageVersion()));
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    env.stdout.write(formatCommandList(commands, packageVersion()));
    return EXIT_OK;
  }
  if (first === '--version' || first === '-V') {
    env.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  const helpFor = first === 'help' ? rest[0] : undefined;
  const name = helpFor ?? first;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    if (first === 'help' && helpFor === undefined) {
      env.stdout.write(formatCommandList(commands, packageVersion()));
      return EXIT_OK;
    }
    const near = closestMatch(name, commands.map((c) => c.name));
    const what = name.startsWith('-') ? `expected a command before options, got '${name}'` : `unknown command '${name}'`;
    env.stderr.write(`relevance: ${what}${near ? ` (did you mean '${near}'?)` : ''}; commands: ${commands.map((c) => c.name).join(', ')}. Run 'relevance --help'.\n`);
    return EXIT_USAGE;
  }
  const options = optionsOf(command);
  if (helpFor !== undefined) {
    env.stdout.write(command.helpFor?.(rest.slice(1)) ?? formatCommandHelp(command, options));
    return EXIT_OK;
  }
  const prefix = `relevance ${command.name}`;
  try {
    const args = parseArgs({ name: command.name, options, ...(command.positionals ? { positionals: command.positionals } : {}) }, rest);
    if (args.help) {
      env.stdout.write(command.helpFor?.(rest) ?? formatCommandHelp(command, options));
      return EXIT_OK;
    }
    for (const w of args.warnings) env.stderr.write(`${prefix}: warning: ${w}\n`);
    refuseOutputAmongInputs(command, args, options);
    const progress = createProgress({ stream: env.stderr, quiet: args.flag('quiet') });
    const writeReport = environment?.reportWriter ?? registeredReportWriter();
    const code = await withVerbose(args.flag('verbose'), () => command.run(args, { stdout: env.stdout, stderr: env.stderr, env: env.env, progress, ...(writeReport ? { writeReport } : {}) }));
    return code ?? EXIT_OK;
  } catch (e) {
    const code = reportError(e, prefix, env);
    if (code === EXIT_USAGE) env.stderr.write(`Run '${prefix} --help' for usage.\n`);
    return code;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await runCli(process.argv.slice(2));
}
