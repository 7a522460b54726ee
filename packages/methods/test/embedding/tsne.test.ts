/**
 * t-SNE: separated clusters stay apart, the perplexity calibration meets the
 * target entropy, the KL falls, exact and Barnes-Hut agree, seeds reproduce,
 * and the Barnes-Hut tree is exact at theta = 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, Generator, type Backend } from '@relevance/core-wasm';
import { BarnesHutObjective } from '../../src/embedding/barnes-hut-objective.js';
import { ExactObjective } from '../../src/embedding/exact-objective.js';
import { negativeEntropy } from '../../src/embedding/joint-probabilities.js';
import { calibratePerplexity } from '../../src/embedding/perplexity.js';
import { pcaProjection } from '../../src/embedding/pca.js';
import { nearestNeighbours, squaredDistanceMatrix } from '../../src/embedding/pairwise-distances.js';
import { SpacePartitioningTree } from '../../src/embedding/space-partitioning-tree.js';
import { exactKlDivergence, denseToSparse } from '../../src/embedding/exact-kl.js';
import { tsne, tsneAffinities, type TsneResult } from '../../src/embedding/tsne.js';

let be: Backend;
beforeAll(async () => {
  // the wasm backend is the fast one; fall back to the reference backend where it cannot start
  be = await createBackend('wasm').catch(() => createBackend('reference'));
});
afterAll(() => be.destroy());

/** `k` Gaussian clusters of `per` points in `p` dimensions, centres N(0, 8^2) apart. */
function clusters(k: number, per: number, p: number, seed: number): { data: Float32Array; labels: number[] } {
  const g = new Generator(seed);
  const data = new Float32Array(k * per * p);
  const labels: number[] = [];
  for (let c = 0; c < k; c++) {
    const centre = Array.from({ length: p }, () => 8 * g.normal());
    for (let r = 0; r < per; r++) {
      labels.push(c);
      for (let j = 0; j < p; j++) data[(c * per + r) * p + j] = centre[j]! + g.normal();
    }
  }
  return { data, labels };
}

/** Fraction of points whose k nearest embedded neighbours mostly share their label. */
function knnAgreement(result: TsneResult, labels: number[], k = 10): number {
  const { embedding: y, rows: n, dims } = result;
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const d = Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let t = 0; t < dims; t++) s += (y[i * dims + t]! - y[j * dims + t]!) ** 2;
      return [s, j] as const;
    }).filter(([, j]) => j !== i).sort((a, b) => a[0] - b[0]).slice(0, k);
    agree += d.filter(([, j]) => labels[j] === labels[i]).length / k;
  }
  return agree / n;
}

describe('tsne', () => {
  const { data, labels } = clusters(4, 50, 10, 3);
  let exact: TsneResult;
  let barnesHut: TsneResult;

  beforeAll(async () => {
    const x = be.tensor(data, [200, 10]);
    exact = await tsne(x, { method: 'exact', perplexity: 20, iterations: 500, seed: 1 });
    barnesHut = await tsne(x, { method: 'barnes-hut', perplexity: 20, iterations: 500, seed: 1 });
    x.dispose();
  });

  it('keeps well-separated clusters apart (10-NN label agreement >= 0.95), exact and Barnes-Hut', () => {
    expect(exact.method).toBe('exact');
    expect(barnesHut.method).toBe('barnes-hut');
    expect(knnAgreement(exact, labels)).toBeGreaterThanOrEqual(0.95);
    expect(knnAgreement(barnesHut, labels)).toBeGreaterThanOrEqual(0.95);
    expect(exact.embedding.length).toBe(400);
  });

  it('calibrates every point to the target entropy log(perplexity) within 1e-4', () => {
    for (const r of [exact, barnesHut]) {
      expect(r.unconverged).toBe(0);
      for (const achieved of r.perplexities) expect(Math.abs(Math.log(achieved) - Math.log(20))).toBeLessThan(1e-4);
    }
  });

  it('lowers the KL divergence during optimisation', () => {
    for (const r of [exact, barnesHut]) {
      const first = r.klCurve[0]!.kl;
      const afterExaggeration = r.klCurve.find((c) => c.iteration === 250)!.kl;
      expect(r.kl).toBeLessThan(first);
      expect(r.kl).toBeLessThan(afterExaggeration);
      expect(r.klCurve.at(-1)!.iteration).toBe(500);
      expect(r.kl).toBeGreaterThan(0);
    }
  });

  it('exact and Barnes-Hut (theta 0.5) reach similar KL divergences', () => {
    expect(Math.abs(exact.kl - barnesHut.kl) / exact.kl).toBeLessThan(0.1);
  });

  it('gives identical output for the same seed (random initialisation)', async () => {
    const x = be.tensor(data.subarray(0, 100 * 10), [100, 10]);
    const a = await tsne(x, { init: 'random', seed: 7, perplexity: 10, iterations: 120, exaggerationIterations: 50 });
    const b = await tsne(x, { init: 'random', seed: 7, perplexity: 10, iterations: 120, exaggerationIterations: 50 });
    const c = await tsne(x, { init: 'random', seed: 8, perplexity: 10, iterations: 120, exaggerationIterations: 50 });
    x.dispose();
    expect(a.embedding).toEqual(b.embedding);
    expect(a.kl).toBe(b.kl);
    expect(a.embedding).not.toEqual(c.embedding);
  });

  it('embeds in 3-D with the octree', async () => {
    const x = be.tensor(data, [200, 10]);
    const r = await tsne(x, { method: 'barnes-hut', dims: 3, perplexity: 20, iterations: 300, seed: 1 });
    x.dispose();
    expect(r.dims).toBe(3);
    expect(knnAgreement(r, labels)).toBeGreaterThanOrEqual(0.95);
  });

  it('rejects a perplexity that is not below the number of points, naming the fix', async () => {
    const x = be.tensor(data.subarray(0, 20 * 10), [20, 10]);
    await expect(tsne(x, { perplexity: 30 })).rejects.toThrow(/perplexity must lie in \(1, 20\)/);
    x.dispose();
  });
});

describe('t-SNE building blocks', () => {
  it('calibration reaches log(perplexity) within 1e-5 on raw distances', () => {
    const g = new Generator(2);
    const n = 60;
    const d = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = i === j ? 0 : 1 + 100 * g.uniform();
    const c = calibratePerplexity(d, n, n, (i) => i, { perplexity: 15 });
    expect(c.unconverged).toBe(0);
    for (let i = 0; i < n; i++) {
      let h = 0;
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const p = c.probabilities[i * n + j]!;
        sum += p;
        if (p > 0) h -= p * Math.log(p);
      }
      expect(sum).toBeCloseTo(1, 12);
      expect(c.probabilities[i * n + i]).toBe(0);
      expect(Math.abs(h - Math.log(15))).toBeLessThan(1e-5);
    }
  });

  it('GEMM distances and exact k-NN match brute force', async () => {
    const g = new Generator(4);
    const n = 70;
    const p = 6;
    const data = Float32Array.from({ length: n * p }, () => 100 + g.normal());
    const x = { data, rows: n, cols: p };
    const d = await squaredDistanceMatrix(be, x);
    const knn = await nearestNeighbours(be, x, 5);
    for (let i = 0; i < n; i++) {
      const brute = Array.from({ length: n }, (_, j) => {
        let s = 0;
        for (let t = 0; t < p; t++) s += (data[i * p + t]! - data[j * p + t]!) ** 2;
        return s;
      });
      for (let j = 0; j < n; j++) expect(Math.abs(d[i * n + j]! - brute[j]!)).toBeLessThan(1e-3 * Math.max(1, brute[j]!));
      const order = brute.map((s, j) => [s, j] as const).filter(([, j]) => j !== i).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      expect(Array.from(knn.indices.subarray(i * 5, i * 5 + 5))).toEqual(order.slice(0, 5).map(([, j]) => j));
    }
  });

  it('the quadtree and octree give exact repulsion at theta = 0 and close repulsion at 0.5', () => {
    const g = new Generator(5);
    for (const dims of [2, 3] as const) {
      const n = 300;
      const y = Float64Array.from({ length: n * dims }, () => g.normal());
      // two coincident points exercise the multi-point leaf
      for (let k = 0; k < dims; k++) y[dims + k] = y[k]!;
      const tree = new SpacePartitioningTree(dims);
      tree.build(y, n);
      const force = new Float64Array(3);
      let zExact = 0;
      let zTree = 0;
      let zApprox = 0;
      for (let i = 0; i < n; i++) {
        const f = [0, 0, 0];
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          let s = 0;
          for (let k = 0; k < dims; k++) s += (y[i * dims + k]! - y[j * dims + k]!) ** 2;
          const q = 1 / (1 + s);
          zExact += q;
          for (let k = 0; k < dims; k++) f[k]! += q * q * (y[i * dims + k]! - y[j * dims + k]!);
        }
        zTree += tree.repulsion(i, 0, force);
        for (let k = 0; k < dims; k++) expect(force[k]).toBeCloseTo(f[k]!, 10);
        zApprox += tree.repulsion(i, 0.25, force);
      }
      expect(zTree).toBeCloseTo(zExact, 6);
      expect(Math.abs(zApprox - zExact) / zExact).toBeLessThan(0.01);
    }
  });

  it('the backend gradient and KL of exact t-SNE equal the Barnes-Hut ones at theta = 0', async () => {
    const g = new Generator(6);
    const n = 80;
    const dims = 2;
    // a symmetric P with zero diagonal summing to 1, dense and as CSR
    const dense = new Float32Array(n * n);
    let total = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const v = g.uniform() ** 4;
      dense[i * n + j] = v;
      dense[j * n + i] = v;
      total += 2 * v;
    }
    for (let i = 0; i < dense.length; i++) dense[i]! /= total;
    const rowStart = Int32Array.from({ length: n + 1 }, (_, i) => i * (n - 1));
    const columns = new Int32Array(n * (n - 1));
    const values = new Float64Array(n * (n - 1));
    for (let i = 0, t = 0; i < n; i++) for (let j = 0; j < n; j++) if (j !== i) {
      columns[t] = j;
      values[t++] = dense[i * n + j]!;
    }
    const y = Float64Array.from({ length: n * dims }, () => 3 * g.normal());
    const exact = new ExactObjective(be, dense, n, dims, negativeEntropy(dense));
    const tree = new BarnesHutObjective({ rows: n, rowStart, columns, values }, dims, 0, negativeEntropy(values));
    for (const exaggeration of [1, 12]) {
      const ge = new Float64Array(n * dims);
      const gt = new Float64Array(n * dims);
      const kle = await exact.gradient(y, exaggeration, ge, true);
      const klt = await tree.gradient(y, exaggeration, gt, true);
      const scale = Math.max(...gt.map(Math.abs));
      for (let i = 0; i < ge.length; i++) expect(Math.abs(ge[i]! - gt[i]!)).toBeLessThan(1e-4 * scale);
      expect(kle).toBeCloseTo(klt, 4);
    }
    exact.dispose();
  });

  it('PCA finds a dominant direction, exactly for narrow data and by the randomised range finder for wide data', async () => {
    for (const p of [20, 300]) {
      const g = new Generator(p);
      const n = 120;
      const direction = Float64Array.from({ length: p }, () => g.normal());
      const norm = Math.hypot(...direction);
      const scores = Float64Array.from({ length: n }, () => 10 * g.normal());
      // PCA projects centred data: compare with centred scores
      const mean = scores.reduce((a, b) => a + b, 0) / n;
      const centred = Float64Array.from(scores, (s) => s - mean);
      const data = new Float32Array(n * p);
      for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) data[i * p + j] = (scores[i]! * direction[j]!) / norm + 0.01 * g.normal();
      const y = await pcaProjection(be, { data, rows: n, cols: p }, 2, new Generator(1));
      // the first coordinate is the score along the direction, up to sign
      const first = Float64Array.from({ length: n }, (_, i) => y[i * 2]!);
      let dot = 0, a = 0, b = 0;
      for (let i = 0; i < n; i++) {
        dot += first[i]! * centred[i]!;
        a += first[i]! ** 2;
        b += centred[i]! ** 2;
      }
      expect(Math.abs(dot) / Math.sqrt(a * b)).toBeGreaterThan(0.999);
    }
  });

  it('exactKlDivergence equals sum p log(p / q) over all pairs, and the exact objective\'s KL on a t-SNE result', async () => {
    const g = new Generator(9);
    const n = 40;
    const dense = new Float64Array(n * n);
    let total = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const v = g.uniform() < 0.3 ? 0 : g.uniform() ** 3;
      dense[i * n + j] = v;
      dense[j * n + i] = v;
      total += 2 * v;
    }
    for (let i = 0; i < dense.length; i++) dense[i]! /= total;
    const y = Float64Array.from({ length: n * 2 }, () => 2 * g.normal());
    const w = (i: number, j: number): number => 1 / (1 + (y[2 * i]! - y[2 * j]!) ** 2 + (y[2 * i + 1]! - y[2 * j + 1]!) ** 2);
    let z = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) z += w(i, j);
    let direct = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (dense[i * n + j]! > 0) direct += dense[i * n + j]! * Math.log(dense[i * n + j]! / (w(i, j) / z));
    const sparse = denseToSparse(dense, n);
    expect(sparse.values.length).toBe(dense.filter((v) => v > 0).length);
    expect(exactKlDivergence(sparse, y, 2)).toBeCloseTo(direct, 10);
    expect(() => exactKlDivergence(sparse, y.subarray(2), 2)).toThrow(/\[40, 2\]/);

    // the exact method's own KL (float32 kernels) at its final map, against tsneAffinities' P
    const { data } = clusters(3, 30, 8, 4);
    const x = be.tensor(data, [90, 8]);
    const r = await tsne(x, { method: 'exact', perplexity: 15, iterations: 200, seed: 2 });
    const p = await tsneAffinities(x, { method: 'exact', perplexity: 15 });
    const knn = await tsneAffinities(x, { method: 'barnes-hut', perplexity: 15 });
    x.dispose();
    let sum = 0;
    for (const v of p.values) sum += v;
    expect(sum).toBeCloseTo(1, 12);
    expect(p.values.length).toBe(90 * 89);
    expect(knn.values.length).toBeLessThan(p.values.length);
    expect(exactKlDivergence(p, r.embedding, 2)).toBeCloseTo(r.kl, 3);
  });
});
