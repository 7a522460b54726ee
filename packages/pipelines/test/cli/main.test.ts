/** The dispatcher: help texts, exit codes, error reporting. */
import { describe, expect, it } from 'vitest';
import { COMMANDS, DataError, runCli, UsageError, type Command } from '../../src/index.js';
import { runCaptured } from './helpers/run-cli.js';

/** Runs argv; it must exit 2 (a usage error) with each of `parts` on stderr. */
async function expectUsageError(argv: string[], parts: string[]): Promise<void> {
  const r = await runCaptured(argv);
  expect(r.code).toBe(2);
  for (const part of parts) expect(r.stderr).toContain(part);
}

describe('relevance --help', () => {
  it('lists every registered subcommand with its summary, exit 0', async () => {
    const r = await runCaptured(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) {
      expect(r.stdout).toContain(c.name);
      expect(r.stdout).toContain(c.summary);
    }
    expect(r.stdout).toContain('Usage: relevance <command> [options]');
    expect(r.stdout).toContain('predict');
  });

  it('no arguments prints the command list on stderr, exit 2', async () => {
    const r = await runCaptured([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Commands:');
  });

  it('--version prints the package version', async () => {
    const r = await runCaptured(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('relevance <command> --help', () => {
  it('lists the options with types, defaults and required marks', async () => {
    for (const argv of [['predict', '--help'], ['predict', '-h'], ['help', 'predict'], ['predict', '--model', 'x', '--bogus', '--help']]) {
      const r = await runCaptured(argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: relevance predict');
      expect(r.stdout).toContain('--model <file>');
      expect(r.stdout).toContain('(required)');
      expect(r.stdout).toContain('--backend <auto|reference|wasm|webgpu>');
      expect(r.stdout).toContain('(default: auto)');
      expect(r.stdout).toContain('--batch-size <integer>');
      expect(r.stdout).toContain('-q, --quiet');
    }
  });
});

describe('exit codes and messages', () => {
  it('unknown command: suggestion, exit 2', async () => {
    await expectUsageError(['predcit'], ["unknown command 'predcit' (did you mean 'predict'?)"]);
  });

  it('unknown option: suggestion and a pointer to --help, exit 2', async () => {
    await expectUsageError(['predict', '--modle', 'm.json'], ['unknown option --modle', 'did you mean --model?', "Run 'relevance predict --help' for usage."]);
  });

  it('missing required options are named, exit 2', async () => {
    await expectUsageError(['predict', '--input', 'x.json'], ['missing required options', '--model <file>', '--out <file>']);
  });

  const failing: Command = {
    name: 'fail',
    summary: 'always fails',
    usage: 'fail [--kind data|bug|usage]',
    options: [{ name: 'kind', type: 'choice', choices: ['data', 'bug', 'usage'], default: 'data', help: 'what to throw' }],
    async run(args) {
      const kind = args.string('kind');
      if (kind === 'data') throw new DataError('table.csv: column x, row 3: fix it');
      if (kind === 'usage') throw new UsageError('--kind cannot be usage');
      throw new TypeError('undefined is not a function');
    },
  };

  it('runtime errors: message on stderr, exit 1, no stack unless RELEVANCE_DEBUG=1', async () => {
    const io = () => {
      const out = { stdout: '', stderr: '' };
      return { out, env: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) } } };
    };
    const a = io();
    expect(await runCli(['fail'], { ...a.env, env: {} }, [failing])).toBe(1);
    expect(a.out.stderr).toBe('relevance fail: error: table.csv: column x, row 3: fix it\n');
    const b = io();
    expect(await runCli(['fail', '--kind', 'bug'], { ...b.env, env: {} }, [failing])).toBe(1);
    expect(b.out.stderr).not.toContain('    at ');
    const c = io();
    expect(await runCli(['fail', '--kind', 'bug'], { ...c.env, env: { RELEVANCE_DEBUG: '1' } }, [failing])).toBe(1);
    expect(c.out.stderr).toContain('    at ');
    const d = io();
    expect(await runCli(['fail', '--kind', 'usage'], { ...d.env, env: {} }, [failing])).toBe(2);
    expect(d.out.stderr).toContain('--kind cannot be usage');
  });
});
