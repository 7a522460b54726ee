/**
 * The study's error paths, through the CLI: each message names the column,
 * class, option or model and says what to do; usage errors exit with 2,
 * data errors with 1.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { mlp, saveModelFile } from '@relevance/methods';
import { useTempDir } from '../../io/helpers/temp-dir.js';
import { runStudyCli, syntheticCsv } from './helpers.js';

const temp = useTempDir('relevance-influence-errors-');
const data = temp.write('synthetic.csv', syntheticCsv(90, 4));
const tiny = temp.write('tiny-class.csv', syntheticCsv(90, 4, { classCounts: { D: 2 } }));
const base = (file = data): string[] => ['study', 'influence', '--data', file, '--label-column', 'subtype', '--epochs', '3', '--quiet', '--out', temp.path('run')];
/** A seeded MLP with one hidden layer of 3 units, saved as `name` in the temp folder. */
async function savedMlp(name: string, inputs: number, outputs: number): Promise<string> {
  const be = await createBackend('reference');
  const model = mlp(be, { inputs, hidden: [3], outputs, seed: 1 });
  const path = temp.path(name);
  await saveModelFile(model, path);
  model.dispose();
  be.destroy();
  return path;
}
/** With --model nothing is trained, so the training options (--epochs) would be a usage error. */
const withModel = (model: string): string[] => ['study', 'influence', '--data', data, '--label-column', 'subtype', '--model', model, '--quiet', '--out', temp.path('run')];

describe('errors', () => {
  it('a missing label column lists the columns and the closest name', async () => {
    const r = await runStudyCli(['study', 'influence', '--data', data, '--label-column', 'subtyp', '--quiet', '--out', temp.path('x')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no label column 'subtyp' \(did you mean 'subtype'\?\); columns: 'sample', 'subtype', 'f0'/);
  });

  it('a class with too few rows for the split names the class and the counts', async () => {
    const r = await runStudyCli(base(tiny));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/class 'D' has 2 rows, too few for a stratified train\/validation\/test split .* so 3 at least/);
  });

  it("a model whose input size does not match the features names both", async () => {
    const r = await runStudyCli(withModel(await savedMlp('four-inputs.relevance', 4, 3)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/four-inputs\.relevance: the model takes 4 inputs per row \(shape \[4\]\), but 6 feature columns were selected \('f0', 'f1', 'f2', 'f3', 'f4', 'f5'\)/);
  });

  it('a model with the wrong number of outputs asks for --classes', async () => {
    const r = await runStudyCli(withModel(await savedMlp('two-outputs.relevance', 6, 2)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the model has 2 outputs but the labels have 3 classes \('A', 'B', 'C'\); give the classes in the model's output order with --classes/);
  });

  it('--compare with an unknown class lists the classes', async () => {
    const r = await runStudyCli([...base(), '--compare', 'A,Z']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--compare A,Z: no class 'Z'; classes: 'A', 'B', 'C'/);
  });

  it('--compare that is not a pair is a usage error', async () => {
    const r = await runStudyCli([...base(), '--compare', 'A,B,C']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--compare expects a pair of classes A,B/);
  });

  it('a --where that DuckDB rejects quotes the condition and lists the columns', async () => {
    const r = await runStudyCli([...base(), '--where', 'subtypo = 1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--where "subtypo = 1": .*subtypo.*; write one DuckDB SQL condition on the columns of .*synthetic\.csv.*columns: 'sample', 'subtype'/);
  });

  it('a --where that selects nothing says so', async () => {
    const r = await runStudyCli([...base(), '--where', "subtype = 'Q'"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--where "subtype = 'Q'" selects no row of .*synthetic\.csv \(90 rows\)/);
  });

  it('an unknown slice lists the layers', async () => {
    const r = await runStudyCli([...base(), '--slice', 'fc9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--slice fc9: the trained classifier has no layer 'fc9' \(did you mean 'fc1'\?\); use 'input' or one of: 'fc1', 'relu1', 'fc2', 'relu2', 'fc3'/);
  });

  it('usage: an unknown study, a missing required option, bad numbers', async () => {
    let r = await runStudyCli(['study', 'influenc', '--data', data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown study 'influenc' \(did you mean 'influence'\?\); studies: .*influence/);
    r = await runStudyCli(['study', 'influence', '--data', data, '--out', temp.path('y')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required option: --label-column <column>/);
    r = await runStudyCli([...base(), '--test-fraction', '0.7', '--validation-fraction', '0.4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--validation-fraction: --test-fraction 0.7 plus --validation-fraction 0.4 leave no training rows/);
    r = await runStudyCli(['study', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: relevance study <[a-z|]*influence[a-z|]*> \[options\]/);
    expect(r.stdout).toMatch(/--label-column <column>/);
  });
});
