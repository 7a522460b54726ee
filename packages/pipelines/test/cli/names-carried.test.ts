/** Names carried through: predict writes class names, explain writes feature and class names, when a model.relevance knows them. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { modelFromTorchJson, saveModelFile, type TorchJson } from '@relevance/methods';
import { readArray, readTable, writeArray } from '../../src/index.js';
import { cellValue } from '../../src/io/table.js';
import { requireShared, sharedPath } from '../io/helpers/shared-data.js';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';

const tmp = useTempDir('relevance-names-');
const weights = sharedPath('fixtures', 'mlp', 'weights.json');

describe.runIf(requireShared('the mlp fixture', weights))('names carried through', () => {
  const CLASSES = ['Basal', 'Her2', 'LumA'];
  async function namedModel(): Promise<{ model: string; csv: string; width: number }> {
    const be = await createBackend('reference');
    const model = modelFromTorchJson(be, JSON.parse(readFileSync(weights!, 'utf8')) as TorchJson, weights!);
    const inputs = await readArray(sharedPath('fixtures', 'mlp', 'inputs.json')!);
    const width = inputs.shape[1]!;
    const path = tmp.path('named.relevance');
    await saveModelFile(model, path, { features: Array.from({ length: width }, (_, j) => `protein-${j}`), classes: CLASSES });
    model.dispose();
    be.destroy();
    const csv = tmp.path('inputs.csv');
    await writeArray(csv, { shape: inputs.shape, data: inputs.data, columnNames: Array.from({ length: width }, (_, j) => `f${j}`), ids: Array.from({ length: inputs.shape[0]! }, (_, i) => `row-${i}`), idName: 'sample' });
    return { model: path, csv, width };
  }

  it('predict: a predicted class column and one column per class name', async () => {
    const { model, csv } = await namedModel();
    const out = tmp.path('pred.parquet');
    const r = await runCaptured(['predict', '--model', model, '--input', csv, '--out', out, '--backend=reference', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const t = await readTable(out);
    expect(t.columns.map((c) => c.name)).toEqual(['sample', 'predicted', ...CLASSES]);
    for (let row = 0; row < t.rows; row++) {
      const scores = CLASSES.map((c) => Number(cellValue(t.columns.find((x) => x.name === c)!, row)));
      expect(cellValue(t.columns[1]!, row)).toBe(CLASSES[scores.indexOf(Math.max(...scores))]);
    }
  });

  it('explain: the target class name and one column per feature named by the model', async () => {
    const { model, csv, width } = await namedModel();
    const out = tmp.path('explain.csv');
    const r = await runCaptured(['explain', '--model', model, '--input', csv, '--method', 'saliency', '--out', out, '--backend=reference', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const t = await readTable(out);
    expect(t.columns.map((c) => c.name)).toEqual(['sample', 'target_name', 'target', ...Array.from({ length: width }, (_, j) => `protein-${j}`)]);
    expect(CLASSES).toContain(cellValue(t.columns[1]!, 0));
  });

  it('explain without names in the model: the input table column names', async () => {
    const out = tmp.path('explain-plain.csv');
    const inputs = await readArray(sharedPath('fixtures', 'mlp', 'inputs.json')!);
    const csv = tmp.path('plain.csv');
    await writeArray(csv, { shape: inputs.shape, data: inputs.data, columnNames: Array.from({ length: inputs.shape[1]! }, (_, j) => `f${j}`) });
    const r = await runCaptured(['explain', '--model', weights!, '--input', csv, '--method', 'saliency', '--out', out, '--backend=reference', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const t = await readTable(out);
    expect(t.columns.map((c) => c.name).slice(0, 3)).toEqual(['target', 'f0', 'f1']);
  });
});
