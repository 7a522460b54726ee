/**
 * The histogram regression tree of GENIE3 and GRNBoost2 in wasm
 * (assembly/trees.ts): a small module of its own, instantiated once per
 * builder with its own memory, so it needs neither the wasm backend's
 * allocator nor shared memory and runs wherever WebAssembly does (Node, a
 * page, a worker). Its typed arrays are views of that memory.
 *
 * The reference is `HistogramTreeBuilder` in
 * packages/methods/src/stats/trees.ts: the same splits, the same sums in the
 * same order and the same draws from the generator, so both give the same
 * bytes (packages/methods/test/stats/tree-engines.test.ts). The module is
 * compiled synchronously (the tree methods are synchronous): any runtime
 * does that in Node and in a Web Worker, where the studio runs its study; a
 * page's main thread refuses modules over 4 kB, and there `create` returns
 * null and the caller uses the reference.
 */
import { TREES_WASM_BASE64, TREES_WASM_BYTES } from './generated/core-wasm-binary.js';
import { decodeBase64 } from './backends/wasm/module.js';
import type { Generator } from './random.js';

interface TreeExports {
  memory: WebAssembly.Memory;
  treeBytes(rows: number, cols: number): number;
  setup(rows: number, cols: number): void;
  region(k: number): number;
  fit(count: number, candidates: number, maxFeatures: number, maxDepth: number, minLeaf: number): number;
  nodes(): number;
  boostStage(n: number, nIn: number, candidates: number, maxFeatures: number, maxDepth: number, minLeaf: number, learningRate: number): number;
  stageWeight(): number;
  streamSet(seedLo: number, seedHi: number, counter: number, position: number, w0: number, w1: number, w2: number, w3: number): void;
  streamCounter(): number;
  streamPos(): number;
  streamWord(k: number): number;
}

/** The regions of the module's memory, in the order of `region(k)` in assembly/trees.ts. */
const REGION = { bins: 0, binCount: 1, sample: 2, weight: 3, y: 4, importance: 5, nodeFeature: 6, nodeBin: 7, nodeLeft: 8, nodeRight: 9, nodeValue: 10, candidates: 11, perm: 12, target: 13, prediction: 14 } as const;

let compiled: WebAssembly.Module | undefined;
let failure: string | undefined;

/** The compiled tree module, or null (with `treeKernelFailure()` saying why) where this runtime cannot compile it. */
function treeModule(): WebAssembly.Module | null {
  if (compiled) return compiled;
  if (failure !== undefined) return null;
  try {
    if (typeof WebAssembly !== 'object') throw new Error('this runtime has no WebAssembly');
    const bytes = decodeBase64(TREES_WASM_BASE64);
    if (bytes.length !== TREES_WASM_BYTES) throw new Error(`the embedded module decodes to ${bytes.length} bytes, expected ${TREES_WASM_BYTES}; rebuild with 'npm run build:as -w @relevance/core-wasm'`);
    compiled = new WebAssembly.Module(bytes);
    return compiled;
  } catch (e) {
    failure = (e as Error).message;
    return null;
  }
}

/** Why the wasm tree kernel is unavailable here (undefined when it is available or was not tried). */
export function treeKernelFailure(): string | undefined {
  return failure;
}

/** A fitted tree, node 0 its root: split feature (-1 = leaf), split bin (left when a row's bin <= it), children, value. */
export interface TreeNodes {
  feature: Int32Array;
  bin: Int32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/**
 * One histogram tree builder over a binned matrix (`rows` x `cols`, column-major bins): fill `bins`,
 * `binCount` and `candidates` once, then per tree `sample`, `weight` and `y` (indexed by row), and `fit`.
 * The tree and its importances are left in `tree` and `importance`.
 */
export class HistogramTreeKernel {
  readonly bins: Uint8Array;
  readonly binCount: Int32Array;
  readonly sample: Int32Array;
  readonly weight: Float64Array;
  readonly y: Float64Array;
  readonly importance: Float64Array;
  readonly tree: TreeNodes;
  readonly candidates: Int32Array;
  /** GRNBoost2's stage state (boostStage): the target's rows, its values and the model's predictions, by row. */
  readonly perm: Int32Array;
  readonly target: Float64Array;
  readonly prediction: Float64Array;

  private constructor(private readonly x: TreeExports, readonly rows: number, readonly cols: number) {
    const buf = x.memory.buffer, at = (k: number) => x.region(k), cap = 2 * rows + 1;
    this.bins = new Uint8Array(buf, at(REGION.bins), rows * cols);
    this.binCount = new Int32Array(buf, at(REGION.binCount), cols);
    this.sample = new Int32Array(buf, at(REGION.sample), rows);
    this.weight = new Float64Array(buf, at(REGION.weight), rows);
    this.y = new Float64Array(buf, at(REGION.y), rows);
    this.importance = new Float64Array(buf, at(REGION.importance), cols);
    this.tree = {
      feature: new Int32Array(buf, at(REGION.nodeFeature), cap), bin: new Int32Array(buf, at(REGION.nodeBin), cap),
      left: new Int32Array(buf, at(REGION.nodeLeft), cap), right: new Int32Array(buf, at(REGION.nodeRight), cap),
      value: new Float64Array(buf, at(REGION.nodeValue), cap),
    };
    this.candidates = new Int32Array(buf, at(REGION.candidates), cols);
    this.perm = new Int32Array(buf, at(REGION.perm), rows);
    this.target = new Float64Array(buf, at(REGION.target), rows);
    this.prediction = new Float64Array(buf, at(REGION.prediction), rows);
  }

  /**
   * A builder for `rows` x `cols`, or null where the module cannot be compiled or its memory cannot
   * hold the matrix (`treeKernelFailure()` says why); callers then use the reference builder.
   */
  static create(rows: number, cols: number): HistogramTreeKernel | null {
    const module = treeModule();
    if (!module) return null;
    try {
      const x = new WebAssembly.Instance(module, {}).exports as unknown as TreeExports;
      const need = x.treeBytes(rows, cols);
      const have = x.memory.buffer.byteLength;
      if (need > have) x.memory.grow(Math.ceil((need - have) / 65536));
      x.setup(rows, cols);
      return new HistogramTreeKernel(x, rows, cols);
    } catch (e) {
      failure = `a tree builder for ${rows} rows x ${cols} columns: ${(e as Error).message}`;
      return null;
    }
  }

  /** Nodes of the last tree. */
  get nodeCount(): number {
    return this.x.nodes();
  }

  /**
   * Fit one tree on sample[0..count), features drawn from candidates[0..candidateCount) with `rng`'s host
   * stream (left where the reference leaves it). Returns the root's total weight.
   */
  fit(count: number, candidateCount: number, maxFeatures: number, maxDepth: number, minLeaf: number, rng: Generator): number {
    return this.drawing(rng, () => this.x.fit(count, candidateCount, maxFeatures, maxDepth, minLeaf));
  }

  /**
   * One GRNBoost2 stage (the reference: HistogramTreeBuilder.boostStage in packages/methods): perm[0..n)
   * holds the target's rows, target and prediction their values and the model so far. Returns the mean
   * out-of-bag decrease of the squared residual; `stageWeight` is the stage tree's root weight.
   */
  boostStage(n: number, nIn: number, candidateCount: number, maxFeatures: number, maxDepth: number, minLeaf: number, learningRate: number, rng: Generator): number {
    return this.drawing(rng, () => this.x.boostStage(n, nIn, candidateCount, maxFeatures, maxDepth, minLeaf, learningRate));
  }

  /** Root weight of the last boostStage's tree. */
  get stageWeight(): number {
    return this.x.stageWeight();
  }

  /** Run `work` in the module with `rng`'s host stream, then hand the advanced stream back to `rng`. */
  private drawing(rng: Generator, work: () => number): number {
    const x = this.x, s = rng.hostStream();
    x.streamSet(s.seedLo, s.seedHi, s.counter, s.position, s.words[0], s.words[1], s.words[2], s.words[3]);
    const result = work();
    rng.setHostStream(x.streamCounter(), x.streamPos(), [x.streamWord(0) >>> 0, x.streamWord(1) >>> 0, x.streamWord(2) >>> 0, x.streamWord(3) >>> 0]);
    return result;
  }
}
