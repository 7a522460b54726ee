/** The text of `relevance --help` and `relevance <command> --help`. */
import type { Command, OptionCondition, OptionSpec } from './command.js';

function optionLabel(o: OptionSpec): string {
  const short = o.short ? `-${o.short}, ` : '';
  if (o.type === 'boolean') return `${short}--${o.name}`;
  const placeholder = o.placeholder ?? (o.type === 'choice' ? (o.choices ?? []).join('|') : o.type === 'dims' ? 'AxBxC' : o.type);
  return `${short}--${o.name} <${placeholder}>`;
}

/** When an option applies, for its help line: "only with --rule gamma". */
export function conditionText(c: OptionCondition): string {
  const flags = (names: readonly string[]): string => names.map((n) => `--${n}`).join(' or ');
  if ('option' in c) return `only with --${c.option} ${c.is.join(' or ')}`;
  if ('anyGiven' in c) return `only with ${flags(c.anyGiven)}`;
  return `not with ${flags(c.noneGiven)}`;
}

function defaultText(o: OptionSpec): string {
  if (o.type === 'boolean') return o.default === true ? ` (default: on; --no-${o.name} turns it off)` : '';
  if (o.default === undefined) return '';
  const d = Array.isArray(o.default) ? o.default.join(o.type === 'dims' ? 'x' : ',') : String(o.default);
  return d === '' ? '' : ` (default: ${d})`;
}

function wrap(text: string, width: number, indent: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width - indent) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join('\n' + ' '.repeat(indent));
}

export function formatCommandList(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4) + 2;
  const lines = [
    `relevance ${version}: explainable-AI analysis of scientific data`,
    '',
    'Usage: relevance <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'relevance <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 error while running, 2 wrong usage. Set RELEVANCE_DEBUG=1 for stack traces.',
  ];
  return lines.join('\n') + '\n';
}

export function formatCommandHelp(command: Command, options: readonly OptionSpec[], lineWidth = 100): string {
  const lines = [`Usage: relevance ${command.usage}`, '', wrap(command.summary, lineWidth, 0)];
  if (command.description) lines.push('', ...command.description.split('\n').map((l) => (l.trim() === '' ? '' : wrap(l, lineWidth, 0))));
  if (command.positionals?.length) {
    lines.push('', 'Arguments:');
    const w = Math.max(...command.positionals.map((p) => p.name.length)) + 4;
    for (const p of command.positionals) lines.push(`  ${`<${p.name}>`.padEnd(w)}${wrap(p.help, lineWidth, w + 2)}`);
  }
  const labels = options.map(optionLabel);
  const w = Math.min(Math.max(...labels.map((l) => l.length), 10) + 2, 40);
  lines.push('', 'Options:');
  options.forEach((o, i) => {
    const req = o.required ? ' (required)' : '';
    const label = labels[i]!;
    const when = `${o.appliesIf ? ` [${conditionText(o.appliesIf)}]` : ''}${o.aliases?.length ? ` (old spelling: ${o.aliases.map((a) => `--${a}`).join(', ')})` : ''}`;
    const text = wrap(`${o.help}${req}${defaultText(o)}${when}`, lineWidth, w + 2);
    lines.push(label.length >= w ? `  ${label}\n${' '.repeat(w + 2)}${text}` : `  ${label.padEnd(w)}${text}`);
  });
  lines.push(`  ${'-h, --help'.padEnd(w)}show this help`);
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}
