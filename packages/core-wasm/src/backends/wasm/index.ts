/**
 * The wasm backend: every KernelImpl method runs in AssemblyScript (SIMD128)
 * over one shared WebAssembly.Memory. This file only allocates, lays out
 * parameters, and dispatches: large GEMMs and convolutions are split across a
 * worker pool (see partition.ts), everything else runs on the calling thread.
 *
 * Storage.handle is the byte address of the storage's block in the memory.
 */
import type { BackendOptions } from '../../create-backend.js';
import type {
  AdamParams, AxisDims, BinaryOp, Conv2dParams, GatheredGemmEntry, GemmEpilogue, GemmParams, KernelImpl, Pool2dParams, RandomKey, ReduceOp,
  Resize2dParams, SgdParams, StridedView, UnaryOp,
} from '../../kernels.js';
import type { DType, Storage } from '../../tensor.js';
import { WasmAllocator, type AllocatorStats } from './allocator.js';
import { compileCoreModule, coreFunctionNames, createMemory, instantiateCore, resolveSimdBuild, type CoreExports, type CoreFunctionName } from './module.js';
import { BINARY_CODES, REDUCE_CODES, UNARY_CODES } from './op-codes.js';
import { chunkSize, entryChunk, PARALLEL_MIN_FLOPS, partsFor, SPLIT_FIRST, SPLIT_NONE, SPLIT_SECOND, SPLIT_THIRD } from './partition.js';
import { coalesce, stridedParams } from './strided.js';
import { contiguousStrides } from '../../strides.js';
import { ThreadPool, type Task } from './thread-pool.js';

/** Initial memory: 16 MiB; it grows on demand. */
const INITIAL_PAGES = 256;
/** GEMM micro-tile (assembly/gemm.ts): row splits align to MR, column splits to NR. */
const GEMM_MR = 4;
const GEMM_NR = 8;
/** Largest operand (floats) a thread packs whole for a split GEMM (64 MiB); beyond, each chunk packs its own part. */
const MAX_PREPACK_FLOATS = 16 * 1024 * 1024;
/** Smallest chunk of GEMM rows / columns a thread claims. */
const MIN_GEMM_CHUNK = 32;
/** Smallest chunk of output pixels a thread claims in a convolution split by columns. */
const MIN_CONV_COLUMNS = 64;
/** Bytes of the strided-kernel parameter block: 1 KiB of parameters, then scratch. */
const STRIDED_BLOCK_BYTES = 2048;
const CONV_BLOCK_BYTES = 128;

/**
 * A form of a weight derived from its values and kept until its storage is
 * written or freed: op(B) packed for the GEMM (assembly/gemm.ts gemmPackB),
 * or a convolution's flipped weights.
 */
interface KeptForm {
  /** What it is, the storage's version and the layout. */
  key: string;
  ptr: number;
}

interface WasmStorage extends Storage {
  readonly handle: number;
  /** Forms of this storage's values (see keptForm). */
  kept?: KeptForm[];
  /** Layouts of this storage's uses as B at its current version that were not packed: packing starts on the second use. */
  seenB?: string[];
}

/** Forms kept per storage: a weight is B as W^T forward and as W backward (and a convolution's flipped copy). */
const MAX_KEPT = 3;

/** The number of hardware threads this host offers. */
async function defaultThreads(): Promise<number> {
  if (typeof process === 'object' && typeof process.versions?.node === 'string') {
    const os = await import('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  if (typeof navigator === 'object' && typeof navigator.hardwareConcurrency === 'number') return navigator.hardwareConcurrency;
  return 1;
}

/** Multiply-adds of a convolution, times two. */
function convFlops(p: Conv2dParams): number {
  return 2 * p.n * p.cOut * p.outH * p.outW * (p.cIn / p.groups) * p.kH * p.kW;
}

/**
 * The stride-1 convolution whose forward pass is the input gradient of `p`:
 * over dy, channels swapped, padding d * (k - 1) - pad (negative padding crops).
 */
function transposedConvParams(p: Conv2dParams): Conv2dParams {
  const spanH = p.dilationH * (p.kH - 1);
  const spanW = p.dilationW * (p.kW - 1);
  return {
    n: p.n, cIn: p.cOut, h: p.outH, w: p.outW, cOut: p.cIn, kH: p.kH, kW: p.kW, strideH: 1, strideW: 1,
    padTop: spanH - p.padTop, padLeft: spanW - p.padLeft, padBottom: spanH - p.padBottom, padRight: spanW - p.padRight,
    dilationH: p.dilationH, dilationW: p.dilationW, groups: p.groups, outH: p.h, outW: p.w,
  };
}

function convParamWords(p: Conv2dParams): Int32Array {
  return Int32Array.from([
    p.n, p.cIn, p.h, p.w, p.cOut, p.kH, p.kW, p.strideH, p.strideW, p.padTop, p.padLeft, p.padBottom, p.padRight,
    p.dilationH, p.dilationW, p.groups, p.outH, p.outW,
  ]);
}

function poolParamWords(p: Pool2dParams): Int32Array {
  return Int32Array.from([
    p.n, p.c, p.h, p.w, p.kH, p.kW, p.strideH, p.strideW, p.padTop, p.padLeft, p.padBottom, p.padRight,
    p.dilationH, p.dilationW, p.outH, p.outW, p.countIncludePad ? 1 : 0,
  ]);
}

interface GemmPlan {
  lda: number;
  ldb: number;
  parts: number;
  split: number;
  chunk: number;
  prepack: number;
  floats: number;
}

export class WasmImpl implements KernelImpl {
  readonly name = 'wasm' as const;
  /** The kernels' instruction-set build: 'wasm-simd128' or 'wasm-relaxed' (module.ts). */
  build = 'wasm-simd128';
  /** Threads kernels may use: the calling thread plus the workers. */
  readonly threads: number;
  /** Work (floating-point operations) below which a kernel stays on the calling thread. */
  readonly parallelMinFlops: number;
  /** @internal The main thread's instance (benchmarks and tests call it directly). */
  readonly core: CoreExports;
  private readonly memory: WebAssembly.Memory;
  private readonly allocator: WasmAllocator;
  private readonly pool: ThreadPool | null;
  private readonly table: Array<(...args: number[]) => unknown>;
  private readonly fnIndex: Map<string, number>;
  private f32: Float32Array;
  private i32: Int32Array;
  private readonly stridedBlock: number;
  private readonly convBlock: number;
  /** The chunk counter of split kernels (an i32 on its own cache line). */
  private readonly counter: number;
  /** Per-thread work areas (packing buffers, im2col columns). */
  private work: Array<{ ptr: number; floats: number }> = [];
  private readonly bits = new DataView(new ArrayBuffer(4));
  private destroyed = false;
  private packedRuns = 0;
  private exited: Promise<void> = Promise.resolve();

  /** @internal Use createWasmImpl. */
  constructor(core: CoreExports, memory: WebAssembly.Memory, functionNames: string[], pool: ThreadPool | null, parallelMinFlops = PARALLEL_MIN_FLOPS) {
    this.core = core;
    this.parallelMinFlops = parallelMinFlops;
    this.memory = memory;
    this.pool = pool;
    this.threads = (pool?.size ?? 0) + 1;
    this.fnIndex = new Map(functionNames.map((name, i) => [name, i]));
    const exportsByName = core as unknown as Record<string, (...args: number[]) => unknown>;
    this.table = functionNames.map((name) => exportsByName[name]!);
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.allocator = new WasmAllocator(memory, core.heapBase(), () => this.refreshViews());
    this.stridedBlock = this.allocator.allocate(STRIDED_BLOCK_BYTES);
    this.convBlock = this.allocator.allocate(CONV_BLOCK_BYTES);
    this.counter = this.allocator.allocate(64);
  }

  // ------------------------------------------------------------------ memory

  allocate(size: number, dtype: DType): Storage {
    this.assertAlive();
    const handle = this.allocator.allocate(size * 4);
    const storage: WasmStorage = { refs: 0, size, dtype, handle };
    return storage;
  }

  free(storage: Storage): void {
    if (this.destroyed) return;
    this.dropPackings(storage as WasmStorage);
    this.allocator.free(ptr(storage));
  }

  write(storage: Storage, data: Float32Array | Int32Array): void {
    this.written(storage);
    const at = ptr(storage) >>> 2;
    const n = Math.min(data.length, storage.size);
    if (data instanceof Int32Array) this.i32.set(n === data.length ? data : data.subarray(0, n), at);
    else this.f32.set(n === data.length ? data : data.subarray(0, n), at);
  }

  read(storage: Storage): Promise<Float32Array | Int32Array> {
    return Promise.resolve(this.readSync(storage));
  }

  /** A copy of the storage's values (a non-shared array the caller owns). */
  readSync(storage: Storage): Float32Array | Int32Array {
    this.assertAlive();
    const at = ptr(storage) >>> 2;
    const view = storage.dtype === 'int32' ? this.i32 : this.f32;
    return view.slice(at, at + storage.size);
  }

  fill(out: Storage, value: number): void {
    this.written(out);
    let bits: number;
    if (out.dtype === 'int32') {
      bits = value | 0;
    } else {
      this.bits.setFloat32(0, value, true);
      bits = this.bits.getInt32(0, true);
    }
    this.core.fill32(ptr(out), out.size, bits);
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.exited = this.pool?.destroy() ?? Promise.resolve();
    this.work = [];
  }

  /** Settles when destroy() has stopped every worker. */
  whenDestroyed(): Promise<void> {
    return this.exited;
  }

  /** Kernel calls so far that ran on more than one thread (a diagnostic for tests and benchmarks). */
  get parallelRuns(): number {
    return this.pool?.parallelRuns ?? 0;
  }

  /** GEMMs so far that read a kept packing of their B operand (a diagnostic for tests and benchmarks). */
  get packedProducts(): number {
    return this.packedRuns;
  }

  /** Allocator figures (live and free bytes, top, capacity): for leak tests and diagnostics. */
  memoryStats(): AllocatorStats {
    return this.allocator.stats();
  }

  // ---------------------------------------------------------- linear algebra

  gemm(a: Storage, b: Storage, out: Storage, p: GemmParams): void {
    this.gemmWith(a, b, out, p, null);
  }

  /** gemm's store loop with bias, ReLU and mask fused in (assembly/epilogue.ts); the same split, so the same sums. */
  gemmEpilogue(a: Storage, b: Storage, out: Storage, p: GemmParams, e: GemmEpilogue): void {
    this.gemmWith(a, b, out, p, e);
  }

  /** gemm (e null: batched, plain stores) or gemmFused (one product, e's epilogue), with a packed B where one is kept. */
  private gemmWith(a: Storage, b: Storage, out: Storage, p: GemmParams, e: GemmEpilogue | null): void {
    const plan = this.gemmPlan(p);
    const packed = this.packedOperand(b, p, plan);
    if (packed !== 0) {
      this.gemmWithPackedB(a, packed, out, p, plan, e);
      return;
    }
    const args = [ptr(a), ptr(b), ptr(out), p.m, p.n, p.k, plan.lda, plan.ldb, p.n, p.transA ? 1 : 0, p.transB ? 1 : 0, p.alpha, p.beta];
    if (e === null) {
      args.push(p.batch, p.strideA, p.strideB, p.strideC, plan.split, plan.chunk, plan.prepack, this.counter);
      this.dispatch('gemm', args, plan.parts, plan.floats);
    } else {
      args.push(plan.split, plan.chunk, plan.prepack, this.counter, e.bias ? ptr(e.bias) : 0, e.mask ? ptr(e.mask) : 0, e.relu ? 1 : 0);
      this.dispatch('gemmFused', args, plan.parts, plan.floats);
    }
  }

  /**
   * The address of op(B) packed for this product, or 0 (pack per call as
   * usual). A storage used as B a second time with the same values (version)
   * and layout is taken for a weight and packed once; the packing is kept
   * until the storage is written (written()) or freed. Only where the
   * per-call path would block the same way (one thread with more than MR
   * rows, or a row split), so results are bit-identical either way.
   */
  private packedOperand(b: Storage, p: GemmParams, plan: GemmPlan): number {
    if (p.batch !== 1 || p.k === 0) return 0;
    if (plan.split === SPLIT_NONE ? p.m <= GEMM_MR : plan.split !== SPLIT_FIRST || plan.prepack === 0) return 0;
    const floats = this.core.gemmPackedBFloats(p.k, p.n);
    if (floats > MAX_PREPACK_FLOATS) return 0;
    const s = b as WasmStorage;
    const key = `B:${s.version ?? 0}:${p.transB ? 1 : 0}:${p.k}:${p.n}`;
    if (!s.kept?.some((e) => e.key === key)) {
      const seen = (s.seenB ??= []);
      if (!seen.includes(key)) {
        seen.push(key);
        if (seen.length > 2) seen.shift();
        return 0;
      }
    }
    return this.keptForm(s, key, floats, (at) => this.core.gemmPackB(ptr(b), plan.ldb, p.transB ? 1 : 0, p.k, p.n, at));
  }

  /** The address of the form `key` of s's values (`floats` floats, written by `make` when not kept yet). */
  private keptForm(s: WasmStorage, key: string, floats: number, make: (at: number) => void): number {
    const hit = s.kept?.find((e) => e.key === key);
    if (hit) return hit.ptr;
    const kept = (s.kept ??= []);
    if (kept.length >= MAX_KEPT) this.allocator.free(kept.shift()!.ptr);
    const at = this.allocator.allocate(floats * 4);
    make(at);
    kept.push({ key, ptr: at });
    return at;
  }

  /** gemm / gemmEpilogue from a kept packing of op(B): the plan's split (none or rows), the same sums. */
  private gemmWithPackedB(a: Storage, packedB: number, out: Storage, p: GemmParams, plan: GemmPlan, e: GemmEpilogue | null): void {
    const args = [
      ptr(a), packedB, ptr(out), p.m, p.n, p.k, plan.lda, p.transA ? 1 : 0, p.alpha, p.beta, plan.split, plan.chunk, this.counter,
      e ? 1 : 0, e?.bias ? ptr(e.bias) : 0, e?.mask ? ptr(e.mask) : 0, e?.relu ? 1 : 0,
    ];
    this.packedRuns++;
    this.dispatch('gemmPackedB', args, plan.parts, this.core.gemmWorkFloats());
  }

  /** An in-place write: forms of the old values are stale. */
  private written(storage: Storage): void {
    const s = storage as WasmStorage;
    s.version = (s.version ?? 0) + 1;
    this.dropPackings(s);
  }

  private dropPackings(s: WasmStorage): void {
    if (s.kept) for (const e of s.kept) this.allocator.free(e.ptr);
    s.kept = undefined;
    s.seenB = undefined;
  }

  /** How gemm splits over threads: a pure function of the shape and the thread count. */
  private gemmPlan(p: GemmParams): GemmPlan {
    const { m, n, k, batch } = p;
    const lda = p.transA ? m : k;
    const ldb = p.transB ? k : n;
    const units = batch >= this.threads ? batch : Math.max(Math.ceil(m / GEMM_MR), Math.ceil(n / GEMM_NR));
    const parts = partsFor(2 * m * n * k * batch, this.threads, units, this.parallelMinFlops);
    let split = SPLIT_NONE;
    let chunk = 0;
    let prepack = 0;
    let floats = this.core.gemmWorkFloats();
    if (parts > 1) {
      // batch entries when there are enough, else the longer of rows and columns
      if (batch >= parts) [split, chunk] = [SPLIT_THIRD, chunkSize(batch, parts)];
      else if (m >= n) [split, chunk] = [SPLIT_FIRST, chunkSize(m, parts, GEMM_MR, MIN_GEMM_CHUNK)];
      else [split, chunk] = [SPLIT_SECOND, chunkSize(n, parts, GEMM_NR, MIN_GEMM_CHUNK)];
      if (split !== SPLIT_THIRD && batch === 1 && (split === SPLIT_FIRST || m > GEMM_MR)) {
        // each thread packs the shared operand once (see assembly/gemm.ts) when it fits
        const prepackFloats = this.core.gemmPrepackFloats(m, n, k, split);
        if (prepackFloats <= MAX_PREPACK_FLOATS) [prepack, floats] = [1, Math.max(floats, prepackFloats)];
      }
    }
    return { lda, ldb, parts, split, chunk, prepack, floats };
  }

  gatheredGemm(
    a: Storage, w: Storage, wStride: number, rows: Storage, rowScale: Storage | null, cols: Storage, colScale: Storage | null,
    out: Storage, entries: readonly GatheredGemmEntry[],
  ): void {
    if (entries.length === 0) return;
    // the entry table goes into the memory as seven i32 words per entry (assembly/gathered.ts)
    const table = new Int32Array(entries.length * 7);
    let flops = 0;
    let largestB = 0;
    for (let i = 0, at = 0; i < entries.length; i++, at += 7) {
      const e = entries[i]!;
      table[at] = e.m;
      table[at + 1] = e.k;
      table[at + 2] = e.n;
      table[at + 3] = e.aOffset;
      table[at + 4] = e.rowsOffset;
      table[at + 5] = e.colsOffset;
      table[at + 6] = e.outOffset;
      flops += 2 * e.m * e.n * e.k;
      // entries of at most MR rows gather B row-major after the GEMM's work area (assembly/gathered.ts); larger ones pack it inside
      if (e.m <= GEMM_MR) largestB = Math.max(largestB, e.k * e.n);
    }
    const tablePtr = this.allocator.allocate(table.byteLength);
    try {
      this.i32.set(table, tablePtr >>> 2);
      const parts = partsFor(flops, this.threads, entries.length, this.parallelMinFlops);
      const [split, chunk] = parts > 1 ? [SPLIT_FIRST, entryChunk(entries.length, flops, parts, this.parallelMinFlops)] : [SPLIT_NONE, 0];
      const args = [
        ptr(a), ptr(w), wStride, ptr(rows), rowScale ? ptr(rowScale) : 0, ptr(cols), colScale ? ptr(colScale) : 0, ptr(out),
        tablePtr, entries.length, split, chunk, this.counter,
      ];
      // at least 8 floats after the GEMM's area: where larger entries keep their gather source (assembly/gathered.ts)
      this.dispatch('gatheredGemm', args, parts, this.core.gemmWorkFloats() + Math.max(largestB, 8));
    } finally {
      this.allocator.free(tablePtr);
    }
  }

  // ------------------------------------------------------------- elementwise

  unary(op: UnaryOp, x: Storage, out: Storage, size: number, p0: number, p1: number): void {
    this.core.unary(UNARY_CODES[op], ptr(x), ptr(out), size, p0, p1);
  }

  unaryBackward(op: UnaryOp, x: Storage, y: Storage, dy: Storage, out: Storage, size: number, p0: number, p1: number): void {
    this.core.unaryBackward(UNARY_CODES[op], ptr(x), ptr(y), ptr(dy), ptr(out), size, p0, p1);
  }

  binary(op: BinaryOp, a: StridedView, b: StridedView, out: Storage, shape: readonly number[], p0: number): void {
    const params = this.writeStrided(shape, [a.strides, b.strides, contiguousStrides(shape)]);
    this.core.binary(BINARY_CODES[op], viewPtr(a), viewPtr(b), ptr(out), params, p0);
  }

  where(cond: StridedView, a: StridedView, b: StridedView, out: Storage, shape: readonly number[]): void {
    const params = this.writeStrided(shape, [cond.strides, a.strides, b.strides, contiguousStrides(shape)]);
    this.core.where(viewPtr(cond), viewPtr(a), viewPtr(b), ptr(out), params);
  }

  copy(src: StridedView, out: StridedView, shape: readonly number[]): void {
    const params = this.writeStrided(shape, [src.strides, out.strides]);
    this.core.copy(viewPtr(src), viewPtr(out), params);
  }

  // -------------------------------------------------------------- reductions

  reduce(op: ReduceOp, x: Storage, out: Storage, d: AxisDims): void {
    this.core.reduce(REDUCE_CODES[op], ptr(x), ptr(out), d.outer, d.axis, d.inner);
  }

  argmax(x: Storage, out: Storage, d: AxisDims): void {
    this.core.argmax(ptr(x), ptr(out), d.outer, d.axis, d.inner);
  }

  softmax(x: Storage, out: Storage, d: AxisDims, log: boolean): void {
    this.core.softmax(ptr(x), ptr(out), d.outer, d.axis, d.inner, log ? 1 : 0);
  }

  softmaxBackward(y: Storage, dy: Storage, out: Storage, d: AxisDims, log: boolean): void {
    this.core.softmaxBackward(ptr(y), ptr(dy), ptr(out), d.outer, d.axis, d.inner, log ? 1 : 0);
  }

  // ---------------------------------------------------------------- indexing

  gather(x: Storage, indices: Storage, out: Storage, d: AxisDims, count: number): void {
    this.core.gather(ptr(x), ptr(indices), ptr(out), d.outer, d.axis, d.inner, count);
  }

  scatterAdd(updates: Storage, indices: Storage, out: Storage, d: AxisDims, count: number): void {
    this.core.scatterAdd(ptr(updates), ptr(indices), ptr(out), d.outer, d.axis, d.inner, count);
  }

  oneHot(indices: Storage, out: Storage, d: AxisDims): void {
    this.core.oneHot(ptr(indices), ptr(out), d.outer, d.axis, d.inner);
  }

  // ------------------------------------------------- convolution and pooling

  conv2d(x: Storage, w: Storage, bias: Storage | null, out: Storage, p: Conv2dParams): void {
    this.convForward(p, ptr(x), ptr(w), bias ? ptr(bias) : 0, ptr(out));
  }

  conv2dBackwardInput(dy: Storage, w: Storage, out: Storage, p: Conv2dParams): void {
    const cPerGroup = p.cIn / p.groups;
    const oPerGroup = p.cOut / p.groups;
    if (p.strideH === 1 && p.strideW === 1 && cPerGroup > 2 * oPerGroup) {
      // With stride 1 the input gradient is a convolution of dy with the flipped, transposed
      // weights, run on the forward path (no column matrix, no col2im scatter). Its GEMM has
      // cIn/groups rows, so it only beats dcol = W^T dy + col2im (whose GEMM has depth
      // cOut/groups) when the input side is the wider one (measured: 37 vs 22 GFLOP/s for
      // 128 -> 16 channels, 25 vs 29 for 64 -> 32, 4 vs 29 for 3 -> 64).
      // the flipped weights are kept until w is written (a frozen model flips them once)
      const s = w as WasmStorage;
      const key = `flip:${s.version ?? 0}:${p.cOut}:${cPerGroup}:${p.kH}:${p.kW}:${p.groups}`;
      const flipped = this.keptForm(s, key, w.size, (at) => this.core.flipWeights(ptr(w), at, p.cOut, cPerGroup, p.kH, p.kW, p.groups));
      this.convForward(transposedConvParams(p), ptr(dy), flipped, 0, ptr(out));
      return;
    }
    const params = this.writeConvParams(p);
    const items = p.n * p.groups;
    const k = cPerGroup * p.kH * p.kW;
    const parts = partsFor(convFlops(p), this.threads, Math.max(items, cPerGroup), this.parallelMinFlops);
    let split = SPLIT_NONE;
    let chunk = 0;
    if (parts > 1) {
      if (items >= parts) [split, chunk] = [SPLIT_FIRST, chunkSize(items, parts)];
      // every channel chunk re-packs dy: one chunk per thread
      else [split, chunk] = [SPLIT_SECOND, chunkSize(cPerGroup, parts, 1, Math.ceil(cPerGroup / parts))];
    }
    const args = [params, ptr(dy), ptr(w), ptr(out), split, chunk, this.counter];
    this.dispatch('conv2dBackwardInput', args, parts, this.core.convWorkFloats(k));
  }

  conv2dBackwardWeight(x: Storage, dy: Storage, out: Storage, p: Conv2dParams): void {
    const params = this.writeConvParams(p);
    const k = (p.cIn / p.groups) * p.kH * p.kW;
    const parts = partsFor(convFlops(p), this.threads, Math.max(p.groups, Math.ceil(k / GEMM_NR)), this.parallelMinFlops);
    let split = SPLIT_NONE;
    let chunk = 0;
    if (parts > 1) {
      if (p.groups >= parts) [split, chunk] = [SPLIT_FIRST, chunkSize(p.groups, parts)];
      // every chunk of weight columns re-packs dy for every image: one chunk per thread
      else [split, chunk] = [SPLIT_SECOND, chunkSize(k, parts, GEMM_NR, Math.ceil(k / parts))];
    }
    const args = [params, ptr(x), ptr(dy), ptr(out), split, chunk, this.counter];
    this.dispatch('conv2dBackwardWeight', args, parts, this.core.convWorkFloats(k));
  }

  maxPool2d(x: Storage, out: Storage, indices: Storage, p: Pool2dParams): void {
    this.core.maxPool2d(this.writePoolParams(p), ptr(x), ptr(out), ptr(indices));
  }

  maxPool2dBackward(dy: Storage, indices: Storage, out: Storage, p: Pool2dParams): void {
    const scratch = this.allocator.allocate(out.size * 8);
    try {
      this.core.maxPool2dBackward(this.writePoolParams(p), ptr(dy), ptr(indices), ptr(out), scratch);
    } finally {
      this.allocator.free(scratch);
    }
  }

  avgPool2d(x: Storage, out: Storage, p: Pool2dParams): void {
    this.core.avgPool2d(this.writePoolParams(p), ptr(x), ptr(out));
  }

  avgPool2dBackward(dy: Storage, out: Storage, p: Pool2dParams): void {
    this.core.avgPool2dBackward(this.writePoolParams(p), ptr(dy), ptr(out));
  }

  resize2d(x: Storage, out: Storage, p: Resize2dParams): void {
    this.core.resize2d(ptr(x), ptr(out), p.n * p.c, p.h, p.w, p.outH, p.outW, p.mode === 'bilinear' ? 1 : 0, p.alignCorners ? 1 : 0);
  }

  resize2dBackward(dy: Storage, out: Storage, p: Resize2dParams): void {
    this.core.resize2dBackward(ptr(dy), ptr(out), p.n * p.c, p.h, p.w, p.outH, p.outW, p.mode === 'bilinear' ? 1 : 0, p.alignCorners ? 1 : 0);
  }

  // ------------------------------------------------------- random, optimisers

  random(out: Storage, size: number, kind: 'uniform' | 'normal', key: RandomKey, a: number, b: number): void {
    this.written(out);
    this.core.random(ptr(out), 0, size, kind === 'uniform' ? 0 : 1, key.seedLo, key.seedHi, key.streamLo, key.streamHi, a, b);
  }

  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, size: number, p: AdamParams): void {
    for (const s of [param, m, v]) this.written(s);
    this.core.adamStep(ptr(param), ptr(grad), ptr(m), ptr(v), size, p.lr, p.beta1, p.beta2, p.eps, p.weightDecay, p.decoupled ? 1 : 0, p.step);
  }

  sgdStep(param: Storage, grad: Storage, velocity: Storage, size: number, p: SgdParams): void {
    for (const s of [param, velocity]) this.written(s);
    this.core.sgdStep(ptr(param), ptr(grad), ptr(velocity), size, p.lr, p.momentum, p.nesterov ? 1 : 0, p.weightDecay, p.dampening);
  }

  // ----------------------------------------------------------------- helpers

  private assertAlive(): void {
    if (this.destroyed) throw new Error('wasm backend: used after destroy()');
  }

  private refreshViews(): void {
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  /**
   * Call a splittable kernel on `parts` threads: each gets the same arguments
   * plus its own work area of `floats` floats, and they share the work
   * through the chunk counter (reset here).
   */
  private dispatch(name: CoreFunctionName, args: number[], parts: number, floats: number): void {
    this.ensureWork(parts, floats);
    const fn = this.fnIndex.get(name)!;
    if (parts === 1 || !this.pool) {
      this.callLocal({ fn, args: [...args, this.work[0]!.ptr] });
      return;
    }
    this.i32[this.counter >>> 2] = 0;
    const tasks: Task[] = [];
    for (let i = 0; i < parts; i++) tasks.push({ fn, args: [...args, this.work[i]!.ptr] });
    this.pool.run(tasks, (task) => this.callLocal(task));
  }

  private callLocal(task: Task): void {
    this.table[task.fn]!(...task.args);
  }

  /** Make sure threads [0, count) each have a work area of at least `floats` floats. */
  private ensureWork(count: number, floats: number): void {
    for (let i = 0; i < count; i++) {
      const current = this.work[i];
      if (current && current.floats >= floats) continue;
      if (current) this.allocator.free(current.ptr);
      this.work[i] = { ptr: this.allocator.allocate(floats * 4), floats };
    }
  }

  private writeStrided(shape: readonly number[], strides: ReadonlyArray<readonly number[]>): number {
    const words = stridedParams(coalesce(shape, strides));
    this.i32.set(words, this.stridedBlock >>> 2);
    return this.stridedBlock;
  }

  /** conv2d forward on raw addresses (bias 0 = none), split across threads when large. */
  private convForward(p: Conv2dParams, x: number, w: number, bias: number, out: number): void {
    const params = this.writeConvParams(p);
    const items = p.n * p.groups;
    const outHW = p.outH * p.outW;
    const k = (p.cIn / p.groups) * p.kH * p.kW;
    const parts = partsFor(convFlops(p), this.threads, Math.max(items, Math.ceil(outHW / GEMM_NR)), this.parallelMinFlops);
    let split = SPLIT_NONE;
    let chunk = 0;
    if (parts > 1) {
      if (items >= parts) [split, chunk] = [SPLIT_FIRST, chunkSize(items, parts)];
      else [split, chunk] = [SPLIT_SECOND, chunkSize(outHW, parts, GEMM_NR, MIN_CONV_COLUMNS)];
    }
    this.dispatch('conv2dForward', [params, x, w, bias, out, split, chunk, this.counter], parts, this.core.convWorkFloats(k));
  }

  private writeConvParams(p: Conv2dParams): number {
    this.i32.set(convParamWords(p), this.convBlock >>> 2);
    return this.convBlock;
  }

  private writePoolParams(p: Pool2dParams): number {
    this.i32.set(poolParamWords(p), this.convBlock >>> 2);
    return this.convBlock;
  }
}

function ptr(storage: Storage): number {
  return (storage as WasmStorage).handle;
}

function viewPtr(view: StridedView): number {
  return ptr(view.storage) + view.offset * 4;
}

export interface WasmImplOptions extends BackendOptions {
  /** Override the split threshold (benchmarks measure it with 0 and Infinity). */
  parallelMinFlops?: number;
  /** false forces the single-threaded fallback over an unshared memory (tests). */
  sharedMemory?: boolean;
}

/**
 * Start the wasm backend: compile (once per process) and instantiate the core
 * module over a fresh shared memory, and start `threads - 1` workers
 * (default: all hardware threads). threads: 1 starts no worker. Where the
 * host has no shared memory (a browser page that is not cross-origin
 * isolated) it runs single-threaded over an ordinary memory: `threads` is 1.
 */
export async function createWasmImpl(options: WasmImplOptions = {}): Promise<WasmImpl> {
  const requested = options.threads ?? (await defaultThreads());
  if (!Number.isInteger(requested) || requested < 1) {
    throw new Error(`wasm backend: threads must be a positive integer, got ${String(options.threads)}`);
  }
  const sharedMemory = options.sharedMemory === false ? null : createMemory(INITIAL_PAGES, true);
  const memory = sharedMemory ?? createMemory(INITIAL_PAGES, false)!;
  const build = resolveSimdBuild(options.simd);
  const module = await compileCoreModule(sharedMemory !== null, build);
  const core = await instantiateCore(module, memory);
  const functionNames = coreFunctionNames(module);
  const workers = sharedMemory ? requested - 1 : 0;
  const pool = workers > 0 ? await ThreadPool.create(workers, module, memory, functionNames) : null;
  const impl = new WasmImpl(core, memory, functionNames, pool, options.parallelMinFlops);
  impl.build = `wasm-${build}`;
  return impl;
}
