/**
 * End to end on real data: the mixOmics breast TCGA RPPA subset (Basal, Her2,
 * LumA; 150 rows x 142 antibodies) through `relevance study influence`:
 * a trained classifier above an accuracy floor, the run folder as
 * docs/RUN-FOLDERS.md specifies it, and the saved model explained again on a
 * subset of rows, at a hidden layer. Skips with a message without ../shared
 * (fails under CI=true).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTableFile } from '../../../src/index.js';
import { requireShared, sharedPath } from '../../io/helpers/shared-data.js';
import { useTempDir } from '../../io/helpers/temp-dir.js';
import { readJson, runStudyCli } from './helpers.js';

const breast = sharedPath('data', 'breast_tcga_mixomics', 'breast_tcga_protein_train.csv');
const temp = useTempDir('relevance-influence-breast-');

/** The columns of every table, as docs/RUN-FOLDERS.md lists them. */
const EXPECTED_COLUMNS: Record<string, string[]> = {
  instance_influence: ['instance', 'class', 'predicted', 'unit', 'influence', 'attribution'],
  class_influence: ['class', 'unit', 'distributional', 'mean_attribution', 'rank'],
  comparative_influence: ['class_a', 'class_b', 'unit', 'influence'],
  dataset_influence: ['unit', 'distributional', 'mean_attribution'],
  deviations: ['instance', 'class', 'rank_correlation', 'deviation_rank', 'instance_only_units', 'class_only_units'],
  confusion: ['true_class', 'predicted_class', 'count'],
  training: ['epoch', 'train_loss', 'val_loss', 'lr'],
};

// runIf, not if: without ../shared the file still registers (skipped) tests, so vitest does not fail it with "No test suite found"
describe.runIf(requireShared('the breast TCGA RPPA table (data/breast_tcga_mixomics)', breast))('relevance study influence on the breast TCGA RPPA subset', () => {
  const out = temp.path('run');

  it('trains a classifier above the accuracy floor and writes the run folder', async () => {
    const r = await runStudyCli(['study', 'influence', '--data', breast!, '--label-column', 'subtype', '--epochs', '150', '--seed', '0', '--backend', 'wasm', '--out', out]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const metrics = readJson<{
      classifier: { test_accuracy: number; balanced_accuracy: number; per_class: Record<string, { precision: number; recall: number }>; evaluated_on: string };
      instance_vs_class: { median_rank_correlation: number; mean_rank_correlation: number; instances: number };
      influence: { top_units: Record<string, string[]> };
      timing_s: Record<string, number>;
    }>(join(out, 'metrics.json'));
    const c = metrics.classifier;
    console.log(`breast RPPA: test accuracy ${c.test_accuracy.toFixed(3)}, balanced accuracy ${c.balanced_accuracy.toFixed(3)} (30 test rows)`);
    for (const [cls, units] of Object.entries(metrics.influence.top_units)) console.log(`  top influence units for ${cls}: ${units.join(', ')}`);
    expect(c.evaluated_on).toBe('test');
    expect(c.test_accuracy).toBeGreaterThan(0.7);
    expect(c.balanced_accuracy).toBeGreaterThan(0.6);
    expect(Object.keys(c.per_class).sort()).toEqual(['Basal', 'Her2', 'LumA']);
    for (const p of Object.values(c.per_class)) expect(p.recall).toBeGreaterThanOrEqual(0);
    expect(metrics.instance_vs_class.instances).toBe(150);
    expect(metrics.instance_vs_class.median_rank_correlation).toBeGreaterThan(0);
    expect(Object.keys(metrics.timing_s).sort()).toEqual(['influence', 'load', 'total', 'train', 'write']);
    expect(r.stdout).toMatch(/test accuracy 0\.\d{3}/);

    for (const [table, columns] of Object.entries(EXPECTED_COLUMNS)) {
      for (const ext of ['parquet', 'arrow']) {
        const t = await readTableFile(join(out, `${table}.${ext}`));
        expect(t.columns.map((col) => col.name), `${table}.${ext}`).toEqual(columns);
      }
    }
    const instance = await readTableFile(join(out, 'instance_influence.parquet'));
    expect(instance.rows).toBe(150 * 142);
    expect(instance.columns[0]!.values[0]).toBe('A0FJ');
    const classes = await readTableFile(join(out, 'class_influence.parquet'));
    expect(classes.rows).toBe(3 * 142);
    const comparative = await readTableFile(join(out, 'comparative_influence.parquet'));
    expect(comparative.rows).toBe(3 * 142);
    const confusion = await readTableFile(join(out, 'confusion.parquet'));
    expect(confusion.rows).toBe(9);
    const counts = confusion.columns[2]!.values as Float64Array;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30);

    const manifest = readJson<{ study: string; inputs: Array<{ sha256: string; rows: number; columns: number }>; seed: number; backend: string; outputs: Array<{ file: string }>; timings_s: Record<string, unknown> }>(join(out, 'manifest.json'));
    expect(manifest.study).toBe('influence');
    expect(manifest.inputs[0]).toMatchObject({ rows: 150, columns: 144 });
    expect(manifest.inputs[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.seed).toBe(0);
    expect(manifest.backend).toBe('wasm');
    expect(manifest.outputs.map((o) => o.file)).toContain('instance_influence.parquet');
    const config = readJson<{ id_column: string; hidden?: unknown; classifier: { architecture: { hidden: number[] } } }>(join(out, 'config.json'));
    expect(config.id_column).toBe('sample');
    expect(config.classifier.architecture.hidden).toEqual([64, 32]);
    expect(existsSync(join(out, 'model.relevance'))).toBe(true);
  });

  it('explains the saved model on a subset (--where, --compare) at a hidden layer', async () => {
    const again = temp.path('subset');
    const r = await runStudyCli([
      'study', 'influence', '--data', breast!, '--label-column', 'subtype', '--model', join(out, 'model.relevance'),
      '--where', "subtype in ('Basal', 'Her2')", '--compare', 'Basal,Her2', '--slice', 'relu1', '--backend', 'wasm', '--quiet', '--out', again,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const metrics = readJson<{ classifier: { evaluated_on: string; test_accuracy: number; trained: boolean }; data: { analysed: number } }>(join(again, 'metrics.json'));
    expect(metrics.classifier.evaluated_on).toBe('all');
    expect(metrics.classifier.trained).toBe(false);
    expect(metrics.classifier.test_accuracy).toBeGreaterThan(0.8);
    expect(metrics.data.analysed).toBe(75);
    const instance = await readTableFile(join(again, 'instance_influence.parquet'));
    expect(instance.rows).toBe(75 * 64);
    expect(instance.columns[3]!.values[0]).toBe('relu1[0]');
    const comparative = await readTableFile(join(again, 'comparative_influence.parquet'));
    expect(new Set(comparative.columns[0]!.values as string[])).toEqual(new Set(['Basal']));
    const classes = await readTableFile(join(again, 'class_influence.parquet'));
    expect(new Set(classes.columns[0]!.values as string[])).toEqual(new Set(['Basal', 'Her2']));
    expect(existsSync(join(again, 'training.parquet'))).toBe(false);
    expect(existsSync(join(again, 'model.relevance'))).toBe(false);
  });
});
