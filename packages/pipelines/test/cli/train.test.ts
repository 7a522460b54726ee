/** `relevance train --model-type senn`: a self-explaining classifier, its explanations compared with post-hoc methods; the saved model works with other commands. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/index.js';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';
import { syntheticCsv } from '../studies/influence/helpers.js';

const tmp = useTempDir('relevance-train-');

describe('relevance train', () => {
  it('trains a SENN and compares its explanations with post-hoc methods (metrics and Lipschitz estimates)', async () => {
    writeFileSync(tmp.path('cohort.csv'), syntheticCsv(300, 5));
    const out = tmp.path('senn');
    const argv = ['train', '--data', tmp.path('cohort.csv'), '--label-column', 'subtype', '--model-type', 'senn', '--hidden', '16', '--epochs', '80',
      '--compare', 'saliency,input-x-gradient,integrated-gradients', '--seed', '2', '--backend', 'wasm', '-q'];
    const r = await runCaptured([...argv, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const metrics = JSON.parse(readFileSync(`${out}/metrics.json`, 'utf8')) as {
      model_type: string; classifier: { test_accuracy: number }; explanations: { methods: Record<string, Record<string, number>> };
    };
    expect(metrics.model_type).toBe('senn');
    expect(metrics.classifier.test_accuracy).toBeGreaterThan(0.7);
    const methods = metrics.explanations.methods;
    expect(Object.keys(methods).sort()).toEqual(['input-x-gradient', 'integrated-gradients', 'saliency', 'senn', 'senn:output=coefficients']);
    for (const m of Object.values(methods)) {
      expect(Object.keys(m).sort()).toEqual(['faithfulness', 'lipschitz', 'max-sensitivity', 'sparseness']);
      expect(m.lipschitz).toBeGreaterThan(0);
    }
    const table = await readTable(`${out}/explanations.parquet`);
    expect(table.columns.map((c) => c.name)).toEqual(['method', 'metric', 'value']);
    expect(table.rows).toBe(5 * 4);
    // without the robustness penalty the SENN's coefficients vary more (measured: Lipschitz 0.878 without, 0.776 with λ 0.01)
    const plain = await runCaptured([...argv, '--robustness', '0', '--out', tmp.path('plain')]);
    expect(plain.code).toBe(0);
    const plainMetrics = JSON.parse(readFileSync(`${tmp.path('plain')}/metrics.json`, 'utf8')) as typeof metrics;
    expect(methods['senn:output=coefficients']!.lipschitz).toBeLessThan(plainMetrics.explanations.methods['senn:output=coefficients']!.lipschitz);
    // the saved SENN is a model like any other: TCAV runs on it
    const tc = await runCaptured(['tcav', '--data', tmp.path('cohort.csv'), '--label-column', 'subtype', '--model', `${out}/model.relevance`,
      '--concept', 'a=f1 + f2 > 1.5', '--random-concepts', '4', '--targets', 'A', '--backend', 'wasm', '--out', tmp.path('tcav'), '-q']);
    expect(tc.stderr).toBe('');
    expect(tc.code).toBe(0);
    // same seed, same bytes
    const again = await runCaptured([...argv, '--out', tmp.path('senn2')]);
    expect(again.code).toBe(0);
    expect(readFileSync(`${tmp.path('senn2')}/explanations.csv`, 'utf8')).toBe(readFileSync(`${out}/explanations.csv`, 'utf8'));
  }, 180_000);

  it('rejects --model and unknown methods before training', async () => {
    writeFileSync(tmp.path('small.csv'), syntheticCsv(40, 1));
    const base = ['train', '--data', tmp.path('small.csv'), '--label-column', 'subtype', '--model-type', 'senn', '--out', tmp.path('x'), '-q'];
    const m = await runCaptured([...base, '--model', 'm.onnx']);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/train trains a new model/);
    const c = await runCaptured([...base, '--compare', 'salency']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--compare salency: .*did you mean 'saliency'/);
  }, 60_000);
});
