/**
 * `relevance study <name> [options]`: one command that dispatches to a study
 * (influence, proteomics, ...). Each study is a Command of its own (name =
 * the study, its own options and defaults); this command declares the union
 * of their options (without defaults, required marks or conditions of use,
 * so main can parse any study's command line), then re-parses the given
 * options against the chosen study's own spec: its defaults apply, its
 * required options and conditions (appliesIf) are checked, and an option of
 * another study is a usage error.
 *
 * To add a study: export a Command from its module and list it in STUDIES.
 */
import { closestMatch } from '../../io/closest-match.js';
import { parseArgs, type ParsedArgs } from '../args.js';
import type { Command, OptionSpec } from '../command.js';
import { GLOBAL_OPTIONS } from '../common-options.js';
import { conditionText, formatCommandHelp } from '../help.js';
import { UsageError } from '../usage-error.js';
import { studyInfluenceCommand } from './study-influence.js';
import { studyProteomicsCommand } from './study-proteomics.js';

/** The studies, in the order help lists them (the proteomics study plugs in here). */
export const STUDIES: readonly Command[] = [studyProteomicsCommand, studyInfluenceCommand];

/** Options of all studies, merged by name; a name declared with two types is a programming error. */
export function unionOptions(studies: readonly Command[]): OptionSpec[] {
  const merged = new Map<string, { spec: OptionSpec; studies: string[] }>();
  for (const study of studies) {
    for (const o of study.options) {
      const prev = merged.get(o.name);
      if (!prev) {
        // the union parses without defaults, so conditions are checked by the study's own parse; help still shows them
        const { default: _d, required: _r, appliesIf, ...rest } = o;
        merged.set(o.name, { spec: { ...rest, ...(appliesIf ? { help: `${rest.help} [${conditionText(appliesIf)}]` } : {}) }, studies: [study.name] });
        continue;
      }
      if (prev.spec.type !== o.type || (prev.spec.split ?? true) !== (o.split ?? true)) {
        throw new Error(`study: option --${o.name} is a ${prev.spec.type} in 'study ${prev.studies[0]}' but a ${o.type} in 'study ${study.name}'; give them one type`);
      }
      if (o.type === 'choice') prev.spec = { ...prev.spec, choices: [...new Set([...(prev.spec.choices ?? []), ...(o.choices ?? [])])] };
      prev.studies.push(study.name);
    }
  }
  return [...merged.values()].map(({ spec, studies: used }) =>
    used.length === studies.length || studies.length === 1 ? spec : { ...spec, help: `${spec.help} [study ${used.join(', ')}]` },
  );
}

/** The given options as command-line tokens again (--name=value), for the chosen study's own parser. */
function givenTokens(args: ParsedArgs, spec: OptionSpec): string[] {
  if (!args.has(spec.name)) return [];
  const flag = `--${spec.name}`;
  switch (spec.type) {
    case 'boolean':
      return [`${flag}=${args.flag(spec.name)}`];
    case 'string':
    case 'choice':
      return [`${flag}=${args.optionalString(spec.name)}`];
    case 'number':
    case 'integer':
      return [`${flag}=${args.optionalNumber(spec.name)}`];
    case 'list':
      return args.list(spec.name).map((v) => `${flag}=${v}`);
    case 'dims':
      return [`${flag}=${args.dims(spec.name)!.join('x')}`];
  }
}

export function makeStudyCommand(studies: readonly Command[]): Command {
  const names = studies.map((s) => s.name);
  const options = unionOptions(studies);
  return {
    name: 'study',
    summary: `run a study into a run folder: ${names.join(', ')}`,
    usage: `study <${names.join('|')}> [options]`,
    description: [
      'Studies (docs/RUN-FOLDERS.md lists what each writes):',
      ...studies.map((s) => `  ${s.name}: ${s.summary}. Usage: relevance ${s.usage}`),
      '',
      `One study's options, each with its default: relevance study <${names.join('|')}> --help. The options below are those of every study; those marked [study ...] apply to that study only.`,
      ...studies.flatMap((s) => (s.description ? ['', `${s.name}: ${s.description}`] : [])),
    ].join('\n'),
    positionals: [{ name: 'study', help: `which study: ${names.join(', ')}`, required: true }],
    options,
    examples: studies.flatMap((s) => s.examples ?? []),
    helpFor(argv) {
      // `study proteomics --help`: that study's own options, with their defaults and conditions
      const study = studies.find((s) => argv.includes(s.name));
      if (!study) return undefined;
      const own = new Set(study.options.map((o) => o.name));
      return formatCommandHelp({ ...study, name: `study ${study.name}` }, [...study.options, ...GLOBAL_OPTIONS.filter((g) => !own.has(g.name))]);
    },
    async run(args, io) {
      const [name, extra] = args.positionals;
      const study = studies.find((s) => s.name === name);
      if (!study) {
        const near = closestMatch(name ?? '', names);
        throw new UsageError(`unknown study '${name}'${near ? ` (did you mean '${near}'?)` : ''}; studies: ${names.join(', ')}`);
      }
      if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'; 'relevance study ${study.name}' takes options only`);
      const own = new Set(study.options.map((o) => o.name));
      for (const o of options) {
        if (!own.has(o.name) && args.has(o.name)) {
          throw new UsageError(`--${o.name} does not apply to 'study ${study.name}'; its options: ${study.options.map((x) => `--${x.name}`).join(', ')}`);
        }
      }
      const globals = GLOBAL_OPTIONS.filter((g) => !own.has(g.name));
      const specs = [...study.options, ...globals];
      // --quiet and --verbose are declared by main (not in the union), so their specs come from common-options
      const tokens = specs.flatMap((o) => givenTokens(args, options.find((u) => u.name === o.name) ?? o));
      const studyArgs = parseArgs({ name: `study ${study.name}`, options: specs }, tokens);
      return study.run(studyArgs, io);
    },
  };
}

export const studyCommand: Command = makeStudyCommand(STUDIES);
