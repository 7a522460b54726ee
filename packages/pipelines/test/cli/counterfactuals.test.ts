/** `relevance counterfactuals`: every answer, rebuilt from the table and fed to the saved model, reaches the desired class; constraints hold. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { loadModelFile } from '@relevance/methods';
import { readTable } from '../../src/index.js';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';
import { syntheticCsv } from '../studies/influence/helpers.js';

const tmp = useTempDir('relevance-counterfactuals-');

describe('relevance counterfactuals', () => {
  it('flips the chosen rows with few changes that respect immutable features and ranges; the saved model confirms each answer', async () => {
    const csv = syntheticCsv(200, 6);
    writeFileSync(tmp.path('cohort.csv'), csv);
    const out = tmp.path('cf');
    const r = await runCaptured([
      'counterfactuals', '--data', tmp.path('cohort.csv'), '--label-column', 'subtype', '--where', "sample in ('s1', 's2', 's3', 's4', 's5', 's6')",
      '--immutable', 'f1', '--range', 'f2=-2:2', '--answers', '2', '--hidden', '16', '--epochs', '60', '--seed', '3', '--backend', 'wasm', '--out', out, '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const t = await readTable(`${out}/counterfactuals.parquet`);
    expect(t.columns.map((c) => c.name)).toEqual(['sample', 'answer', 'mode', 'original_class', 'desired_class', 'new_class', 'found', 'changes', 'distance', 'data_distance', 'feature', 'from', 'to', 'delta']);
    const col = <T>(name: string): T[] => Array.from(t.columns.find((c) => c.name === name)!.values as unknown as ArrayLike<T>);
    const ids = col<string>('sample');
    expect(new Set(ids)).toEqual(new Set(['s1', 's2', 's3', 's4', 's5', 's6']));
    const feature = col<string | null>('feature');
    const found = col<boolean>('found');
    expect(found.filter(Boolean).length).toBeGreaterThan(0);
    expect(feature).not.toContain('f1');
    col<number>('to').forEach((v, i) => {
      if (feature[i] === 'f2' && col<number>('from')[i]! >= -2 && col<number>('from')[i]! <= 2) {
        expect(v).toBeGreaterThanOrEqual(-2 - 1e-4);
        expect(v).toBeLessThanOrEqual(2 + 1e-4);
      }
    });
    col<number>('delta').forEach((d, i) => {
      if (found[i]) expect(d).toBeCloseTo(col<number>('to')[i]! - col<number>('from')[i]!, 5);
    });
    // rebuild each answer in the table's units, standardise with the saved model's statistics, and predict
    const lines = csv.trim().split('\n');
    const header = lines[0]!.split(',');
    const rowOf = new Map(lines.slice(1).map((l) => [l.split(',')[0]!, l.split(',')]));
    const be = await createBackend('wasm');
    const { model, metadata } = await loadModelFile(be, `${out}/model.relevance`);
    const features = metadata!.features as string[];
    const classes = metadata!.classes as string[];
    const { mean, sd } = metadata!.standardize as { mean: number[]; sd: number[] };
    const answers = new Map<string, { id: string; desired: string; original: string; changes: Map<string, number> }>();
    ids.forEach((id, i) => {
      if (!found[i]) return;
      const key = `${id}#${col<number>('answer')[i]}`;
      const a = answers.get(key) ?? { id, desired: col<string>('desired_class')[i]!, original: col<string>('original_class')[i]!, changes: new Map() };
      a.changes.set(feature[i]!, col<number>('to')[i]!);
      answers.set(key, a);
    });
    for (const a of answers.values()) {
      const cells = rowOf.get(a.id)!;
      const x = features.map((f, j) => ((a.changes.get(f) ?? Number(cells[header.indexOf(f)])) - mean[j]!) / sd[j]!);
      const z = (await model.predict(be.tensor(x, [1, features.length])).read()) as Float32Array;
      const predicted = classes[z.indexOf(Math.max(...z))]!;
      expect(predicted, `${a.id}: ${JSON.stringify([...a.changes])}`).toBe(a.desired);
      expect(a.desired).not.toBe(a.original);
      expect(a.changes.size).toBeLessThanOrEqual(features.length - 1);
    }
    model.dispose();
    be.destroy();
    expect(JSON.parse(readFileSync(`${out}/config.json`, 'utf8')).immutable).toEqual(['f1']);
  }, 120_000);

  it('names the option and the fix', async () => {
    writeFileSync(tmp.path('small.csv'), syntheticCsv(60, 2));
    const base = ['counterfactuals', '--data', tmp.path('small.csv'), '--label-column', 'subtype', '--epochs', '2', '--backend', 'wasm', '--out', tmp.path('bad'), '-q'];
    const range = await runCaptured([...base, '--range', 'f2=3:1']);
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/--range f2=3:1: give lo:hi/);
    const immutable = await runCaptured([...base, '--immutable', 'f9']);
    expect(immutable.code).not.toBe(0);
    expect(immutable.stderr).toMatch(/--immutable f9: no feature 'f9'/);
    const desired = await runCaptured([...base, '--desired', 'Z']);
    expect(desired.code).toBe(2);
    expect(desired.stderr).toMatch(/--desired Z: no class 'Z'/);
  }, 60_000);
});
