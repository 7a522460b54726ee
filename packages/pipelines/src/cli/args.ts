/**
 * A small argument parser for the subcommands.
 *
 *   --name value | --name=value     values; a value may start with '-' (so --low -3
 *                                    and --low=-3 both work), but not with '--'
 *   --flag | --flag=false | --no-flag   booleans
 *   --list a,b --list c              lists: comma-separated and/or repeated
 *   --window 1x4x4                   dims: positive integers joined by x or commas
 *   -q                               one-letter aliases where declared
 *   --id (old spelling of --id-column)  accepted where declared (OptionSpec.aliases), with a warning
 *   --                               everything after is positional
 *   --help | -h                      help for the command (wins over every error)
 *
 * Unknown options are rejected with the closest valid one suggested; missing
 * required options are named with their help text. Errors are UsageError (exit 2).
 */
import { closestMatch } from '../io/closest-match.js';
import type { OptionCondition, OptionSpec, PositionalSpec } from './command.js';
import { UsageError } from './usage-error.js';

export interface ParseSpec {
  /** The command name, for messages. */
  name: string;
  options: readonly OptionSpec[];
  positionals?: readonly PositionalSpec[];
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DIMS_TEXT = /^\d+([x,]\d+)*$/i;

type Value = string | number | boolean | string[] | number[];

/** The parsed command line with typed getters (asking for an undeclared option is a programming error). */
export class ParsedArgs {
  constructor(
    private readonly specs: ReadonlyMap<string, OptionSpec>,
    private readonly values: ReadonlyMap<string, Value>,
    private readonly given: ReadonlySet<string>,
    /** Positional arguments in order. */
    readonly positionals: readonly string[],
    /** --help or -h was given: print help, ignore everything else. */
    readonly help: boolean,
    /** Old spellings used (OptionSpec.aliases): one line each for stderr. */
    readonly warnings: readonly string[] = [],
  ) {}

  private get(name: string, types: readonly OptionSpec['type'][]): Value | undefined {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`option --${name} is not declared by this command`);
    if (!types.includes(spec.type)) throw new Error(`option --${name} is a ${spec.type}, not ${types.join('/')}`);
    return this.values.get(name);
  }

  /** Whether the user gave the option (defaults do not count). */
  has(name: string): boolean {
    if (!this.specs.has(name)) throw new Error(`option --${name} is not declared by this command`);
    return this.given.has(name);
  }

  /** An option that is required or has a default: its value, or a usage error naming it. */
  private required(name: string, kinds: OptionSpec['type'][]): unknown {
    const v = this.get(name, kinds);
    if (v === undefined) throw new UsageError(`missing option --${name}`);
    return v;
  }

  /** A string/choice option that is required or has a default. */
  string(name: string): string {
    return this.required(name, ['string', 'choice']) as string;
  }

  optionalString(name: string): string | undefined {
    return this.get(name, ['string', 'choice']) as string | undefined;
  }

  number(name: string): number {
    return this.required(name, ['number', 'integer']) as number;
  }

  optionalNumber(name: string): number | undefined {
    return this.get(name, ['number', 'integer']) as number | undefined;
  }

  /** A number option that must be at least `min`: its value, or a usage error naming it and the value. */
  atLeast(name: string, min: number): number {
    return checkAtLeast(name, this.number(name), min);
  }

  /** Like atLeast, for an option without a default: undefined when not given. */
  optionalAtLeast(name: string, min: number): number | undefined {
    const v = this.optionalNumber(name);
    return v === undefined ? undefined : checkAtLeast(name, v, min);
  }

  flag(name: string): boolean {
    return (this.get(name, ['boolean']) as boolean | undefined) ?? false;
  }

  list(name: string): string[] {
    return [...((this.get(name, ['list']) as string[] | undefined) ?? [])];
  }

  dims(name: string): number[] | undefined {
    const v = this.get(name, ['dims']) as number[] | undefined;
    return v ? [...v] : undefined;
  }
}

function checkAtLeast(name: string, value: number, min: number): number {
  if (value < min) throw new UsageError(`--${name} must be ${min === 0 ? '>= 0' : `at least ${min}`}, got ${value}`);
  return value;
}

function describeOption(spec: OptionSpec): string {
  if (spec.type === 'boolean') return `--${spec.name}`;
  return `--${spec.name} <${spec.placeholder ?? (spec.type === 'choice' ? spec.choices!.join('|') : spec.type)}>`;
}

/** An example value of a dims option in its own terms: its default (256x256), its placeholder, else 1x4x4. */
function dimsExample(spec: OptionSpec): string {
  if (Array.isArray(spec.default) && spec.default.length) return spec.default.join('x');
  return spec.placeholder && DIMS_TEXT.test(spec.placeholder) ? spec.placeholder.replaceAll(',', 'x') : '1x4x4';
}

function convert(spec: OptionSpec, raw: string, commandName: string): Value {
  const where = `--${spec.name}`;
  switch (spec.type) {
    case 'string':
      return raw;
    case 'number':
    case 'integer': {
      const t = raw.trim();
      if (!NUMBER_TEXT.test(t)) throw new UsageError(`${where} expects a number, got '${raw}'`);
      const n = Number(t);
      if (spec.type === 'integer' && !Number.isInteger(n)) throw new UsageError(`${where} expects a whole number, got '${raw}'`);
      return n;
    }
    case 'boolean': {
      const t = raw.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(t)) return true;
      if (['false', '0', 'no', 'off'].includes(t)) return false;
      throw new UsageError(`${where} is a flag; write ${where} or ${where}=false, not ${where}=${raw}`);
    }
    case 'list':
      return spec.split === false ? [raw] : raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'dims': {
      const t = raw.trim();
      const dims = DIMS_TEXT.test(t) ? t.split(/[x,]/i).map(Number) : [];
      if (dims.length === 0 || dims.some((d) => d <= 0)) throw new UsageError(`${where} expects positive sizes joined by x, like ${dimsExample(spec)}, got '${raw}'`);
      return dims;
    }
    case 'choice': {
      const choices = spec.choices ?? [];
      if (!choices.includes(raw)) {
        const near = closestMatch(raw, choices);
        throw new UsageError(`${where} must be one of ${choices.join(', ')}; got '${raw}'${near ? ` (did you mean ${near}?)` : ''}`);
      }
      return raw;
    }
  }
  throw new Error(`${commandName}: option --${spec.name} has an unknown type`);
}

function defaultValue(spec: OptionSpec): Value | undefined {
  const d = spec.default;
  if (d === undefined) return undefined;
  return Array.isArray(d) ? ([...d] as string[] | number[]) : (d as Value);
}

/** Options by name, and a lookup that also finds old spellings (e.g. --id for --id-column), warning once for each. */
function optionLookup(options: readonly OptionSpec[]): { byName: Map<string, OptionSpec>; lookup: (name: string) => OptionSpec | undefined; warnings: string[] } {
  const byName = new Map(options.map((o) => [o.name, o]));
  const byAlias = new Map(options.flatMap((o) => (o.aliases ?? []).filter((a) => !byName.has(a)).map((a) => [a, o] as const)));
  const warnings: string[] = [];
  const lookup = (name: string): OptionSpec | undefined => {
    const alias = byAlias.get(name);
    if (alias && !warnings.some((w) => w.startsWith(`--${name} `))) warnings.push(`--${name} is the old spelling of --${alias.name}; it still works, but write --${alias.name} (one vocabulary across commands)`);
    return byName.get(name) ?? alias;
  };
  return { byName, lookup, warnings };
}

/** An unknown option, with the closest known name. */
function unknownOption(token: string, names: readonly string[]): UsageError {
  const name = token.replace(/^-+/, '').split('=')[0]!;
  const near = closestMatch(name, [...names]);
  return new UsageError(`unknown option ${token.split('=')[0]}${near ? ` (did you mean --${near}?)` : ''}`);
}

export function parseArgs(spec: ParseSpec, argv: readonly string[]): ParsedArgs {
  const { byName, lookup, warnings } = optionLookup(spec.options);
  const byShort = new Map(spec.options.filter((o) => o.short).map((o) => [o.short!, o]));
  const end = argv.indexOf('--');
  const optionPart = end < 0 ? argv : argv.slice(0, end);
  if (optionPart.includes('--help') || optionPart.includes('-h')) {
    return new ParsedArgs(byName, new Map(), new Set(), [], true);
  }
  const values = new Map<string, Value>();
  const given = new Set<string>();
  const positionals: string[] = [];
  const unknown = (token: string): UsageError => unknownOption(token, [...byName.keys(), 'help']);
  const set = (opt: OptionSpec, raw: string): void => {
    const v = convert(opt, raw, spec.name);
    if (opt.type === 'list') {
      const prev = (values.get(opt.name) as string[] | undefined) ?? [];
      values.set(opt.name, given.has(opt.name) ? [...prev, ...(v as string[])] : (v as string[]));
    } else {
      if (given.has(opt.name) && opt.type !== 'boolean') {
        throw new UsageError(`--${opt.name} was given twice ('${String(values.get(opt.name))}' and '${raw}'); give it once`);
      }
      values.set(opt.name, v);
    }
    given.add(opt.name);
  };
  /** The token after a value option is its value unless it is clearly another option. */
  const takeValue = (opt: OptionSpec, i: number): string => {
    const next = optionPart[i + 1];
    const isOption = next !== undefined && ((next.startsWith('--') && next.length > 2) || (/^-[a-zA-Z]$/.test(next) && byShort.has(next.slice(1))));
    if (next === undefined || isOption) {
      throw new UsageError(`${describeOption(opt)} needs a value${next === undefined ? '' : `, but the next argument is the option ${next}`}`);
    }
    return next;
  };
  for (let i = 0; i < optionPart.length; i++) {
    const token = optionPart[i]!;
    if (token.startsWith('--') && token.length > 2) {
      const eq = token.indexOf('=');
      const name = token.slice(2, eq < 0 ? undefined : eq);
      let opt = lookup(name);
      if (!opt && eq < 0 && name.startsWith('no-')) {
        const negated = byName.get(name.slice(3));
        if (negated?.type === 'boolean') {
          values.set(negated.name, false);
          given.add(negated.name);
          continue;
        }
      }
      if (!opt) throw unknown(token);
      if (eq >= 0) set(opt, token.slice(eq + 1));
      else if (opt.type === 'boolean') set(opt, 'true');
      else {
        set(opt, takeValue(opt, i));
        i++;
      }
    } else if (token.startsWith('-') && token.length > 1 && !NUMBER_TEXT.test(token)) {
      // '-3' is a (negative number) positional; '-q' is an alias; '-x' or '-model' is a mistake
      const opt = /^-[a-zA-Z]$/.test(token) ? byShort.get(token.slice(1)) : undefined;
      if (!opt) throw unknown(token);
      if (opt.type === 'boolean') set(opt, 'true');
      else {
        set(opt, takeValue(opt, i));
        i++;
      }
    } else {
      positionals.push(token);
    }
  }
  if (end >= 0) positionals.push(...argv.slice(end + 1));

  checkPositionals(spec, positionals, [...byName.keys()]);
  applyDefaults(spec.options, values);
  checkApplicable(spec.options, values, given);
  return new ParsedArgs(byName, values, given, positionals, false, warnings);
}

/** Extra positionals (with a hint) and missing required ones are usage errors. */
function checkPositionals(spec: ParseSpec, positionals: readonly string[], optionNames: string[]): void {
  const declared = spec.positionals ?? [];
  const variadic = declared.some((p) => p.variadic);
  if (positionals.length > declared.length && !variadic) {
    const extra = positionals[declared.length]!;
    const hint = declared.length === 0 ? `'relevance ${spec.name}' takes options only` : `'relevance ${spec.name}' takes ${declared.map((p) => `<${p.name}>`).join(' ')}`;
    const looksLikeOption = extra.startsWith('-') ? '' : ` (options start with --, e.g. --${closestMatch(extra, optionNames) ?? spec.options[0]?.name ?? 'help'})`;
    throw new UsageError(`unexpected argument '${extra}'; ${hint}${looksLikeOption}`);
  }
  const missingPositional = declared.filter((p, k) => p.required && positionals[k] === undefined);
  if (missingPositional.length) {
    throw new UsageError(`missing ${missingPositional.map((p) => `<${p.name}> (${p.help})`).join(', ')}`);
  }
}

/** Defaults for the options not given; a required option still missing is a usage error. */
function applyDefaults(options: readonly OptionSpec[], values: Map<string, Value>): void {
  for (const opt of options) {
    if (!values.has(opt.name)) {
      const d = defaultValue(opt);
      if (d !== undefined) values.set(opt.name, d);
    }
  }
  const missing = options.filter((o) => o.required && !values.has(o.name));
  if (missing.length) {
    const list = missing.map((o) => `${describeOption(o)} (${o.help})`).join('; ');
    throw new UsageError(`missing required option${missing.length > 1 ? 's' : ''}: ${list}`);
  }
}

/** Why a condition does not hold on this command line, or null when it holds. */
function conditionFails(c: OptionCondition, values: ReadonlyMap<string, Value>, given: ReadonlySet<string>): string | null {
  const flags = (names: readonly string[]): string => names.map((n) => `--${n}`).join(' or ');
  if ('option' in c) {
    const v = values.get(c.option);
    if (v !== undefined && c.is.includes(String(v))) return null;
    const now = v === undefined ? `without --${c.option}` : `with --${c.option} ${String(v)}${given.has(c.option) ? '' : ' (the default)'}`;
    return `it is used only with --${c.option} ${c.is.join(' or ')}, not ${now}`;
  }
  if ('anyGiven' in c) {
    return c.anyGiven.some((n) => given.has(n)) ? null : `it is used only with ${flags(c.anyGiven)}`;
  }
  const present = c.noneGiven.filter((n) => given.has(n));
  return present.length === 0 ? null : `it is not used with ${flags(present)}`;
}

/** Options given where they have no effect are usage errors, named with the reason (see OptionSpec.appliesIf). */
export function checkApplicable(options: readonly OptionSpec[], values: ReadonlyMap<string, Value>, given: ReadonlySet<string>): void {
  const problems: string[] = [];
  for (const o of options) {
    if (!o.appliesIf || !given.has(o.name)) continue;
    const why = conditionFails(o.appliesIf, values, given);
    if (why) problems.push(`--${o.name} has no effect here: ${why}`);
  }
  if (problems.length) throw new UsageError(`${problems.join('; ')}; drop ${problems.length === 1 ? 'it' : 'them'} or change the other option`);
}
