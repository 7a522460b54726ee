/**
 * Which engine fits the histogram trees of GENIE3 and GRNBoost2:
 * - 'wasm' (the default): `HistogramTreeKernel` of @relevance/core-wasm
 *   (assembly/trees.ts), about 1.7x faster than the reference (docs/BENCHMARKS.md,
 *   "The tree baselines in wasm");
 * - 'reference': `HistogramTreeBuilder` (trees.ts), plain TypeScript.
 * Both give the same bytes, draw for draw (test/stats/tree-engines.test.ts).
 * Where the wasm module cannot be compiled or its memory cannot hold the
 * matrix, 'wasm' falls back to the reference; the results do not change.
 */
import { HistogramTreeKernel, type Generator } from '@relevance/core-wasm';
import { HistogramTreeBuilder, predictTree, type BinnedMatrix, type TreeFitOptions } from './trees.js';

export type TreeEngine = 'wasm' | 'reference';

/** What GENIE3 and GRNBoost2 need of a tree builder (see HistogramTreeBuilder for the meaning of each member). */
export interface TreeBuilder {
  readonly sample: Int32Array;
  readonly weight: Float64Array;
  readonly importance: Float64Array;
  readonly nodeCount: number;
  fit(y: Float64Array, count: number, opts: TreeFitOptions): number;
  predict(i: number): number;
  readonly perm: Int32Array;
  readonly target: Float64Array;
  readonly prediction: Float64Array;
  readonly stageWeight: number;
  boostStage(n: number, nIn: number, opts: TreeFitOptions, learningRate: number): number;
}

/** Check a tree engine option ('wasm' when omitted). */
export function resolveTreeEngine(engine: TreeEngine | undefined, who: string): TreeEngine {
  const e = engine ?? 'wasm';
  if (e !== 'wasm' && e !== 'reference') throw new Error(`${who}: option engine must be 'wasm' or 'reference', got '${String(e)}'`);
  return e;
}

/** A tree builder over `data` on the given engine (the reference where wasm is unavailable). */
export function createTreeBuilder(data: BinnedMatrix, engine: TreeEngine = 'wasm'): TreeBuilder {
  if (engine === 'wasm') {
    const kernel = HistogramTreeKernel.create(data.rows, data.cols);
    if (kernel) return new WasmTreeBuilder(data, kernel);
  }
  return new HistogramTreeBuilder(data);
}

/** HistogramTreeBuilder's interface over the wasm kernel: samples, weights and the tree are views of its memory. */
export class WasmTreeBuilder implements TreeBuilder {
  readonly sample: Int32Array;
  readonly weight: Float64Array;
  readonly importance: Float64Array;
  readonly perm: Int32Array;
  readonly target: Float64Array;
  readonly prediction: Float64Array;

  constructor(readonly data: BinnedMatrix, private readonly kernel: HistogramTreeKernel) {
    kernel.bins.set(data.bins);
    kernel.binCount.set(data.binCount);
    this.sample = kernel.sample;
    this.weight = kernel.weight;
    this.importance = kernel.importance;
    this.perm = kernel.perm;
    this.target = kernel.target;
    this.prediction = kernel.prediction;
  }

  get stageWeight(): number {
    return this.kernel.stageWeight;
  }

  boostStage(n: number, nIn: number, opts: TreeFitOptions, learningRate: number): number {
    this.kernel.candidates.set(opts.candidates);
    return this.kernel.boostStage(n, nIn, opts.candidates.length, opts.maxFeatures, opts.maxDepth, opts.minLeaf, learningRate, opts.rng as Generator);
  }

  get nodeCount(): number {
    return this.kernel.nodeCount;
  }

  fit(y: Float64Array, count: number, opts: TreeFitOptions): number {
    const k = this.kernel;
    k.y.set(y);
    k.candidates.set(opts.candidates);
    return k.fit(count, opts.candidates.length, opts.maxFeatures, opts.maxDepth, opts.minLeaf, opts.rng as Generator);
  }

  predict(i: number): number {
    return predictTree(this.data, this.kernel.tree, i);
  }
}
