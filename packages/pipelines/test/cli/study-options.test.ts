/**
 * `relevance study` options are checked before any work: out-of-range values,
 * options that have no effect with the others, and values that depend on the
 * data (--compare, --slice) are usage errors (exit 2) in the user's terms, and
 * nothing is written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';

const tmp = useTempDir('relevance-study-options-');

function labelledCsv(): string {
  const lines = ['id,subtype,a,b,c'];
  for (let r = 0; r < 30; r++) {
    const cls = ['Basal', 'Her2', 'LumA'][r % 3]!;
    lines.push(`s${r},${cls},${(r * 0.37) % 3},${(r * 1.3) % 5},${(r % 3) + ((r * 0.11) % 1)}`);
  }
  return lines.join('\n') + '\n';
}
const data = tmp.write('labelled.csv', labelledCsv());

async function usage(argv: string[]): Promise<string> {
  const out = tmp.path(`run-${Math.random().toString(36).slice(2)}`);
  const r = await runCaptured(['study', ...argv, '--out', out, '-q']);
  expect(r.code, r.stderr).toBe(2);
  expect(existsSync(out) ? readdirSync(out) : [], 'nothing is written on a usage error').toEqual([]);
  expect(r.stderr).toContain('--help');
  return r.stderr;
}

describe('study proteomics: option ranges', () => {
  it.each([
    [['--masks', '99999999999'], /--masks: must be at most 100000 \(more masks/],
    [['--masks', '0'], /--masks: must be a positive whole number, got 0/],
    [['--threads', '9999'], new RegExp(`--threads: must be at most ${Math.max(4, 4 * availableParallelism())} \\(4 per core`)],
    [['--instance-top-k', '0'], /--instance-top-k: must be a positive whole number, got 0/],
    [['--epochs', '-1'], /--epochs: must be a positive whole number, got -1/],
    [['--learning-rate', '0'], /--learning-rate: must be a positive number, got 0/],
    [['--batch-size', '0'], /--batch-size: must be a positive whole number, got 0/],
    [['--hidden', '0'], /--hidden expects positive sizes joined by x, like 256x256, got '0'/],
    [['--hidden', '9999999'], /--hidden: a layer of 9999999 units is more than 65536.*like 256x256/],
    [['--test-fraction', '1'], /--test-fraction: must lie in \(0, 1\)/],
    [['--seed', 'abc'], /--seed expects a number, got 'abc'/],
    [['--seed', '-1'], /--seed: must be a whole number in \[0, 4294967295\]/],
    [['--known-edges', 'edges.csv', '--known-top-k', '0'], /--known-top-k: '0' is not a positive integer/],
    [['--class-input', 'on'], /--class-input.*must be one of auto, off; got 'on'/],
    [['--average-decay', '1'], /--average-decay: must lie in \[0, 1\) \(0 turns the weight average off\), got 1/],
    [['--mask-groups', '1'], /--mask-groups: must be an integer from 2 to 64, got 1 \(2: half of the other proteins visible/],
    [['--replicates', '0'], /--replicates: must be a positive whole number, got 0/],
    [['--replicates', '33'], /--replicates: must be at most 32 \(each replicate is a whole training and relevance pass\), got 33/],
    [['--shard', '0/2', '--replicates', '2'], /--replicates: is 2, but a one-command --shard run explains part of the test set with one predictor; run the stages instead \(--stage train, --stage networks --shard i\/n, --stage merge, each with --replicates, or --slurm\), or give --replicates 1/],
    [['--shard', '0/2'], /--replicates: is 3 \(the default\), but a one-command --shard run explains part of the test set with one predictor;.*or give --replicates 1 \(with --masks 100/],
  ])('study proteomics %j is a usage error naming the option', async (argv, message) => {
    expect(await usage(['proteomics', ...(argv as string[])])).toMatch(message as RegExp);
  });

  it('--masks x proteins beyond half the memory is refused with the estimate, before any work', async () => {
    const message = await usage(['proteomics', '--masks', '100000', '--synthetic-proteins', '5000']);
    expect(message).toMatch(/--masks: 100000 masks per target \(400000 per patient, --mask-groups 4\) for 5000 proteins and hidden layers 256x256 need about [\d.]+ [GT]iB per patient, more than half of this machine's memory/);
  });
});

describe('study: options that have no effect are usage errors', () => {
  it.each([
    [['proteomics', '--rule', 'epsilon', '--gamma', '0.5'], '--gamma has no effect here: it is used only with --rule gamma, not with --rule epsilon'],
    [['proteomics', '--epsilon', '0.1'], '--epsilon has no effect here: it is used only with --rule epsilon, not with --rule gamma (the default)'],
    [['proteomics', '--optimizer', 'adam', '--momentum', '0.9'], '--momentum has no effect here: it is used only with --optimizer sgd, not with --optimizer adam'],
    [['proteomics', '--data', data, '--synthetic-proteins', '10'], '--synthetic-proteins has no effect here: it is not used with --data'],
    [['proteomics', '--class-column', 'subtype'], '--class-column has no effect here: it is used only with --data or --sql'],
    [['proteomics', '--id-column', 'none'], '--id-column has no effect here: it is used only with --data or --sql'],
    [['proteomics', '--known-top-k', '10'], '--known-top-k has no effect here: it is used only with --known-edges'],
    [['proteomics', '--backend', 'reference', '--threads', '2'], '--threads has no effect here: it is used only with --backend auto or wasm'],
    [['influence', '--data', data, '--label-column', 'subtype', '--model', 'm.onnx', '--epochs', '5'], '--epochs has no effect here: it is not used with --model'],
    [['influence', '--data', data, '--label-column', 'subtype', '--classes', 'a,b'], '--classes has no effect here: it is used only with --model'],
  ])('study %j', async (argv, message) => {
    expect(await usage(argv as string[])).toContain(message as string);
  });

  it('an option that applies is accepted (the check does not reject valid combinations)', async () => {
    const out = tmp.path('sgd-run');
    const r = await runCaptured(['study', 'proteomics', '--optimizer', 'sgd', '--momentum', '0.5', '--rule', 'epsilon', '--epsilon', '0.01', '--synthetic-proteins', '10', '--synthetic-classes', '2', '--synthetic-instances-per-class', '12', '--epochs', '2', '--masks', '2', '--no-tsne', '--backend', 'wasm', '--threads', '1', '--out', out, '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr, '-q prints no data: line').not.toMatch(/^data:/m);
    // config.json records the training settings the run used, the weight average's default among them
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { training: Record<string, unknown> };
    expect(config.training).toMatchObject({ optimizer: 'sgd', momentum: 0.5, average_decay: 0.9 });
  });
});

describe('study influence: --compare and --slice are checked before training', () => {
  it.each([
    [['--compare', 'Basal,Nope'], "--compare Basal,Nope: no class 'Nope'"],
    [['--slice', 'nope'], "--slice nope: the trained classifier has no layer 'nope'; use 'input' or one of: 'fc1', 'relu1', 'fc2', 'relu2', 'fc3'"],
    [['--slice', 'fc9', '--hidden', '4'], "--slice fc9: the trained classifier has no layer 'fc9' (did you mean 'fc1'?); use 'input' or one of: 'fc1', 'relu1', 'fc2'"],
  ])('%j: usage error, no model.relevance left behind', async (argv, message) => {
    expect(await usage(['influence', '--data', data, '--label-column', 'subtype', ...(argv as string[])])).toContain(message as string);
  });
});

describe('study --help shows when an option applies', () => {
  it('conditions from the declarations appear in the help lines', async () => {
    const r = await runCaptured(['study', '--help']);
    expect(r.code).toBe(0);
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('gamma of the gamma rule [only with --rule gamma]');
    expect(text).toContain('SGD momentum [only with --optimizer sgd]');
    expect(text).toContain('synthetic cohort: classes [not with --data or --sql]');
  });
});
