/** SpRAy: planted strategies are found by the eigengap; a Clever Hans column becomes its own cluster and is named first. */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { referenceBackendForFile } from '../helpers/backends.js';
import { crossEntropyLoss, inputXGradient, mlp, train } from '../../src/index.js';
import { spray, knnAffinity, laplacianSpectrum, eigengapK } from '../../src/strategies/index.js';

const be = await referenceBackendForFile();

/** Rows whose explanations concentrate on one of three feature groups (plus noise). */
function plantedExplanations(perGroup: number, seed: number): { values: Float64Array; group: Int32Array; d: number } {
  const g = new Generator(seed);
  const d = 9;
  const rows = 3 * perGroup;
  const values = new Float64Array(rows * d);
  const group = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    // interleave the groups so that an order-based answer fails
    const c = i % 3;
    group[i] = c;
    for (let f = 0; f < d; f++) values[i * d + f] = 0.15 * g.normal() + (Math.floor(f / 3) === c ? 1 + 0.2 * f : 0);
  }
  return { values, group, d };
}

describe('spray', () => {
  it('finds three planted strategies by the eigengap, assigns every row, and names each group\'s features', () => {
    const { values, group, d } = plantedExplanations(30, 1);
    const names = Array.from({ length: d }, (_, j) => `g${Math.floor(j / 3)}_${j % 3}`);
    const r = spray(values, 90, { featureNames: names, labels: group, classes: ['a', 'b', 'c'], seed: 2 });
    expect(r.k).toBe(3);
    expect(r.chosenBy).toBe('eigengap');
    // three components: three (near-)zero eigenvalues, then the largest gap
    expect(r.eigenvalues[2]!).toBeLessThan(1e-8);
    expect(r.eigengaps[2]).toBe(Math.max(...r.eigengaps));
    for (const c of r.clusters) {
      expect(c.size).toBe(30);
      const shares = Object.values(c.classes);
      expect(shares).toEqual([1]);
      const cls = Object.keys(c.classes)[0]!;
      const groupIndex = ['a', 'b', 'c'].indexOf(cls);
      // the largest feature of the group (offset 1 + 0.2 f) comes first
      expect(c.topFeatures[0]!.name).toBe(`g${groupIndex}_2`);
      expect(c.topFeatures.slice(0, 3).map((f) => f.name).sort()).toEqual([0, 1, 2].map((j) => `g${groupIndex}_${j}`));
      expect(c.distinguishingFeatures[0]!.relevance).toBeGreaterThan(1);
    }
    // same seed, same answer
    expect(spray(values, 90, { featureNames: names, seed: 2 }).assignments).toEqual(r.assignments);
  });

  it('the subspace iteration used for large inputs agrees with dense Jacobi', () => {
    const { values, d } = plantedExplanations(20, 3);
    const w = knnAffinity(values, 60, d, 8);
    const dense = laplacianSpectrum(w, 6, new Generator(1));
    const iterative = laplacianSpectrum(w, 6, new Generator(1), 10);
    for (let i = 0; i < 6; i++) expect(iterative.values[i]!).toBeCloseTo(dense.values[i]!, 6);
    expect(eigengapK(dense.values, 5).k).toBe(3);
  });

  it('a planted Clever Hans column becomes its own cluster, named first (MLP, input x gradient)', async () => {
    // two classes from f0 + f1; 'hans' is 1 in half of class A's rows and 0 elsewhere: a perfect predictor of A there
    const g = new Generator(7);
    const n = 240;
    const p = 5;
    const names = ['f0', 'f1', 'f2', 'f3', 'hans'];
    const raw = new Float32Array(n * p);
    const y = new Int32Array(n);
    const hansRows: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 4; j++) raw[i * p + j] = g.normal();
      y[i] = raw[i * p]! + raw[i * p + 1]! + 0.5 * g.normal() > 0 ? 0 : 1;
      if (y[i] === 0 && g.uniform() < 0.5) {
        raw[i * p + 4] = 1;
        hansRows.push(i);
      }
    }
    // z-score the columns
    const x = new Float32Array(raw);
    for (let j = 0; j < p; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += raw[i * p + j]!;
      m /= n;
      let s = 0;
      for (let i = 0; i < n; i++) s += (raw[i * p + j]! - m) ** 2;
      s = Math.sqrt(s / (n - 1));
      for (let i = 0; i < n; i++) x[i * p + j] = (raw[i * p + j]! - m) / s;
    }
    const model = mlp(be, { inputs: p, hidden: [16], outputs: 2, seed: 3 });
    await train(model, { x, y }, { seed: 4, epochs: 60, batchSize: 32, loss: crossEntropyLoss(), optimizer: { type: 'adam' }, lr: 0.01 });
    const xt = be.tensor(x, [n, p]);
    const attribution = await inputXGradient(model, xt, { target: 'argmax' });
    xt.dispose();
    model.dispose();
    const r = spray(attribution.values as Float32Array, n, { featureNames: names, labels: y, classes: ['A', 'B'], seed: 5 });
    expect(r.k).toBeGreaterThanOrEqual(2);
    const hans = new Set(hansRows);
    // the cluster holding most Clever Hans rows
    const best = r.clusters.map((c) => ({ c, inside: Array.from(c.rows).filter((i) => hans.has(i)).length })).sort((a, b) => b.inside - a.inside)[0]!;
    // measured with these seeds: 37 of the 46 Clever Hans rows, in a cluster of 43 (the model also uses f0 and f1 there)
    expect(best.inside / hans.size).toBeGreaterThan(0.75);
    expect(best.inside / best.c.size).toBeGreaterThan(0.75);
    expect(best.c.topFeatures[0]!.name).toBe('hans');
    expect(best.c.distinguishingFeatures[0]!.name).toBe('hans');
    expect(best.c.classes.A).toBeGreaterThan(0.8);
    // no other cluster names hans first
    for (const c of r.clusters) if (c !== best.c) expect(c.topFeatures[0]!.name).not.toBe('hans');
  });

  it('rejects bad input with the fix', () => {
    expect(() => spray([1, 2], 2, { seed: 1 })).toThrow(/at least 3 rows/);
    expect(() => spray([1, 2, 3, NaN, 5, 6], 3, { seed: 1 })).toThrow(/row 1 is not finite at feature 1/);
    expect(() => spray([1, 2, 3], 3, {})).toThrow(/seed/);
    expect(() => spray([1, 2, 3, 4, 5, 6], 3, { seed: 1, neighbours: 3 })).toThrow(/neighbours/);
  });
});
