/**
 * Fuzzing the argument parser (fast-check, fixed seeds): any command line of
 * option names, values and stray tokens either parses (every option then reads
 * back with its declared type) or is a UsageError; through runCli the exit
 * code is 0 or 2 with a message, never a crash. Studies are stubbed so that
 * nothing runs, but their option declarations (types, defaults, appliesIf)
 * are the real ones.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS, makeStudyCommand, parseArgs, runCli, STUDIES, UsageError, type Command, type OptionSpec, type ParsedArgs } from '../../src/index.js';
import { GLOBAL_OPTIONS } from '../../src/cli/common-options.js';

const SEED = 20261207;

const value = fc.oneof(
  fc.constantFrom('0', '1', '-1', '2.5', '1e308', 'abc', '', '1x4x4', '0x2', 'a,b', 'A,A', 'true', 'no', '--', '-q', 'gamma', 'sgd', 'wasm', '0/4', 'x.csv', '99999999999', 'NaN', 'Infinity'),
  fc.string({ maxLength: 6 }),
  fc.integer().map(String),
);

/** Tokens for a command: its options (long, --name=value, --no-name, short), values, stray words. */
function tokens(options: readonly OptionSpec[]): fc.Arbitrary<string[]> {
  const names = options.map((o) => o.name);
  const token = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names).map((n) => `--${n}`) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...names), value).map(([n, v]) => `--${n}=${v}`) },
    { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => `--no-${n}`) },
    { weight: 4, arbitrary: value },
    { weight: 1, arbitrary: fc.constantFrom('-q', '-h', '--help', '--', '--nope', '-x', '---', '-') },
  );
  return fc.array(token, { maxLength: 10 });
}

/** Read every option back with the getter of its type (a typed getter that throws is a parser bug). */
function readAll(args: ParsedArgs, options: readonly OptionSpec[]): void {
  for (const o of options) {
    if (o.type === 'boolean') expect(typeof args.flag(o.name)).toBe('boolean');
    else if (o.type === 'list') expect(Array.isArray(args.list(o.name))).toBe(true);
    else if (o.type === 'dims') {
      const d = args.dims(o.name);
      if (d) expect(d.every((x) => Number.isInteger(x) && x > 0)).toBe(true);
    } else if (o.type === 'number' || o.type === 'integer') {
      const v = args.optionalNumber(o.name);
      if (v !== undefined) expect(Number.isFinite(v) && (o.type === 'number' || Number.isInteger(v))).toBe(true);
    } else {
      const v = args.optionalString(o.name);
      if (v !== undefined && o.type === 'choice') expect(o.choices).toContain(v);
    }
  }
}

const commandsWithOwnStudies = [...COMMANDS.filter((c) => c.name !== 'study'), ...STUDIES];

describe('fuzz: parseArgs', () => {
  for (const command of commandsWithOwnStudies) {
    it(`${command.name}: a parsed command line with typed values, or a UsageError`, () => {
      const options = [...command.options, ...GLOBAL_OPTIONS.filter((g) => !command.options.some((o) => o.name === g.name))];
      const spec = { name: command.name, options, ...(command.positionals ? { positionals: command.positionals } : {}) };
      let parsed = 0;
      let refused = 0;
      fc.assert(
        fc.property(tokens(options), (argv) => {
          let args: ParsedArgs;
          try {
            args = parseArgs(spec, argv);
          } catch (e) {
            expect(e, e instanceof Error ? `${e.name}: ${e.message}` : String(e)).toBeInstanceOf(UsageError);
            refused++;
            return;
          }
          parsed++;
          if (!args.help) readAll(args, options);
        }),
        { seed: SEED, numRuns: 300 },
      );
      expect(refused).toBeGreaterThan(0);
      expect(parsed).toBeGreaterThan(0);
    });
  }
});

/** The real study command over studies whose run only reads their options back. */
const stubStudies: Command[] = STUDIES.map((s) => ({ ...s, run: async (args: ParsedArgs) => readAll(args, s.options) }));
const studyCommand = makeStudyCommand(stubStudies);

describe('fuzz: relevance study through runCli', () => {
  it('exit 0, or exit 2 with a message naming an option or argument; never a crash', async () => {
    const options = studyCommand.options;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('proteomics', 'influence', 'nope'), tokens([...options, ...GLOBAL_OPTIONS]), async (study, argv) => {
        let stderr = '';
        const code = await runCli(['study', study, ...argv], { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t), isTTY: false }, env: {} }, [studyCommand]);
        expect([0, 2], stderr).toContain(code);
        if (code === 2) expect(stderr).toMatch(/relevance study: .{10,}/);
        expect(stderr).not.toMatch(/error: .*(TypeError|RangeError|undefined|is not a function)/);
      }),
      { seed: SEED + 1, numRuns: 300 },
    );
  }, 60_000);
});
