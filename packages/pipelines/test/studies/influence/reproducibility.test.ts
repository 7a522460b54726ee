/**
 * Same data + config + seed give byte-identical tables (Parquet and Arrow),
 * model and metrics (timings aside); another seed gives another model. On a
 * synthetic table whose class A depends on f1, f2 and class B on f3, f4, the
 * study's class influence ranks those features first.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTableFile } from '../../../src/index.js';
import { runInfluenceStudy } from '../../../src/studies/influence/index.js';
import { useTempDir } from '../../io/helpers/temp-dir.js';
import { readJson, syntheticCsv } from './helpers.js';

const temp = useTempDir('relevance-influence-repro-');
const data = temp.write('synthetic.csv', syntheticCsv(400, 3));
const options = { data, labelColumn: 'subtype', hidden: [16], epochs: 60, weightDecay: 1e-3, lr: 3e-3, seed: 5, backend: 'wasm' as const };

function withoutTimings(path: string): unknown {
  const { timing_s: _t, ...rest } = readJson(path);
  return rest;
}

describe('reproducibility', () => {
  it('two runs with one seed write identical bytes; another seed does not', async () => {
    const a = await runInfluenceStudy({ ...options, out: temp.path('a') });
    const b = await runInfluenceStudy({ ...options, out: temp.path('b') });
    const c = await runInfluenceStudy({ ...options, seed: 6, out: temp.path('c') });
    const files = readdirSync(a.outDir).filter((f) => /\.(parquet|arrow|relevance)$/.test(f)).sort();
    expect(files).toContain('instance_influence.parquet');
    expect(files).toContain('model.relevance');
    expect(readdirSync(b.outDir).filter((f) => /\.(parquet|arrow|relevance)$/.test(f)).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(b.outDir, f)).equals(readFileSync(join(a.outDir, f))), f).toBe(true);
    expect(withoutTimings(join(b.outDir, 'metrics.json'))).toEqual(withoutTimings(join(a.outDir, 'metrics.json')));
    expect(readFileSync(join(c.outDir, 'model.relevance')).equals(readFileSync(join(a.outDir, 'model.relevance')))).toBe(false);
  });

  it('ranks the drivers of each synthetic class first, and separates them by sign in A - B', async () => {
    const out = temp.path('a');
    const metrics = readJson<{ classifier: { test_accuracy: number }; influence: { top_units: Record<string, string[]> } }>(join(out, 'metrics.json'));
    expect(metrics.classifier.test_accuracy).toBeGreaterThan(0.7);
    expect(metrics.influence.top_units.A!.slice(0, 2).sort()).toEqual(['f1', 'f2']);
    expect(metrics.influence.top_units.B!.slice(0, 2).sort()).toEqual(['f3', 'f4']);
    const comparative = await readTableFile(join(out, 'comparative_influence.parquet'));
    const [ca, cb, unit, value] = comparative.columns;
    const ab = new Map<string, number>();
    for (let r = 0; r < comparative.rows; r++) if (ca!.values[r] === 'A' && cb!.values[r] === 'B') ab.set(unit!.values[r] as string, value!.values[r] as number);
    expect(ab.get('f1')).toBeGreaterThan(0);
    expect(ab.get('f2')).toBeGreaterThan(0);
    expect(ab.get('f3')).toBeLessThan(0);
    expect(ab.get('f4')).toBeLessThan(0);
    // class_influence ranks: rank 1 and 2 of class A are f1 and f2
    const classes = await readTableFile(join(out, 'class_influence.parquet'));
    const top = [];
    for (let r = 0; r < classes.rows; r++) if (classes.columns[0]!.values[r] === 'A' && (classes.columns[4]!.values[r] as number) <= 2) top.push(classes.columns[1]!.values[r]);
    expect(top.sort()).toEqual(['f1', 'f2']);
  });
});
