/**
 * `relevance study influence --model <ONNX-ML tree ensemble>`: the study
 * explains the trees with exact interventional TreeSHAP (they have no
 * gradient). On the gbm_multi fixture of packages/methods (scikit-learn
 * GradientBoostingClassifier, 3 classes, SOFTMAX), the tables equal treeShap
 * computed here: instances against the predicted class, class means, pair
 * differences; each instance adds up to its raw score minus the background
 * mean; config.json and metrics.json name the method; --slice other than
 * input is a usage error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importTreeEnsemble, predictTreesClass, predictTreesRaw, treeShap } from '@relevance/methods';
import { readTableFile } from '../../../src/index.js';
import { useTempDir } from '../../io/helpers/temp-dir.js';
import { readJson, runStudyCli } from './helpers.js';

const FIX = fileURLToPath(new URL('../../../../methods/test/fixtures/trees/', import.meta.url));
const MODEL = `${FIX}gbm_multi.onnx`;
const temp = useTempDir('relevance-influence-trees-');

/** The fixture's 12 test rows and 16 training rows, labelled with the model's own predictions (so every class the model predicts is present). */
function fixtureTable(): { csv: string; x: Float32Array; labels: Int32Array; rows: number } {
  const j = JSON.parse(readFileSync(`${FIX}gbm_multi.json`, 'utf8')) as { x: number[][]; background: number[][] };
  const all = [...j.x, ...j.background];
  const x = Float32Array.from(all.flat());
  const e = importTreeEnsemble(readFileSync(MODEL));
  const labels = predictTreesClass(e, x, all.length);
  const lines = ['sample,label,f0,f1,f2,f3,f4,f5', ...all.map((r, i) => [`s${i + 1}`, String(labels[i]), ...r.map(String)].join(','))];
  return { csv: temp.write('trees.csv', lines.join('\n') + '\n'), x, labels, rows: all.length };
}

function column(t: { columns: Array<{ name: string; values: unknown }> }, name: string): ArrayLike<unknown> {
  return t.columns.find((c) => c.name === name)!.values as ArrayLike<unknown>;
}

describe('study influence on an ONNX-ML tree ensemble', () => {
  it('writes TreeSHAP values: per instance, per class and per pair, equal to treeShap', async () => {
    const f = fixtureTable();
    const out = temp.path('run');
    const r = await runStudyCli(['study', 'influence', '--data', f.csv, '--label-column', 'label', '--model', MODEL, '--quiet', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const e = importTreeEnsemble(readFileSync(MODEL));
    const F = 6;
    const present = [...new Set(f.labels)].sort();
    expect(present.length).toBeGreaterThanOrEqual(2);
    // every labelled row is both analysed and the background (a given model: all rows are reference rows)
    const want = treeShap(e, f.x, f.rows, { background: f.x });
    const instance = await readTableFile(join(out, 'instance_influence.parquet'));
    expect(instance.rows).toBe(f.rows * F);
    const attribution = column(instance, 'attribution') as Float64Array;
    const influence = column(instance, 'influence') as Float64Array;
    const raw = predictTreesRaw(e, f.x, f.rows);
    for (let i = 0; i < f.rows; i++) {
      let sum = 0;
      for (let j = 0; j < F; j++) {
        expect(attribution[i * F + j]).toBeCloseTo(want.values64[i * F + j]!, 6);
        expect(influence[i * F + j]).toBe(attribution[i * F + j]);
        sum += attribution[i * F + j]!;
      }
      // completeness: the raw score of the predicted class minus its mean over the background
      const t = want.targets[i]!;
      expect(sum).toBeCloseTo(raw[i * 3 + t]! - want.expectedValue[i]!, 5);
    }
    const classes = await readTableFile(join(out, 'class_influence.parquet'));
    const cls = column(classes, 'class') as string[];
    const mean = column(classes, 'mean_attribution') as Float64Array;
    for (const c of present) {
      const rows = Array.from(f.labels.keys()).filter((i) => f.labels[i] === c);
      const s = treeShap(e, f.x, f.rows, { background: f.x, target: c }).values64;
      const k = cls.indexOf(String(c));
      for (let j = 0; j < F; j++) expect(mean[k + j]).toBeCloseTo(rows.reduce((a, i) => a + s[i * F + j]!, 0) / rows.length, 6);
    }
    const comparative = await readTableFile(join(out, 'comparative_influence.parquet'));
    expect(comparative.rows).toBe(3 * F); // every pair of the 3 classes
    const metrics = readJson<{ influence: { method: string }; classifier: { test_accuracy: number } }>(join(out, 'metrics.json'));
    expect(metrics.influence.method).toBe('tree-shap');
    expect(metrics.classifier.test_accuracy).toBe(1);
    const config = readJson<{ influence: { method: string; background: string } }>(join(out, 'config.json'));
    expect(config.influence.method).toMatch(/^tree-shap/);
    expect(config.influence.background).toMatch(/^28 reference rows/);
  });

  it('--slice other than input names the tree ensemble and --slice input', async () => {
    const f = fixtureTable();
    const r = await runStudyCli(['study', 'influence', '--data', f.csv, '--label-column', 'label', '--model', MODEL, '--slice', 'trees', '--quiet', '--out', temp.path('slice')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--slice trees: .*gbm_multi\.onnx is a tree ensemble, explained with TreeSHAP at its inputs; use --slice input/);
  });
});
