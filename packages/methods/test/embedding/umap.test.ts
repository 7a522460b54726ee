/**
 * UMAP: the a, b curve fit against umap-learn's published values, the fuzzy
 * graph's calibration, NN-descent's recall against exact neighbours, and the
 * embedding of a 1,797 x 64 digits-like table (k-NN label agreement,
 * trustworthiness, time), determinism, transform of new rows, and errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createBackend, Generator } from '@relevance/core-wasm';
import { fitAB, knnLabelAgreement, nearestNeighbours, nnDescent, smoothKnnDistances, trustworthiness, umap } from '../../src/index.js';
import { digitsLike } from './digits-like.js';

const be = await createBackend('reference');

describe('UMAP building blocks', () => {
  it('fitAB gives umap-learn\'s a, b (min_dist 0.1: a 1.577, b 0.895; min_dist 0.5: a 0.583, b 1.334)', () => {
    const r1 = fitAB(0.1, 1);
    expect(r1.a).toBeCloseTo(1.577, 2);
    expect(r1.b).toBeCloseTo(0.895, 2);
    const r2 = fitAB(0.5, 1);
    expect(r2.a).toBeCloseTo(0.583, 2);
    expect(r2.b).toBeCloseTo(1.334, 2);
  });

  it('smoothKnnDistances calibrates each row to sum exp(-(d - rho) / sigma) = log2(k)', () => {
    const g = new Generator(1);
    const rows = 20, k = 9;
    const d = new Float64Array(rows * k);
    for (let i = 0; i < rows; i++) {
      let acc = 0.1 + g.uniform();
      for (let j = 0; j < k; j++) d[i * k + j] = acc += g.uniform();
    }
    const { rho, sigma } = smoothKnnDistances(d, rows, k, Math.log2(k + 1));
    for (let i = 0; i < rows; i++) {
      expect(rho[i]).toBe(d[i * k]);
      let s = 0;
      for (let j = 0; j < k; j++) s += Math.exp(-Math.max(0, d[i * k + j]! - rho[i]!) / sigma[i]!);
      expect(s).toBeCloseTo(Math.log2(k + 1), 4);
    }
  });

  it('NN-descent finds at least 95% of the exact 14 nearest neighbours, deterministically', async () => {
    const t = digitsLike(600, 3);
    const host = { data: t.data, rows: t.rows, cols: t.cols };
    const exact = await nearestNeighbours(be, host, 14);
    const approx = nnDescent(host, 14, new Generator(5));
    let hits = 0;
    for (let i = 0; i < t.rows; i++) {
      const truth = new Set(Array.from(exact.indices.subarray(i * 14, i * 14 + 14)));
      for (const j of approx.indices.subarray(i * 14, i * 14 + 14)) if (truth.has(j)) hits++;
    }
    expect(hits / (t.rows * 14)).toBeGreaterThan(0.95);
    expect(Array.from(nnDescent(host, 14, new Generator(5)).indices)).toEqual(Array.from(approx.indices));
  });

  it('trustworthiness is 1 for an isometric copy and lower for a shuffled one', () => {
    const t = digitsLike(300, 2);
    expect(trustworthiness(t.data, 64, t.data, 64, t.rows)).toBeCloseTo(1, 12);
    const shuffled = new Float32Array(t.data.length);
    const p = new Generator(1).permutation(t.rows);
    for (let i = 0; i < t.rows; i++) shuffled.set(t.data.subarray(p[i]! * 64, p[i]! * 64 + 64), i * 64);
    expect(trustworthiness(t.data, 64, shuffled, 64, t.rows)).toBeLessThan(0.6);
  });
});

describe('UMAP on a 1,797 x 64 digits-like table', () => {
  // 1,797 rows to embed, 200 more of the same classes to transform
  const all = digitsLike(1997);
  const t = { data: all.data.subarray(0, 1797 * 64), labels: all.labels.slice(0, 1797), rows: 1797, cols: 64 };
  const held = { data: all.data.subarray(1797 * 64), labels: all.labels.slice(1797), rows: 200 };
  it('exact neighbours, spectral init: k-NN label agreement >= 0.96, trustworthiness >= 0.9, same seed same bytes (time printed, not tested)', async () => {
    const x = be.tensor(t.data, [t.rows, t.cols]);
    const t0 = performance.now();
    const r = await umap(x, { seed: 1 });
    const seconds = (performance.now() - t0) / 1000;
    const q = knnLabelAgreement(r.embedding, 2, t.labels);
    const tw = trustworthiness(t.data, 64, r.embedding, 2, t.rows);
    console.log(`umap digits-like exact: ${seconds.toFixed(2)} s, agreement ${q.agreement.toFixed(4)}, accuracy ${q.accuracy.toFixed(4)}, trustworthiness ${tw.toFixed(4)}`);
    expect(q.agreement).toBeGreaterThanOrEqual(0.96);
    expect(tw).toBeGreaterThanOrEqual(0.9);
    // same seed, same bytes (a short run); another seed, other bytes
    const short1 = await umap(x, { seed: 1, epochs: 30 });
    const short2 = await umap(x, { seed: 1, epochs: 30 });
    expect(Buffer.from(short2.embedding.buffer).equals(Buffer.from(short1.embedding.buffer))).toBe(true);
    const other = await umap(x, { seed: 2, epochs: 30 });
    expect(Buffer.from(other.embedding.buffer).equals(Buffer.from(short1.embedding.buffer))).toBe(false);

    // transform: held-out rows of the same classes land among their class
    const y = await r.transform(be.tensor(held.data, [held.rows, 64]), { seed: 1 });
    let correct = 0;
    for (let i = 0; i < held.rows; i++) {
      let best = -1, bd = Infinity;
      for (let j = 0; j < t.rows; j++) {
        const d = (y[i * 2]! - r.embedding[j * 2]!) ** 2 + (y[i * 2 + 1]! - r.embedding[j * 2 + 1]!) ** 2;
        if (d < bd) { bd = d; best = j; }
      }
      if (t.labels[best] === held.labels[i]) correct++;
    }
    console.log(`umap transform: 1-NN label accuracy of 200 new rows ${(correct / held.rows).toFixed(4)}`);
    expect(correct / held.rows).toBeGreaterThanOrEqual(0.9);
    x.dispose();
  }, 120_000);
});

const DIGITS = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz';
describe.runIf(existsSync(DIGITS))('UMAP on scikit-learn\'s digits (1,797 x 64; python3-sklearn\'s copy)', () => {
  it('k-NN label agreement >= 0.96 with exact and NN-descent neighbours (time printed, not tested)', async () => {
    const lines = gunzipSync(readFileSync(DIGITS)).toString().trim().split('\n').map((l) => l.split(',').map(Number));
    const data = Float32Array.from(lines.flatMap((l) => l.slice(0, 64)));
    const labels = lines.map((l) => l[64]!);
    const x = be.tensor(data, [lines.length, 64]);
    for (const neighbourMethod of ['exact', 'nn-descent'] as const) {
      const t0 = performance.now();
      const r = await umap(x, { seed: 0, neighbourMethod });
      const seconds = (performance.now() - t0) / 1000;
      const q = knnLabelAgreement(r.embedding, 2, labels);
      const tw = trustworthiness(data, 64, r.embedding, 2, lines.length);
      console.log(`umap digits ${neighbourMethod}: ${seconds.toFixed(2)} s, agreement ${q.agreement.toFixed(4)}, accuracy ${q.accuracy.toFixed(4)}, trustworthiness ${tw.toFixed(4)}`);
      expect(q.agreement).toBeGreaterThanOrEqual(0.96);
      expect(tw).toBeGreaterThanOrEqual(0.95);
      }
    x.dispose();
  }, 120_000);
});

describe('UMAP errors', () => {
  it('names the option and the fix', async () => {
    const x = be.tensor(Float32Array.from({ length: 80 }, (_, i) => Math.sin(i)), [20, 4]);
    await expect(umap(x, { neighbours: 1 })).rejects.toThrow(/neighbours must be an integer in \[2, 20\]/);
    await expect(umap(x, { neighbours: 30 })).rejects.toThrow(/neighbours must be an integer in \[2, 20\]/);
    await expect(umap(x, { minDist: 2 })).rejects.toThrow(/minDist must lie in \[0, spread = 1\]/);
    await expect(umap(x, { init: 'tsne' as never })).rejects.toThrow(/init must be 'spectral', 'pca', 'random'/);
    const bad = be.tensor(Float32Array.from({ length: 80 }, (_, i) => (i === 7 ? NaN : i)), [20, 4]);
    await expect(umap(bad)).rejects.toThrow(/row 1, column 3 .* not finite/);
    x.dispose();
    bad.dispose();
  });
});
