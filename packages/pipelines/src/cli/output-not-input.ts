/**
 * A command must never write over what it reads: `merge a b --out a`,
 * `explain --input x.json --out x.json`, `study --data run/x.csv --out run --force`.
 * Before any command runs, main compares the real path of --out (symlinks and
 * `..` resolved) with the real path of every string option, every path
 * positional and every quoted file in --sql that exists, and refuses an input
 * that is --out or lies inside it.
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { ParsedArgs } from './args.js';
import type { Command, OptionSpec } from './command.js';
import { UsageError } from './usage-error.js';

/** The real path `path` has or would have once created (its nearest existing folder resolved). */
export function realPathOf(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(realPathOf(parent), basename(absolute));
}

/** Quoted strings of a SQL query ('data.csv', 'it''s'): the files it may read. */
function sqlLiterals(sql: string): string[] {
  return [...sql.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'"));
}

/** Every (label, path) the command reads, as given. */
function inputsOf(command: Command, args: ParsedArgs, options: readonly OptionSpec[]): Array<[string, string]> {
  const inputs: Array<[string, string]> = [];
  for (const o of options) {
    if (o.name === 'out' || o.type !== 'string' || !args.has(o.name)) continue;
    const value = args.optionalString(o.name)!;
    if (o.name === 'sql') for (const file of sqlLiterals(value)) inputs.push(['a file in the --sql query', file]);
    else inputs.push([`--${o.name}`, value]);
  }
  const specs = command.positionals ?? [];
  args.positionals.forEach((value, i) => {
    const spec = specs[Math.min(i, specs.length - 1)];
    if (spec?.path) inputs.push([`the input ${spec.name === 'runs' ? 'run folder' : spec.name}`, value]);
  });
  return inputs;
}

/** Refuse (usage error) when --out is one of the command's inputs or holds one. */
export function refuseOutputAmongInputs(command: Command, args: ParsedArgs, options: readonly OptionSpec[]): void {
  if (!options.some((o) => o.name === 'out') || !args.has('out')) return;
  const out = args.optionalString('out')!;
  const outReal = realPathOf(out);
  for (const [label, path] of inputsOf(command, args, options)) {
    if (path === '' || !existsSync(path)) continue;
    const inputReal = realpathSync(path);
    if (inputReal === outReal) {
      throw new UsageError(`--out ${out} is also ${label} (${path}): the command would overwrite what it reads; write to another path`);
    }
    if (inputReal.startsWith(outReal + sep)) {
      throw new UsageError(`--out ${out} holds ${label} (${path}): replacing the folder would delete what the command reads; write to another folder, or move the input out of it`);
    }
  }
}
