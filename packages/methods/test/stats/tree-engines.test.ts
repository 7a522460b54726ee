/**
 * The two tree engines of GENIE3 and GRNBoost2 (src/stats/tree-engines.ts): the wasm kernel of
 * @relevance/core-wasm (assembly/trees.ts) against the TypeScript reference (HistogramTreeBuilder),
 * byte for byte: every node, threshold, leaf value, importance and prediction, the generator left at the
 * same draw, and the whole methods' scores, on awkward shapes (2 rows, p = 2 and 3, NaN rows, a constant
 * column, heavy ties, depth and leaf limits, the histogram and the small-node paths, 2 threads).
 */
import { describe, expect, it } from 'vitest';
import { Generator, HistogramTreeKernel, treeKernelFailure } from '@relevance/core-wasm';
import { stats } from '../../src/index.js';
import { createTreeBuilder, WasmTreeBuilder, type TreeBuilder } from '../../src/stats/tree-engines.js';
import { HistogramTreeBuilder } from '../../src/stats/trees.js';
import { randomMatrix } from '../helpers/chain-data.js';

function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const x = Float64Array.from(a), y = Float64Array.from(b);
  return x.length === y.length && Buffer.from(x.buffer).equals(Buffer.from(y.buffer));
}

describe('tree engines', () => {
  it('Node compiles the wasm kernel: the default builder is the wasm one', () => {
    const binned = stats.binColumns(randomMatrix(10, 3, 1, 0));
    const builder = createTreeBuilder(binned);
    expect(treeKernelFailure()).toBeUndefined();
    expect(builder).toBeInstanceOf(WasmTreeBuilder);
    expect(createTreeBuilder(binned, 'reference')).toBeInstanceOf(HistogramTreeBuilder);
  });

  it('a hand-computed tree: one split, importance = the squared-error decrease', () => {
    const kernel = HistogramTreeKernel.create(4, 1)!;
    kernel.bins.set([0, 0, 1, 1]);
    kernel.binCount.set([2]);
    kernel.sample.set([0, 1, 2, 3]);
    kernel.weight.set([1, 1, 1, 1]);
    kernel.y.set([0, 0, 1, 1]);
    kernel.candidates.set([0]);
    const rootW = kernel.fit(4, 1, 1, Infinity, 1, new Generator(1));
    // root: W = 4, S = 2, base S^2/W = 1; left (bin 0) S = 0, right S = 2 over W = 2: gain 0 + 2 - 1 = 1
    expect(rootW).toBe(4);
    expect(kernel.nodeCount).toBe(3);
    expect([kernel.tree.feature[0], kernel.tree.bin[0], kernel.tree.left[0], kernel.tree.right[0]]).toEqual([0, 0, 1, 2]);
    expect(Array.from(kernel.tree.value.subarray(0, 3))).toEqual([0.5, 0, 1]);
    expect(kernel.importance[0]).toBe(1);
  });

  const shapes = [
    { n: 2, weights: 'unit' }, { n: 9, weights: 'bootstrap' }, { n: 40, weights: 'bootstrap' }, { n: 40, weights: 'unit' },
    { n: 300, weights: 'unit' }, { n: 300, weights: 'bootstrap' }, { n: 1300, weights: 'unit' }, { n: 1300, weights: 'bootstrap' },
  ] as const;
  for (const { n, weights } of shapes) {
    for (const [maxDepth, minLeaf, maxFeatures] of [[Infinity, 1, 2], [3, 1, 5], [Infinity, 3, 5], [2.5, 2, 1]] as const) {
      it(`n=${n}, ${weights} weights, depth ${maxDepth}, minLeaf ${minLeaf}, ${maxFeatures} features per split: the same tree, predictions and draws`, () => {
        const d = randomMatrix(n, 6, 40 + n, 0.1, n > 100 ? undefined : 1);
        for (let i = 0; i < n; i++) { d.values[i * 6 + 4] = 2; d.values[i * 6 + 3] = i % 3; } // a constant column, one with 3 values
        const binned = stats.binColumns(d);
        const g = new Generator(5);
        const y = Float64Array.from({ length: n }, () => g.normal());
        const w = new Float64Array(n);
        for (let i = 0; i < n; i++) w[i] = weights === 'unit' ? (i % 5 === 0 ? 0 : 1) : 0;
        if (weights === 'bootstrap') for (let k = 0; k < n; k++) w[g.int(n)]++;
        const candidates = Int32Array.of(0, 1, 2, 3, 4);
        const fitted = (builder: TreeBuilder) => {
          builder.weight.set(w);
          let count = 0;
          for (let i = 0; i < n; i++) if (w[i]! > 0) builder.sample[count++] = i;
          const rng = new Generator(9);
          rng.int(7); // start inside a buffered block
          const rootW = builder.fit(y, count, { candidates, maxFeatures, maxDepth, minLeaf, rng });
          return { rootW, nodes: builder.nodeCount, importance: Float64Array.from(builder.importance), predictions: Float64Array.from({ length: n }, (_, i) => builder.predict(i)), next: [rng.int(1000003), rng.uniform()] };
        };
        const ref = fitted(new HistogramTreeBuilder(binned));
        const wasm = fitted(createTreeBuilder(binned, 'wasm'));
        expect(wasm.rootW).toBe(ref.rootW);
        expect(wasm.nodes).toBe(ref.nodes);
        expect(sameBytes(wasm.importance, ref.importance)).toBe(true);
        expect(sameBytes(wasm.predictions, ref.predictions)).toBe(true);
        expect(wasm.next).toEqual(ref.next);
        if (n >= 300 && maxDepth === Infinity) expect(ref.nodes).toBeGreaterThan(40); // reaches the histogram path, not only small nodes
      });
    }
  }

  // Paths of the kernel's own: rows of weight 0 among the fitted samples (bins are then found by counting
  // samples, not by their weight), and a generator whose block counter crosses 2^32 inside the kernel's
  // refill of four blocks at once.
  const streams = [
    { name: 'rows of weight 0 among the samples', zeros: true, counter: 0, position: 4 },
    { name: 'the block counter crossing 2^32 during the fit', zeros: false, counter: 2 ** 32 - 3, position: 2 },
  ];
  for (const n of [40, 300]) {
    it.each(streams)(`n=${n}, $name: the same tree, predictions and draws`, ({ zeros, counter, position }) => {
      const d = randomMatrix(n, 6, 70 + n, 0.05);
      for (let i = 0; i < n; i++) d.values[i * 6 + 3] = i % 3;
      const binned = stats.binColumns(d);
      const g = new Generator(11);
      const y = Float64Array.from({ length: n }, () => g.normal());
      const w = new Float64Array(n);
      for (let k = 0; k < n; k++) w[g.int(n)]++;
      // with zeros: column 3 is constant over the rows of positive weight, not over the samples
      if (zeros) for (let i = 0; i < n; i++) if (i % 3 !== 0) w[i] = 0;
      const fitted = (builder: TreeBuilder) => {
        builder.weight.set(w);
        let count = 0;
        for (let i = 0; i < n; i++) if (zeros || w[i]! > 0) builder.sample[count++] = i;
        const rng = new Generator(13);
        rng.setHostStream(counter, position, [1, 2, 3, 4]);
        const rootW = builder.fit(y, count, { candidates: Int32Array.of(0, 1, 2, 3, 4, 5), maxFeatures: 2, maxDepth: Infinity, minLeaf: 1, rng });
        return { rootW, nodes: builder.nodeCount, importance: Float64Array.from(builder.importance), predictions: Float64Array.from({ length: n }, (_, i) => builder.predict(i)), next: [rng.int(1000003), rng.uniform()], stream: rng.hostStream().counter };
      };
      const ref = fitted(new HistogramTreeBuilder(binned));
      const wasm = fitted(createTreeBuilder(binned, 'wasm'));
      expect(wasm.nodes).toBe(ref.nodes);
      expect(ref.nodes).toBeGreaterThan(zeros ? n / 8 : n / 2);
      expect(wasm.rootW).toBe(ref.rootW);
      expect(sameBytes(wasm.importance, ref.importance)).toBe(true);
      expect(sameBytes(wasm.predictions, ref.predictions)).toBe(true);
      expect(wasm.next).toEqual(ref.next);
      expect(wasm.stream).toBe(ref.stream);
      if (counter > 0) expect(ref.stream).toBeGreaterThan(2 ** 32);
    });
  }

  it('a feature whose rows of positive weight share one bin, among samples of weight 0, is not constant in the node', () => {
    // the reference finds the bins by counting samples; a split on such a feature leaves no weight on one side
    const n = 300;
    const d = randomMatrix(n, 2, 5, 0);
    for (let i = 0; i < n; i++) d.values[i * 2 + 1] = i % 3;
    const binned = stats.binColumns(d);
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const fitted = (builder: TreeBuilder, seed: number) => {
      for (let i = 0; i < n; i++) { builder.weight[i] = i % 3 === 0 ? 1 + (i % 2) : 0; builder.sample[i] = i; }
      const rng = new Generator(seed);
      builder.fit(y, n, { candidates: Int32Array.of(0, 1), maxFeatures: 1, maxDepth: 1, minLeaf: 1, rng });
      return [builder.nodeCount, rng.hostStream().position];
    };
    const ref = [1, 2, 3, 4, 5, 6].map((seed) => fitted(new HistogramTreeBuilder(binned), seed));
    expect(ref.map(([nodes]) => nodes)).toContain(1); // feature 1 drawn: visited, no split
    expect([1, 2, 3, 4, 5, 6].map((seed) => fitted(createTreeBuilder(binned, 'wasm'), seed))).toEqual(ref);
  });

  const matrices: Array<[string, stats.DataMatrix]> = [
    ['2 rows', randomMatrix(2, 3, 1, 0)],
    ['p = 2, 20% NaN', randomMatrix(30, 2, 2, 0.2)],
    ['p = 3, ties', randomMatrix(50, 3, 3, 0, 0)],
    ['NaN rows and a constant column', (() => { const d = randomMatrix(80, 5, 4, 0.05); for (let i = 0; i < 80; i++) d.values[i * 5 + 2] = 1; for (let j = 0; j < 5; j++) d.values[3 * 5 + j] = NaN; return d; })()],
    ['400 x 8', randomMatrix(400, 8, 5, 0.03)],
  ];
  it.each(matrices)('GENIE3 and GRNBoost2 give the same bytes on both engines (%s)', (_, d) => {
    expect(sameBytes(stats.genie3(d, { trees: 12, seed: 3 }), stats.genie3(d, { trees: 12, seed: 3, engine: 'reference' }))).toBe(true);
    expect(sameBytes(stats.genie3(d, { trees: 4, seed: 3, bootstrap: false, maxFeatures: 'all', maxDepth: 3 }), stats.genie3(d, { trees: 4, seed: 3, bootstrap: false, maxFeatures: 'all', maxDepth: 3, engine: 'reference' }))).toBe(true);
    expect(sameBytes(stats.grnboost2(d, { seed: 3, maxStages: 120 }), stats.grnboost2(d, { seed: 3, maxStages: 120, engine: 'reference' }))).toBe(true);
  });

  it('2 threads on the wasm engine (a kernel per worker) give the reference bytes', () => {
    const d = randomMatrix(300, 6, 7, 0.05);
    expect(sameBytes(stats.genie3(d, { trees: 20, seed: 4, threads: 2 }), stats.genie3(d, { trees: 20, seed: 4, engine: 'reference' }))).toBe(true);
    expect(sameBytes(stats.grnboost2(d, { seed: 4, maxStages: 60, threads: 2 }), stats.grnboost2(d, { seed: 4, maxStages: 60, engine: 'reference' }))).toBe(true);
  });

  it('an unknown engine is an error naming the option', () => {
    const d = randomMatrix(20, 3, 1, 0);
    expect(() => stats.genie3(d, { engine: 'gpu' as never })).toThrow(/genie3: option engine must be 'wasm' or 'reference', got 'gpu'/);
    expect(() => stats.grnboost2(d, { engine: 'cpu' as never })).toThrow(/grnboost2: option engine must be 'wasm' or 'reference'/);
  });
});
