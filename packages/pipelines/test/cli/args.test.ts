/** The argument parser: values, negative numbers, flags, lists, dims, help, suggestions, required options. */
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type OptionSpec } from '../../src/index.js';

const options: OptionSpec[] = [
  { name: 'low', type: 'number', help: 'lower bound' },
  { name: 'high', type: 'number', default: 3, help: 'upper bound' },
  { name: 'steps', type: 'integer', default: 64, help: 'steps' },
  { name: 'window', type: 'dims', help: 'occlusion window' },
  { name: 'targets', type: 'list', help: 'targets' },
  { name: 'columns', type: 'list', split: false, help: 'columns' },
  { name: 'directed', type: 'boolean', help: 'directed network' },
  { name: 'quiet', short: 'q', type: 'boolean', help: 'quiet' },
  { name: 'method', type: 'choice', choices: ['saliency', 'lrp-epsilon', 'integrated-gradients'], default: 'saliency', help: 'method' },
  { name: 'out', type: 'string', help: 'output' },
];
const spec = { name: 'explain', options };

function usageError(argv: string[], s = spec): string {
  try {
    parseArgs(s, argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseArgs', () => {
  it('negative numbers as values: --low=-3 and --low -3', () => {
    expect(parseArgs(spec, ['--low=-3']).number('low')).toBe(-3);
    expect(parseArgs(spec, ['--low', '-3']).number('low')).toBe(-3);
    expect(parseArgs(spec, ['--low', '-0.5e-2', '--high', '+4']).number('low')).toBe(-0.005);
    expect(parseArgs(spec, ['--out', '-']).string('out')).toBe('-');
  });

  it('defaults, has(), integers and choices', () => {
    const a = parseArgs(spec, []);
    expect(a.number('high')).toBe(3);
    expect(a.number('steps')).toBe(64);
    expect(a.string('method')).toBe('saliency');
    expect(a.has('high')).toBe(false);
    expect(a.optionalNumber('low')).toBeUndefined();
    expect(parseArgs(spec, ['--steps=128']).has('steps')).toBe(true);
    expect(usageError(['--steps', '1.5'])).toContain('--steps expects a whole number');
    expect(usageError(['--low', 'abc'])).toContain("--low expects a number, got 'abc'");
    expect(usageError(['--method', 'lrp-epsilom'])).toContain('did you mean lrp-epsilon?');
  });

  it('--window 1x4x4 (and 1,4,4) as dims', () => {
    expect(parseArgs(spec, ['--window', '1x4x4']).dims('window')).toEqual([1, 4, 4]);
    expect(parseArgs(spec, ['--window=1,4,4']).dims('window')).toEqual([1, 4, 4]);
    expect(usageError(['--window', '4x0'])).toContain('like 1x4x4');
  });

  it('boolean flags: --directed, --directed=false, --no-directed, -q', () => {
    expect(parseArgs(spec, ['--directed']).flag('directed')).toBe(true);
    expect(parseArgs(spec, []).flag('directed')).toBe(false);
    expect(parseArgs(spec, ['--directed=false']).flag('directed')).toBe(false);
    expect(parseArgs(spec, ['--no-directed']).flag('directed')).toBe(false);
    expect(parseArgs(spec, ['-q']).flag('quiet')).toBe(true);
    expect(usageError(['--directed=maybe'])).toContain('is a flag');
  });

  it('lists: comma-separated and repeated; unsplit lists keep commas', () => {
    expect(parseArgs(spec, ['--targets', '0,1', '--targets=2']).list('targets')).toEqual(['0', '1', '2']);
    expect(parseArgs(spec, ['--columns', '/^(A|B){1,2}$/', '--columns', 'x,y']).list('columns')).toEqual(['/^(A|B){1,2}$/', 'x,y']);
  });

  it('unknown options are rejected with the closest valid option suggested', () => {
    const msg = usageError(['--lwo', '-3']);
    expect(msg).toContain('unknown option --lwo');
    expect(msg).toContain('did you mean --low?');
    expect(usageError(['--windwo=1x2'])).toContain('did you mean --window?');
    expect(usageError(['-x'])).toContain('unknown option -x');
    expect(usageError(['--completely-different'])).not.toContain('did you mean');
  });

  it('a value option followed by another option, or at the end, needs a value', () => {
    expect(usageError(['--out', '--quiet'])).toContain('--out <string> needs a value, but the next argument is the option --quiet');
    expect(usageError(['--low'])).toContain('--low <number> needs a value');
  });

  it('the same option twice is an error (except lists and flags)', () => {
    expect(usageError(['--out', 'a', '--out', 'b'])).toContain("--out was given twice ('a' and 'b')");
  });

  it('missing required options are named with their help', () => {
    const strict = { name: 'predict', options: [{ name: 'model', type: 'string', required: true, placeholder: 'file', help: 'the model' }, { name: 'out', type: 'string', required: true, help: 'output file' }] satisfies OptionSpec[] };
    const msg = usageError([], strict);
    expect(msg).toContain('missing required options');
    expect(msg).toContain('--model <file> (the model)');
    expect(msg).toContain('--out <string> (output file)');
  });

  it('--help wins over every other problem', () => {
    expect(parseArgs(spec, ['--bogus', '--help']).help).toBe(true);
    expect(parseArgs(spec, ['-h']).help).toBe(true);
    expect(usageError(['--', '--help'])).toContain("unexpected argument '--help'");
  });

  it('positionals: rejected unless declared; -- ends options; negative numbers are positional', () => {
    expect(usageError(['stray'])).toContain("unexpected argument 'stray'");
    const withPositionals = { ...spec, positionals: [{ name: 'study', help: 'which study', required: true }, { name: 'rest', help: 'more', variadic: true }] };
    const a = parseArgs(withPositionals, ['proteomics', '--low', '-1', '-7', '--', '--not-an-option']);
    expect(a.positionals).toEqual(['proteomics', '-7', '--not-an-option']);
    expect(a.number('low')).toBe(-1);
    expect(usageError([], withPositionals)).toContain('missing <study> (which study)');
  });

  it('atLeast and optionalAtLeast: the value, or a usage error naming the option, the bound and the value', () => {
    const a = parseArgs(spec, ['--low', '-2', '--steps', '0']);
    expect(a.atLeast('high', 1)).toBe(3);
    expect(a.atLeast('steps', 0)).toBe(0);
    expect(() => a.atLeast('steps', 1)).toThrow(new UsageError('--steps must be at least 1, got 0'));
    expect(() => a.optionalAtLeast('low', 0)).toThrow(new UsageError('--low must be >= 0, got -2'));
    expect(parseArgs(spec, []).optionalAtLeast('low', 1)).toBeUndefined();
    expect(parseArgs(spec, ['--low', '5']).optionalAtLeast('low', 1)).toBe(5);
  });
});
