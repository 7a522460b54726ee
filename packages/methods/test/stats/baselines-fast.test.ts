/**
 * The fast baseline kernels against the straightforward ones they replaced
 * (bench/baselines-reference.ts: the code of main before the change) or a
 * plain reference written here: byte for byte, on awkward shapes (NaN rows,
 * all-NaN and constant columns, ties, 2 rows, p = 1..3).
 */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { stats } from '../../src/index.js';
import { randomMatrix } from '../helpers/chain-data.js';
import { referenceBayesianBlocksEdges, referenceCorrelationMatrix, referenceGraphicalLasso, referenceGraphicalLassoEbic } from '../../bench/baselines-reference.js';

/** Same bytes (NaN payloads included). */
function expectSameBytes(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  const a = Float64Array.from(actual), e = Float64Array.from(expected);
  expect(a.length).toBe(e.length);
  expect(Buffer.from(a.buffer).equals(Buffer.from(e.buffer))).toBe(true);
}

/** The awkward shapes: p = 1..3, 2 rows, a NaN row, an all-NaN column, a constant column, heavy ties. */
function awkwardMatrices(): Array<{ name: string; d: stats.DataMatrix }> {
  const out = [
    { name: 'p=1', d: randomMatrix(20, 1, 1, 0.1) },
    { name: 'p=2', d: randomMatrix(20, 2, 2, 0.2) },
    { name: 'p=3 complete', d: randomMatrix(30, 3, 3, 0) },
    { name: '2 rows', d: randomMatrix(2, 4, 4, 0) },
    { name: '2 rows with NaN', d: randomMatrix(2, 4, 5, 0.3) },
    { name: '3 rows', d: randomMatrix(3, 4, 6, 0.1) },
    { name: 'ties, 10% NaN', d: randomMatrix(120, 7, 7, 0.1, 0) },
    { name: 'continuous, 7% NaN', d: randomMatrix(300, 9, 8, 0.07) },
    { name: 'complete with ties', d: randomMatrix(80, 5, 9, 0, 1) },
  ];
  const special = randomMatrix(60, 6, 10, 0.05, 1);
  for (let i = 0; i < 60; i++) {
    special.values[i * 6 + 1] = NaN; // all-NaN column
    special.values[i * 6 + 2] = 3; // constant column
  }
  for (let j = 0; j < 6; j++) special.values[7 * 6 + j] = NaN; // a NaN row
  out.push({ name: 'all-NaN, constant column, NaN row', d: special });
  const halfMissing = randomMatrix(50, 4, 11, 0);
  for (let i = 0; i < 50; i++) if (i % 2) halfMissing.values[i * 4] = NaN; else halfMissing.values[i * 4 + 3] = NaN; // columns 0 and 3 never overlap
  out.push({ name: 'disjoint columns', d: halfMissing });
  return out;
}

describe('correlationMatrix: same bytes as per-pair ranking and correlation', () => {
  for (const { name, d } of awkwardMatrices()) {
    for (const method of ['pearson', 'spearman'] as const) {
      it(`${method}, ${name}`, () => expectSameBytes(stats.correlationMatrix(d, method), referenceCorrelationMatrix(d, method)));
    }
  }
});

describe('graphical lasso: same bytes as the dense sums', () => {
  const cases = [
    { name: 'p=1', d: randomMatrix(40, 1, 21, 0) },
    { name: 'p=2', d: randomMatrix(40, 2, 22, 0) },
    { name: 'p=3 with NaN', d: randomMatrix(40, 3, 23, 0.1) },
    { name: 'p=12 with NaN and a constant column', d: (() => {
      const m = randomMatrix(200, 12, 24, 0.07);
      for (let i = 0; i < 200; i++) m.values[i * 12 + 5] = 1;
      return m;
    })() },
  ];
  for (const { name, d } of cases) {
    it(`${name}: every lambda of a path, and the EBIC choice`, () => {
      const s = stats.standardizedCovariance(d);
      for (const lambda of [0.01, 0.05, 0.2, 0.6]) {
        const fast = stats.graphicalLasso(s, d.cols, lambda), ref = referenceGraphicalLasso(s, d.cols, lambda);
        expectSameBytes(fast.precision, ref.precision);
        expectSameBytes(fast.covariance, ref.covariance);
        expect([fast.iterations, fast.converged]).toEqual([ref.iterations, ref.converged]);
      }
      if (d.cols > 1) {
        const fast = stats.graphicalLassoEbic(s, d.cols, d.rows), ref = referenceGraphicalLassoEbic(s, d.cols, d.rows);
        expectSameBytes(fast.precision, ref.precision);
        expect([fast.lambda, fast.ebic]).toEqual([ref.lambda, ref.ebic]);
      }
    });
  }
});

describe('Bayesian blocks with pruning: the same edges as the full O(u^2) scan', () => {
  const g = new Generator(31);
  const samples: Array<{ name: string; x: Float64Array }> = [
    { name: 'one value', x: Float64Array.of(2.5) },
    { name: 'two values', x: Float64Array.of(1, 3) },
    { name: 'three with a tie', x: Float64Array.of(1, 1, 4) },
    { name: 'normal, 500', x: Float64Array.from({ length: 500 }, () => g.normal()) },
    { name: 'mixture of narrow peaks, 1500', x: Float64Array.from({ length: 1500 }, (_, i) => (i % 3) * 4 + 0.05 * g.normal()) },
    { name: 'integers with many ties, 800', x: Float64Array.from({ length: 800 }, () => Math.round(3 * g.normal())) },
    { name: 'median-imputed (a tall spike), 1000', x: Float64Array.from({ length: 1000 }, (_, i) => (i % 14 === 0 ? 0 : g.normal())) },
    { name: 'exponential, 2000', x: Float64Array.from({ length: 2000 }, () => -Math.log(1 - g.uniform())) },
    { name: 'large offset, fine resolution, 1500', x: Float64Array.from({ length: 1500 }, (_, i) => 1e6 + 1e-4 * g.normal() + (i % 2) * 1e-3) },
    { name: 'a gap of 1e9 between two clusters, 600', x: Float64Array.from({ length: 600 }, (_, i) => (i % 2) * 1e9 + g.normal()) },
  ];
  for (const { name, x } of samples) {
    it(name, () => expectSameBytes(stats.bayesianBlocksEdges(x), referenceBayesianBlocksEdges(x)));
  }

  it('PIDC and CLR give the same scores from pre-discretised columns as from the matrix', () => {
    const d = randomMatrix(150, 6, 32, 0.07);
    const disc = stats.discretizeColumns(d);
    expectSameBytes(stats.pidc(disc).scores, stats.pidc(d).scores);
    expectSameBytes(stats.clr(disc), stats.clr(d));
    expect(() => stats.pidc(disc.slice(0, 2))).toThrow(/at least 3 genes/);
  });
});

interface RefTree { feature: number[]; bin: number[]; value: number[]; left: number[]; right: number[]; importance: Float64Array }

/**
 * The histogram tree of trees.ts written plainly: every node's drawn
 * features scanned over all 256 bins (per-bin sums in sample order, then
 * added bin by bin), nodes of <= 32 samples summed sample by sample in bin
 * order, the same feature draws, the same in-place partition and node order.
 */
function referenceTree(data: stats.BinnedMatrix, y: Float64Array, weight: Float64Array, sample: Int32Array, count: number, o: stats.TreeFitOptions): RefTree {
  const t: RefTree = { feature: [], bin: [], value: [], left: [], right: [], importance: new Float64Array(data.cols) };
  const order = Int32Array.from(o.candidates);
  const binOf = (f: number, i: number): number => data.bins[f * data.rows + i]!;
  let nodes = 1;
  const stack: number[][] = [[0, 0, count, 0]];
  while (stack.length > 0) {
    const [node, start, end, depth] = stack.pop()!;
    let W = 0, S = 0, Q = 0;
    for (let k = start; k < end; k++) { const i = sample[k]!; W += weight[i]!; S += weight[i]! * y[i]!; Q += weight[i]! * y[i]! * y[i]!; }
    t.feature[node] = -1;
    t.value[node] = W > 0 ? S / W : 0;
    const m = end - start;
    if (depth >= o.maxDepth || m < 2 * o.minLeaf || !(Q - (S * S) / W > 1e-12 * (Q + 1e-300))) continue;
    let bestF = -1, bestB = -1, bestGain = 0, visited = 0;
    for (let k = 0; k < order.length && visited < o.maxFeatures; k++) {
      const r = k + o.rng.int(order.length - k);
      const f = order[r]!;
      order[r] = order[k]!;
      order[k] = f;
      const inNode = Array.from(sample.subarray(start, end));
      const present = [...new Set(inNode.map((i) => binOf(f, i)))].sort((a, b) => a - b);
      if (present.length < 2) continue;
      visited++;
      let wl = 0, sl = 0, cl = 0;
      for (const b of present.slice(0, -1)) {
        const rows = inNode.filter((i) => binOf(f, i) === b);
        if (m > 32) {
          let hw = 0, hs = 0;
          for (const i of rows) { hw += weight[i]!; hs += weight[i]! * y[i]!; }
          wl += hw; sl += hs;
        } else for (const i of rows) { wl += weight[i]!; sl += weight[i]! * y[i]!; }
        cl += rows.length;
        if (cl < o.minLeaf || m - cl < o.minLeaf || wl <= 0 || W - wl <= 0) continue;
        const gain = (sl * sl) / wl + ((S - sl) * (S - sl)) / (W - wl) - (S * S) / W;
        if (gain > bestGain * (1 + 1e-12) + 1e-300) { bestGain = gain; bestF = f; bestB = b; }
      }
    }
    if (bestF < 0) continue;
    t.importance[bestF] += bestGain;
    t.feature[node] = bestF;
    t.bin[node] = bestB;
    let i = start, j = end - 1;
    while (i <= j) {
      if (binOf(bestF, sample[i]!) <= bestB) i++;
      else { const s = sample[i]!; sample[i] = sample[j]!; sample[j] = s; j--; }
    }
    const left = nodes++, right = nodes++;
    t.left[node] = left;
    t.right[node] = right;
    stack.push([left, start, i, depth + 1], [right, i, end, depth + 1]);
  }
  return t;
}

describe('histogram trees: the same trees as the plain reference', () => {
  const shapes = [
    { n: 2, weights: 'unit' }, { n: 9, weights: 'bootstrap' }, { n: 40, weights: 'bootstrap' },
    { n: 300, weights: 'unit' }, { n: 300, weights: 'bootstrap' }, { n: 1200, weights: 'unit' }, { n: 1200, weights: 'bootstrap' },
  ] as const;
  for (const { n, weights } of shapes) {
    for (const [maxDepth, minLeaf, maxFeatures] of [[Infinity, 1, 2], [3, 1, 5], [Infinity, 3, 5]] as const) {
      it(`n=${n}, ${weights} weights, depth ${maxDepth}, minLeaf ${minLeaf}, ${maxFeatures} features per split`, () => {
        const d = randomMatrix(n, 6, 40 + n, 0.1, n > 100 ? undefined : 1);
        for (let i = 0; i < n; i++) { d.values[i * 6 + 4] = 2; d.values[i * 6 + 3] = i % 3; } // a constant column, one with 3 values
        const binned = stats.binColumns(d);
        const g = new Generator(5);
        const y = Float64Array.from({ length: n }, () => g.normal());
        const builder = new stats.HistogramTreeBuilder(binned);
        for (let i = 0; i < n; i++) builder.weight[i] = weights === 'unit' ? (i % 5 === 0 ? 0 : 1) : 0;
        if (weights === 'bootstrap') for (let k = 0; k < n; k++) builder.weight[g.int(n)]++;
        let count = 0;
        for (let i = 0; i < n; i++) if (builder.weight[i]! > 0) builder.sample[count++] = i;
        const sample0 = Int32Array.from(builder.sample);
        const candidates = Int32Array.of(0, 1, 2, 3, 4);
        builder.fit(y, count, { candidates, maxFeatures, maxDepth, minLeaf, rng: new Generator(9) });
        const ref = referenceTree(binned, y, builder.weight, sample0, count, { candidates, maxFeatures, maxDepth, minLeaf, rng: new Generator(9) });
        const nodes = builder.nodeCount;
        expect(nodes).toBe(ref.feature.length);
        expect(Array.from(builder.tree.feature.subarray(0, nodes))).toEqual(ref.feature);
        const internal = ref.feature.flatMap((f, k) => (f >= 0 ? [k] : []));
        expect(internal.map((k) => builder.tree.bin[k])).toEqual(internal.map((k) => ref.bin[k]));
        expect(internal.map((k) => [builder.tree.left[k], builder.tree.right[k]])).toEqual(internal.map((k) => [ref.left[k], ref.right[k]]));
        expectSameBytes(builder.tree.value.subarray(0, nodes), ref.value);
        expectSameBytes(builder.importance, ref.importance);
        if (n >= 300) expect(nodes).toBeGreaterThan(7); // the case reaches the histogram path, not only small nodes
      });
    }
  }
});
