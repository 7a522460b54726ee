/**
 * The front end every caller uses: `Backend` validates arguments, computes
 * output shapes, allocates outputs and hands normalised work to a `KernelImpl`
 * (reference, wasm or webgpu). Composite operations (bias add, the backward of
 * broadcasting and of reductions, gemm's backward) are written here once, from
 * the primitives, so every backend gets them for free.
 *
 * Errors name the kernel and the shapes involved (ShapeError, DTypeError).
 */
import { DTypeError, ShapeError, shapeMismatch } from './errors.js';
import type {
  AdamParams, AxisDims, BinaryOp, Conv2dParams, GemmParams, KernelImpl, Pool2dParams, ReduceOp, Resize2dParams,
  ResizeMode, SgdParams, StridedView, UnaryOp,
} from './kernels.js';
import { ScopeStack } from './memory-scopes.js';
import { contiguousStrides } from './strides.js';
import { checkShape, expectFloat, expectInt, expectRank } from './validation.js';
import { Generator } from './random.js';
import { formatShape, shapeSize, Tensor, type DType, type Shape, type Storage } from './tensor.js';

export type BackendName = 'reference' | 'wasm' | 'webgpu';

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  /** Scale of `c` (default 0, or 1 when `c` is given). */
  beta?: number;
  /** Added as beta * c; must have the output shape. Not modified. */
  c?: Tensor;
  /** Fused epilogue (matrices only): one float per output column, added after alpha/beta. */
  bias?: Tensor;
  /** Fused epilogue (matrices only): x > 0 ? x : 0 after the bias. */
  relu?: boolean;
}

export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  /** One number, [padH, padW], or [top, left, bottom, right]. */
  padding?: number | readonly [number, number] | readonly [number, number, number, number];
  dilation?: number | readonly [number, number];
  groups?: number;
}

export interface Pool2dOptions {
  kernel: number | readonly [number, number];
  /** Defaults to the kernel size. */
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number] | readonly [number, number, number, number];
  dilation?: number | readonly [number, number];
  ceilMode?: boolean;
  /** Average pool only (default true, as PyTorch). */
  countIncludePad?: boolean;
}

export interface Resize2dOptions {
  height: number;
  width: number;
  mode?: ResizeMode;
  alignCorners?: boolean;
}

export interface MemoryInfo {
  /** Live storages (tensors and their views share one). */
  storages: number;
  /** Live tensor handles. */
  tensors: number;
  bytes: number;
}


function pair(v: number | readonly [number, number] | undefined, dflt: number, what: string, kernel: string): [number, number] {
  if (v === undefined) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  if (v.length !== 2) throw new ShapeError(`${kernel}: ${what} must be a number or [h, w], got ${JSON.stringify(v)}`);
  return [v[0], v[1]];
}

function pads(v: Conv2dOptions['padding'], kernel: string): [number, number, number, number] {
  if (v === undefined) return [0, 0, 0, 0];
  if (typeof v === 'number') return [v, v, v, v];
  if (v.length === 2) return [v[0], v[1], v[0], v[1]];
  if (v.length === 4) return [v[0], v[1], v[2], v[3]];
  throw new ShapeError(`${kernel}: padding must be a number, [padH, padW] or [top, left, bottom, right], got ${JSON.stringify(v)}`);
}

function normAxis(axis: number, rank: number, kernel: string, shape: Shape): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(`${kernel}: axis ${axis} is out of range for a tensor of shape ${formatShape(shape)}`);
  }
  return a;
}

function axisDims(shape: Shape, axis: number): AxisDims {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  return { outer, axis: shape[axis]!, inner };
}

/** numpy broadcasting of two shapes; throws naming the kernel and both shapes. */
export function broadcastShapes(kernel: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw shapeMismatch(kernel, 'shapes do not broadcast', a, b, `dimension ${i} of the broadcast result: ${da} vs ${db}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const strides = contiguousStrides(inShape);
  const out = new Array<number>(outShape.length).fill(0);
  const shift = outShape.length - inShape.length;
  for (let d = 0; d < inShape.length; d++) out[d + shift] = inShape[d] === 1 ? 0 : strides[d]!;
  return out;
}

export class Backend {
  readonly impl: KernelImpl;
  private readonly scopes = new ScopeStack();
  private liveStorages = 0;
  private liveTensors = 0;
  private liveBytes = 0;
  private destroyed = false;
  /** Worker threads used by the wasm backend (1 elsewhere). */
  readonly threads: number;

  constructor(impl: KernelImpl, threads = 1) {
    this.impl = impl;
    this.threads = threads;
  }

  get name(): BackendName {
    return this.impl.name;
  }

  /** The kernels' build (wasm: 'wasm-simd128' or 'wasm-relaxed'; else the backend's name): manifests record it. */
  get build(): string {
    return this.impl.build ?? this.impl.name;
  }

  // ------------------------------------------------------------------ memory

  /** @internal */
  newStorage(size: number, dtype: DType): Storage {
    if (this.destroyed) throw new Error(`${this.name} backend: used after destroy()`);
    const s = this.impl.allocate(size, dtype);
    this.liveStorages++;
    this.liveBytes += size * 4;
    return s;
  }

  /** @internal Wrap a storage in a tensor owned by the current scope. */
  wrap(storage: Storage, shape: Shape): Tensor {
    storage.refs++;
    const t = new Tensor(this, storage, shape);
    this.liveTensors++;
    this.scopes.adopt(t);
    return t;
  }

  private alloc(shape: Shape, dtype: DType = 'float32'): Tensor {
    return this.wrap(this.newStorage(shapeSize(shape), dtype), shape);
  }

  /** @internal Called by Tensor.dispose(). */
  releaseTensor(t: Tensor): void {
    this.liveTensors--;
    const s = t.storage;
    s.refs--;
    if (s.refs === 0) {
      this.impl.free(s);
      this.liveStorages--;
      this.liveBytes -= s.size * 4;
    }
  }

  memory(): MemoryInfo {
    return { storages: this.liveStorages, tensors: this.liveTensors, bytes: this.liveBytes };
  }

  /**
   * Run `fn`; dispose every tensor created during it except those reachable
   * from its return value (arrays, plain objects and Maps are searched) or
   * passed to `keep`. Scopes nest. `fn` must be synchronous: use `asyncScope`
   * for async work.
   */
  scope<T>(fn: () => T): T {
    return this.scopes.run(fn, this.name);
  }

  /** Like `scope` for async functions. Do not run two asyncScopes on one backend concurrently. */
  asyncScope<T>(fn: () => Promise<T>): Promise<T> {
    return this.scopes.runAsync(fn);
  }

  /** Exclude tensors from the enclosing scope (they outlive it; the caller disposes them). */
  keep<T extends Tensor | Tensor[]>(t: T): T {
    this.scopes.keep(Array.isArray(t) ? t : [t]);
    return t;
  }

  /** Release workers, devices and memory. The backend cannot be used afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.impl.destroy();
  }

  // -------------------------------------------------------------- creation

  /** A tensor from host data. number[] becomes float32; pass an Int32Array for int32. */
  tensor(data: Float32Array | Int32Array | readonly number[], shape?: Shape): Tensor {
    let arr: Float32Array | Int32Array;
    if (data instanceof Float32Array || data instanceof Int32Array) arr = data;
    else if (Array.isArray(data)) arr = Float32Array.from(data);
    else {
      const kind = (data as object)?.constructor?.name ?? typeof data;
      throw new DTypeError(`tensor: expected a Float32Array, an Int32Array or a number[], got ${kind}; convert it with Float32Array.from(...)`);
    }
    const sh = shape ?? [arr.length];
    if (shapeSize(sh) !== arr.length) {
      throw new ShapeError(`tensor: ${arr.length} values do not fill shape ${formatShape(sh)} (${shapeSize(sh)} elements)`);
    }
    checkShape('tensor', sh);
    const t = this.alloc(sh, arr instanceof Int32Array ? 'int32' : 'float32');
    if (arr.length > 0) this.impl.write(t.storage, arr);
    return t;
  }

  zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
    return this.full(shape, 0, dtype);
  }

  ones(shape: Shape): Tensor {
    return this.full(shape, 1);
  }

  full(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
    checkShape('full', shape);
    const t = this.alloc(shape, dtype);
    if (t.size > 0) this.impl.fill(t.storage, value);
    return t;
  }

  /** Uniform in [low, high), bit-identical on every backend for the same generator state. */
  randomUniform(shape: Shape, generator: Generator, low = 0, high = 1): Tensor {
    checkShape('randomUniform', shape);
    const t = this.alloc(shape);
    if (t.size > 0) this.impl.random(t.storage, t.size, 'uniform', generator.nextKey(), low, high);
    return t;
  }

  /** Normal(mean, std) by Box-Muller on Philox uniforms (equal across backends to float32 transcendental accuracy). */
  randomNormal(shape: Shape, generator: Generator, mean = 0, std = 1): Tensor {
    checkShape('randomNormal', shape);
    const t = this.alloc(shape);
    if (t.size > 0) this.impl.random(t.storage, t.size, 'normal', generator.nextKey(), mean, std);
    return t;
  }

  async read(t: Tensor): Promise<Float32Array | Int32Array> {
    t.assertAlive('read');
    if (t.size === 0) return t.dtype === 'int32' ? new Int32Array(0) : new Float32Array(0);
    return this.impl.read(t.storage);
  }

  readSync(t: Tensor): Float32Array | Int32Array {
    t.assertAlive('readSync');
    if (!this.impl.readSync) {
      throw new Error(`readSync: the ${this.name} backend keeps tensors on the device; use 'await tensor.read()' instead`);
    }
    if (t.size === 0) return t.dtype === 'int32' ? new Int32Array(0) : new Float32Array(0);
    return this.impl.readSync(t.storage);
  }

  /** Float32 values (throws for int32 tensors). */
  async readFloat(t: Tensor): Promise<Float32Array> {
    expectFloat(this, 'readFloat', 'tensor', t);
    return (await this.read(t)) as Float32Array;
  }

  /** Overwrite a tensor's values in place (all views see the change). */
  write(t: Tensor, data: Float32Array | Int32Array): void {
    t.assertAlive('write');
    if (data.length !== t.size) throw new ShapeError(`write: ${data.length} values for a tensor of shape ${formatShape(t.shape)}`);
    if ((data instanceof Int32Array) !== (t.dtype === 'int32')) {
      throw new DTypeError(`write: ${data.constructor.name} into a ${t.dtype} tensor ${formatShape(t.shape)}`);
    }
    if (t.size > 0) this.impl.write(t.storage, data);
  }

  /** Wait for queued device work (WebGPU); resolves at once on CPU backends. */
  sync(): Promise<void> {
    return this.impl.sync();
  }

  // ------------------------------------------------------------- validation

  private view(t: Tensor, outShape: Shape): StridedView {
    return { storage: t.storage, offset: 0, strides: broadcastStrides(t.shape, outShape) };
  }

  // -------------------------------------------------------------- shape ops

  /** A view with another shape (one dimension may be -1). Shares storage; the caller owns the view. */
  reshape(t: Tensor, shape: Shape): Tensor {
    t.assertAlive('reshape');
    const dims = [...shape];
    const unknown = dims.indexOf(-1);
    if (unknown >= 0) {
      const known = dims.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
      if (known === 0 || t.size % known !== 0) throw shapeMismatch('reshape', 'cannot infer -1', t.shape, shape);
      dims[unknown] = t.size / known;
    }
    checkShape('reshape', dims);
    if (shapeSize(dims) !== t.size) {
      throw shapeMismatch('reshape', `sizes differ (${t.size} vs ${shapeSize(dims)} elements)`, t.shape, dims);
    }
    return this.wrap(t.storage, dims);
  }

  /** A copy with its own storage. */
  clone(t: Tensor): Tensor {
    t.assertAlive('clone');
    const out = this.alloc(t.shape, t.dtype);
    if (t.size > 0) this.impl.copy({ storage: t.storage, offset: 0, strides: contiguousStrides(t.shape) }, { storage: out.storage, offset: 0, strides: contiguousStrides(t.shape) }, t.shape);
    return out;
  }

  /** Reorder dimensions: out.shape[i] = x.shape[perm[i]]. */
  permute(x: Tensor, perm: readonly number[]): Tensor {
    x.assertAlive('permute');
    if (perm.length !== x.rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
      throw new ShapeError(`permute: ${JSON.stringify(perm)} is not a permutation of the ${x.rank} dimensions of ${formatShape(x.shape)}`);
    }
    const inStrides = contiguousStrides(x.shape);
    const outShape = perm.map((p) => x.shape[p]!);
    const out = this.alloc(outShape, x.dtype);
    if (out.size > 0) this.impl.copy({ storage: x.storage, offset: 0, strides: perm.map((p) => inStrides[p]!) }, { storage: out.storage, offset: 0, strides: contiguousStrides(outShape) }, outShape);
    return out;
  }

  /** Transpose of a matrix (rank 2). */
  transpose(x: Tensor): Tensor {
    expectRank('transpose', 'x', x, 2);
    return this.permute(x, [1, 0]);
  }

  /** out = x[starts:ends:steps] per dimension (ends exclusive, clamped; negative starts/ends count from the end; steps >= 1). */
  slice(x: Tensor, starts: readonly number[], ends: readonly number[], steps?: readonly number[]): Tensor {
    x.assertAlive('slice');
    if (starts.length !== x.rank || ends.length !== x.rank || (steps && steps.length !== x.rank)) {
      throw new ShapeError(`slice: starts/ends/steps need one entry per dimension of ${formatShape(x.shape)}, got starts ${JSON.stringify(starts)}, ends ${JSON.stringify(ends)}`);
    }
    const strides = contiguousStrides(x.shape);
    const outShape: number[] = [];
    const viewStrides: number[] = [];
    let offset = 0;
    for (let d = 0; d < x.rank; d++) {
      const n = x.shape[d]!;
      const step = steps ? steps[d]! : 1;
      if (!Number.isInteger(step) || step < 1) throw new ShapeError(`slice: step ${step} in dimension ${d} must be an integer >= 1`);
      let s = starts[d]! < 0 ? starts[d]! + n : starts[d]!;
      let e = ends[d]! < 0 ? ends[d]! + n : ends[d]!;
      s = Math.min(Math.max(s, 0), n);
      e = Math.min(Math.max(e, 0), n);
      const len = e > s ? Math.ceil((e - s) / step) : 0;
      outShape.push(len);
      viewStrides.push(strides[d]! * step);
      offset += s * strides[d]!;
    }
    const out = this.alloc(outShape, x.dtype);
    if (out.size > 0) this.impl.copy({ storage: x.storage, offset, strides: viewStrides }, { storage: out.storage, offset: 0, strides: contiguousStrides(outShape) }, outShape);
    return out;
  }

  /** Join tensors along `axis` (all other dimensions equal). */
  concat(tensors: readonly Tensor[], axis: number): Tensor {
    if (tensors.length === 0) throw new ShapeError('concat: needs at least one tensor');
    const first = tensors[0]!;
    first.assertAlive('concat');
    const ax = normAxis(axis, first.rank, 'concat', first.shape);
    let total = 0;
    for (const t of tensors) {
      t.assertAlive('concat');
      if (t.dtype !== first.dtype) throw new DTypeError(`concat: mixes ${first.dtype} and ${t.dtype} tensors`);
      if (t.rank !== first.rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
        throw shapeMismatch('concat', `shapes differ outside axis ${ax}`, first.shape, t.shape);
      }
      total += t.shape[ax]!;
    }
    const outShape = [...first.shape];
    outShape[ax] = total;
    const out = this.alloc(outShape, first.dtype);
    const outStrides = contiguousStrides(outShape);
    let at = 0;
    for (const t of tensors) {
      if (t.size > 0) {
        this.impl.copy({ storage: t.storage, offset: 0, strides: contiguousStrides(t.shape) }, { storage: out.storage, offset: at * outStrides[ax]!, strides: outStrides }, t.shape);
      }
      at += t.shape[ax]!;
    }
    return out;
  }

  /** Materialise a broadcast: x repeated to `shape` (numpy rules). */
  expand(x: Tensor, shape: Shape): Tensor {
    x.assertAlive('expand');
    const outShape = broadcastShapes('expand', x.shape, shape);
    if (outShape.length !== shape.length || outShape.some((d, i) => d !== shape[i])) {
      throw shapeMismatch('expand', 'cannot expand', x.shape, shape);
    }
    const out = this.alloc(outShape, x.dtype);
    if (out.size > 0) this.impl.copy(this.view(x, outShape), { storage: out.storage, offset: 0, strides: contiguousStrides(outShape) }, outShape);
    return out;
  }

  /** Select entries along `axis`: out.shape[axis] = indices.length (ONNX Gather / torch.index_select). */
  gather(x: Tensor, indices: Tensor | Int32Array | readonly number[], axis: number): Tensor {
    x.assertAlive('gather');
    const ax = normAxis(axis, x.rank, 'gather', x.shape);
    const [idx, owned] = this.indexTensor('gather', indices, x.shape[ax]!);
    try {
      const d = axisDims(x.shape, ax);
      const outShape = [...x.shape];
      outShape[ax] = idx.size;
      const out = this.alloc(outShape, x.dtype);
      if (out.size > 0) this.impl.gather(x.storage, idx.storage, out.storage, d, idx.size);
      return out;
    } finally {
      if (owned) idx.dispose();
    }
  }

  /** out = target with updates added at `indices` along `axis` (repeated indices accumulate). The backward of gather. */
  scatterAdd(target: Tensor, indices: Tensor | Int32Array | readonly number[], updates: Tensor, axis: number): Tensor {
    expectFloat(this, 'scatterAdd', 'target', target);
    expectFloat(this, 'scatterAdd', 'updates', updates);
    const ax = normAxis(axis, target.rank, 'scatterAdd', target.shape);
    const [idx, owned] = this.indexTensor('scatterAdd', indices, target.shape[ax]!);
    try {
      const expected = [...target.shape];
      expected[ax] = idx.size;
      if (updates.rank !== expected.length || updates.shape.some((d, i) => d !== expected[i])) {
        throw shapeMismatch('scatterAdd', `updates must have the target's shape with ${idx.size} entries along axis ${ax}`, updates.shape, expected);
      }
      const out = this.clone(target);
      if (updates.size > 0) this.impl.scatterAdd(updates.storage, idx.storage, out.storage, axisDims(target.shape, ax), idx.size);
      return out;
    } finally {
      if (owned) idx.dispose();
    }
  }

  /** One-hot along a new last axis (or `axis`): int32 indices of shape S give float32 of shape S with `depth` inserted at `axis`. */
  oneHot(indices: Tensor, depth: number, axis = -1): Tensor {
    expectInt(this, 'oneHot', 'indices', indices);
    const rank = indices.rank + 1;
    const ax = axis < 0 ? axis + rank : axis;
    if (ax < 0 || ax >= rank) throw new ShapeError(`oneHot: axis ${axis} out of range for indices ${formatShape(indices.shape)}`);
    const outShape = [...indices.shape.slice(0, ax), depth, ...indices.shape.slice(ax)];
    const out = this.alloc(outShape);
    if (out.size > 0) this.impl.oneHot(indices.storage, out.storage, axisDims(outShape, ax));
    return out;
  }

  private indexTensor(kernel: string, indices: Tensor | Int32Array | readonly number[], bound: number): [Tensor, boolean] {
    if (indices instanceof Tensor) {
      expectInt(this, kernel, 'indices', indices);
      if (indices.rank !== 1) throw new ShapeError(`${kernel}: indices must be a 1-D int32 tensor, got ${formatShape(indices.shape)}`);
      return [indices, false];
    }
    const arr = indices instanceof Int32Array ? indices : Int32Array.from(indices);
    for (let i = 0; i < arr.length; i++) {
      if (arr[i]! < 0 || arr[i]! >= bound) throw new ShapeError(`${kernel}: index ${arr[i]} at position ${i} is outside [0, ${bound})`);
    }
    return [this.tensor(arr), true];
  }

  // ----------------------------------------------------------- linear algebra

  /**
   * C = alpha * op(A) op(B) + beta * c. A and B are matrices, or batches
   * [batch, rows, cols] (a 2-D operand is shared by every batch entry).
   */
  gemm(a: Tensor, b: Tensor, options: GemmOptions = {}): Tensor {
    return this.gemmCore(a, b, options, false).y;
  }

  private gemmCore(a: Tensor, b: Tensor, options: GemmOptions, wantMask: boolean): { y: Tensor; mask: Tensor | null } {
    expectFloat(this, 'gemm', 'a', a);
    expectFloat(this, 'gemm', 'b', b);
    const transA = options.transA ?? false;
    const transB = options.transB ?? false;
    const alpha = options.alpha ?? 1;
    const beta = options.beta ?? (options.c ? 1 : 0);
    if (a.rank < 2 || a.rank > 3 || b.rank < 2 || b.rank > 3) {
      throw shapeMismatch('gemm', 'operands must be matrices or batches of matrices', a.shape, b.shape);
    }
    const batchA = a.rank === 3 ? a.shape[0]! : 1;
    const batchB = b.rank === 3 ? b.shape[0]! : 1;
    if (a.rank === 3 && b.rank === 3 && batchA !== batchB) throw shapeMismatch('gemm', 'batch sizes differ', a.shape, b.shape);
    const batch = Math.max(batchA, batchB);
    const ar = a.shape[a.rank - 2]!;
    const ac = a.shape[a.rank - 1]!;
    const br = b.shape[b.rank - 2]!;
    const bc = b.shape[b.rank - 1]!;
    const m = transA ? ac : ar;
    const k = transA ? ar : ac;
    const kb = transB ? bc : br;
    const n = transB ? br : bc;
    if (k !== kb) {
      throw shapeMismatch('gemm', `inner dimensions differ (${k} vs ${kb}; transA=${transA}, transB=${transB})`, a.shape, b.shape);
    }
    const outShape = a.rank === 3 || b.rank === 3 ? [batch, m, n] : [m, n];
    let out: Tensor;
    if (beta !== 0) {
      if (!options.c) throw new ShapeError('gemm: beta != 0 needs options.c');
      expectFloat(this, 'gemm', 'c', options.c);
      if (options.c.size !== shapeSize(outShape) || options.c.rank !== outShape.length || options.c.shape.some((d, i) => d !== outShape[i])) {
        throw shapeMismatch('gemm', 'c must have the output shape', options.c.shape, outShape);
      }
      out = this.clone(options.c);
    } else {
      out = this.alloc(outShape);
    }
    const fused = options.bias !== undefined || options.relu === true || wantMask;
    if (fused) this.checkEpilogue(a, b, n, options);
    if (out.size === 0 && !fused) return { y: out, mask: null };
    if (k === 0) {
      if (beta === 0) this.impl.fill(out.storage, 0);
      else if (beta !== 1) this.impl.unary('affine', out.storage, out.storage, out.size, beta, 0);
      if (!fused) return { y: out, mask: null };
    }
    const params: GemmParams = {
      m, n, k, transA, transB, alpha, beta, batch,
      strideA: a.rank === 3 ? ar * ac : 0,
      strideB: b.rank === 3 ? br * bc : 0,
      strideC: m * n,
    };
    if (fused) return this.applyEpilogue(a, b, out, params, options, wantMask);
    this.impl.gemm(a.storage, b.storage, out.storage, params);
    return { y: out, mask: null };
  }

  /**
   * gemm with bias and ReLU fused, also returning the ReLU mask (1 where the
   * value before the ReLU is > 0, else 0; what the ReLU's backward and LRP
   * need) without a second pass over the output. Matrices only.
   */
  gemmReluMask(a: Tensor, b: Tensor, options: Omit<GemmOptions, 'relu'> = {}): { y: Tensor; mask: Tensor } {
    const r = this.gemmCore(a, b, { ...options, relu: true }, true);
    return { y: r.y, mask: r.mask! };
  }

  private checkEpilogue(a: Tensor, b: Tensor, n: number, options: GemmOptions): void {
    if (a.rank !== 2 || b.rank !== 2) throw shapeMismatch('gemm', 'bias and relu need matrix operands', a.shape, b.shape);
    const bias = options.bias;
    if (!bias) return;
    expectFloat(this, 'gemm', 'bias', bias);
    if (bias.size !== n) throw shapeMismatch('gemm', `bias needs ${n} entries (the output columns)`, bias.shape, [n]);
  }

  /** The fused epilogue: in the backend's store loop where it has one, else composed with the same rounding. */
  private applyEpilogue(a: Tensor, b: Tensor, out: Tensor, p: GemmParams, options: GemmOptions, wantMask: boolean): { y: Tensor; mask: Tensor | null } {
    const { bias, relu = false } = options;
    const mask = wantMask ? this.alloc([p.m, p.n]) : null;
    if (this.impl.gemmEpilogue && p.k > 0) {
      this.impl.gemmEpilogue(a.storage, b.storage, out.storage, p, { bias: bias?.storage ?? null, relu, mask: mask?.storage ?? null });
      return { y: out, mask };
    }
    if (p.k > 0) this.impl.gemm(a.storage, b.storage, out.storage, p);
    let pre = out;
    if (bias) {
      pre = this.addBias(out, bias, 1);
      out.dispose();
    }
    if (!relu) return { y: pre, mask };
    if (mask) this.impl.unary('step', pre.storage, mask.storage, pre.size, 0, 0);
    const y = this.unary('relu', pre);
    pre.dispose();
    return { y, mask };
  }

  /**
   * A ragged batch of products against one matrix w gathered by indices:
   * entry e computes A_e (m x k, read from `a` at aOffset) times
   * diag(rowScale) w[rows, cols] diag(colScale) (k rows at rowsOffset, n columns at
   * colsOffset of the index lists). Outputs are packed one after another in a
   * flat tensor; `offsets` says where each entry starts. Scales may be null (1).
   */
  gatheredGemm(
    a: Tensor,
    w: Tensor,
    rows: Tensor,
    rowScale: Tensor | null,
    cols: Tensor,
    colScale: Tensor | null,
    entries: ReadonlyArray<{ m: number; k: number; n: number; aOffset: number; rowsOffset: number; colsOffset: number }>,
  ): { out: Tensor; offsets: Int32Array } {
    const kernel = 'gatheredGemm';
    expectFloat(this, kernel, 'a', a);
    expectFloat(this, kernel, 'w', w);
    expectRank(kernel, 'w', w, 2);
    expectInt(this, kernel, 'rows', rows);
    expectInt(this, kernel, 'cols', cols);
    if (rowScale) {
      expectFloat(this, kernel, 'rowScale', rowScale);
      if (rowScale.size !== rows.size) throw shapeMismatch(kernel, 'rowScale needs one value per row index', rowScale.shape, rows.shape);
    }
    if (colScale) {
      expectFloat(this, kernel, 'colScale', colScale);
      if (colScale.size !== cols.size) throw shapeMismatch(kernel, 'colScale needs one value per column index', colScale.shape, cols.shape);
    }
    const offsets = new Int32Array(entries.length);
    const normalized = [];
    let total = 0;
    const valid = (v: number): boolean => Number.isInteger(v) && v >= 0;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (!(valid(e.m) && valid(e.k) && valid(e.n) && valid(e.aOffset) && valid(e.rowsOffset) && valid(e.colsOffset))) {
        throw new ShapeError(`${kernel}: entry ${i} has a negative or non-integer size or offset: ${JSON.stringify(e)}`);
      }
      if (e.aOffset + e.m * e.k > a.size) throw new ShapeError(`${kernel}: entry ${i} reads a[${e.aOffset}..${e.aOffset + e.m * e.k}) beyond a's ${a.size} values`);
      if (e.rowsOffset + e.k > rows.size) throw new ShapeError(`${kernel}: entry ${i} reads rows[${e.rowsOffset}..${e.rowsOffset + e.k}) beyond ${rows.size} row indices`);
      if (e.colsOffset + e.n > cols.size) throw new ShapeError(`${kernel}: entry ${i} reads cols[${e.colsOffset}..${e.colsOffset + e.n}) beyond ${cols.size} column indices`);
      offsets[i] = total;
      normalized.push({ m: e.m, k: e.k, n: e.n, aOffset: e.aOffset, rowsOffset: e.rowsOffset, colsOffset: e.colsOffset, outOffset: total });
      total += e.m * e.n;
    }
    const out = this.alloc([total]);
    if (total > 0) this.impl.gatheredGemm(a.storage, w.storage, w.shape[1]!, rows.storage, rowScale?.storage ?? null, cols.storage, colScale?.storage ?? null, out.storage, normalized);
    return { out, offsets };
  }

  /** Gradients of C = alpha op(A) op(B) with respect to A and B, given dC (2-D operands). */
  gemmBackward(a: Tensor, b: Tensor, dc: Tensor, options: Pick<GemmOptions, 'transA' | 'transB' | 'alpha'> = {}): { da: Tensor; db: Tensor } {
    const transA = options.transA ?? false;
    const transB = options.transB ?? false;
    const alpha = options.alpha ?? 1;
    if (a.rank !== 2 || b.rank !== 2 || dc.rank !== 2) throw shapeMismatch('gemmBackward', 'needs matrices', a.shape, b.shape);
    // C = A B:        dA = dC B^T,   dB = A^T dC
    // C = A^T B:      dA = B dC^T,   dB = A dC
    // C = A B^T:      dA = dC B,     dB = dC^T A
    // C = A^T B^T:    dA = B^T dC^T, dB = dC^T A^T
    const da = transA
      ? this.gemm(b, dc, { transA: transB, transB: true, alpha })
      : this.gemm(dc, b, { transB: !transB, alpha });
    const db = transB
      ? this.gemm(dc, a, { transA: true, transB: transA, alpha })
      : this.gemm(a, dc, { transA: !transA, alpha });
    return { da, db };
  }

  /** x + bias broadcast along `axis` (default 1: features of [N, C] or channels of [N, C, H, W]). */
  addBias(x: Tensor, bias: Tensor, axis = 1): Tensor {
    expectFloat(this, 'addBias', 'x', x);
    expectFloat(this, 'addBias', 'bias', bias);
    const ax = normAxis(axis, x.rank, 'addBias', x.shape);
    if (bias.size !== x.shape[ax]) throw shapeMismatch('addBias', `bias needs ${x.shape[ax]} entries (dimension ${ax} of x)`, x.shape, bias.shape);
    const shape = x.shape.map((d, i) => (i === ax ? d : 1));
    const b = this.reshape(bias, shape);
    try {
      return this.binary('add', x, b);
    } finally {
      b.dispose();
    }
  }

  /** Gradient of addBias with respect to the bias: dy summed over every axis but `axis`. */
  biasGrad(dy: Tensor, axis = 1): Tensor {
    expectFloat(this, 'biasGrad', 'dy', dy);
    const ax = normAxis(axis, dy.rank, 'biasGrad', dy.shape);
    const target = dy.shape.map((d, i) => (i === ax ? d : 1));
    const s = this.sumToShape(dy, target);
    const out = this.reshape(s, [dy.shape[ax]!]);
    s.dispose();
    return out;
  }

  // --------------------------------------------------------------- elementwise

  unary(op: UnaryOp, x: Tensor, p0 = 0, p1 = 0): Tensor {
    expectFloat(this, op, 'x', x);
    const out = this.alloc(x.shape);
    if (out.size > 0) this.impl.unary(op, x.storage, out.storage, x.size, p0, p1);
    return out;
  }

  /** dx = dy * f'(x); y = f(x) must be the forward output. */
  unaryBackward(op: UnaryOp, x: Tensor, y: Tensor, dy: Tensor, p0 = 0, p1 = 0): Tensor {
    const kernel = `${op} backward`;
    expectFloat(this, kernel, 'x', x);
    expectFloat(this, kernel, 'y', y);
    expectFloat(this, kernel, 'dy', dy);
    if (x.size !== dy.size || y.size !== dy.size) throw shapeMismatch(kernel, 'x, y and dy must have one shape', x.shape, dy.shape);
    const out = this.alloc(x.shape);
    if (out.size > 0) this.impl.unaryBackward(op, x.storage, y.storage, dy.storage, out.storage, x.size, p0, p1);
    return out;
  }

  relu(x: Tensor): Tensor { return this.unary('relu', x); }
  leakyRelu(x: Tensor, slope = 0.01): Tensor { return this.unary('leaky_relu', x, slope); }
  sigmoid(x: Tensor): Tensor { return this.unary('sigmoid', x); }
  tanh(x: Tensor): Tensor { return this.unary('tanh', x); }
  exp(x: Tensor): Tensor { return this.unary('exp', x); }
  log(x: Tensor): Tensor { return this.unary('log', x); }
  abs(x: Tensor): Tensor { return this.unary('abs', x); }
  sign(x: Tensor): Tensor { return this.unary('sign', x); }
  square(x: Tensor): Tensor { return this.unary('square', x); }
  sqrt(x: Tensor): Tensor { return this.unary('sqrt', x); }
  clamp(x: Tensor, min: number, max: number): Tensor { return this.unary('clamp', x, min, max); }
  positive(x: Tensor): Tensor { return this.unary('positive', x); }
  negative(x: Tensor): Tensor { return this.unary('negative', x); }
  /** scale * x + shift */
  affine(x: Tensor, scale: number, shift = 0): Tensor { return this.unary('affine', x, scale, shift); }
  scale(x: Tensor, s: number): Tensor { return this.unary('affine', x, s, 0); }
  reciprocal(x: Tensor): Tensor { return this.unary('reciprocal', x); }
  step(x: Tensor): Tensor { return this.unary('step', x); }

  /** a op b with numpy broadcasting. */
  binary(op: BinaryOp, a: Tensor, b: Tensor, p0 = 0): Tensor {
    expectFloat(this, op, 'a', a);
    expectFloat(this, op, 'b', b);
    const outShape = broadcastShapes(op, a.shape, b.shape);
    const out = this.alloc(outShape);
    if (out.size > 0) this.impl.binary(op, this.view(a, outShape), this.view(b, outShape), out.storage, outShape, p0);
    return out;
  }

  add(a: Tensor, b: Tensor): Tensor { return this.binary('add', a, b); }
  sub(a: Tensor, b: Tensor): Tensor { return this.binary('sub', a, b); }
  mul(a: Tensor, b: Tensor): Tensor { return this.binary('mul', a, b); }
  div(a: Tensor, b: Tensor): Tensor { return this.binary('div', a, b); }
  maximum(a: Tensor, b: Tensor): Tensor { return this.binary('max', a, b); }
  minimum(a: Tensor, b: Tensor): Tensor { return this.binary('min', a, b); }
  greater(a: Tensor, b: Tensor): Tensor { return this.binary('greater', a, b); }

  /** LRP's stabilised division a / (b + eps * sign(b)), with sign(0) = +1 (Zennit's `stabilize`). */
  stabilizedDivide(a: Tensor, b: Tensor, eps: number): Tensor {
    return this.binary('stabilized_div', a, b, eps);
  }

  /** cond != 0 ? a : b, broadcasting all three. */
  where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
    expectFloat(this, 'where', 'cond', cond);
    expectFloat(this, 'where', 'a', a);
    expectFloat(this, 'where', 'b', b);
    const outShape = broadcastShapes('where', broadcastShapes('where', cond.shape, a.shape), b.shape);
    const out = this.alloc(outShape);
    if (out.size > 0) this.impl.where(this.view(cond, outShape), this.view(a, outShape), this.view(b, outShape), out.storage, outShape);
    return out;
  }

  /** Sum x over the dimensions that broadcasting expanded, giving `shape` (the backward of broadcasting). */
  sumToShape(x: Tensor, shape: Shape): Tensor {
    expectFloat(this, 'sumToShape', 'x', x);
    if (x.rank === shape.length && x.shape.every((d, i) => d === shape[i])) return this.clone(x);
    const bshape = broadcastShapes('sumToShape', shape, x.shape);
    if (bshape.length !== x.rank || bshape.some((d, i) => d !== x.shape[i])) {
      throw shapeMismatch('sumToShape', 'target shape does not broadcast to x', shape, x.shape);
    }
    const shift = x.rank - shape.length;
    let cur = x;
    let owned = false;
    for (let d = x.rank - 1; d >= 0; d--) {
      const target = d - shift >= 0 ? shape[d - shift]! : 1;
      if (cur.shape[d] !== target) {
        const next = this.sum(cur, d, true);
        if (owned) cur.dispose();
        cur = next;
        owned = true;
      }
    }
    const result = this.reshape(cur, shape);
    if (owned) cur.dispose();
    return result;
  }

  /** Gradients of a op b with respect to a and b (reduced to their shapes). `greater` has zero gradient. */
  binaryBackward(op: BinaryOp, a: Tensor, b: Tensor, dy: Tensor, p0 = 0): { da: Tensor; db: Tensor } {
    return this.scope(() => {
      let ga: Tensor;
      let gb: Tensor;
      switch (op) {
        case 'add': ga = dy; gb = dy; break;
        case 'sub': ga = dy; gb = this.scale(dy, -1); break;
        case 'mul': ga = this.mul(dy, b); gb = this.mul(dy, a); break;
        case 'div': {
          ga = this.div(dy, b);
          gb = this.scale(this.div(this.mul(ga, a), b), -1);
          break;
        }
        case 'stabilized_div': {
          const ones = this.full([1], 1);
          const inv = this.stabilizedDivide(ones, b, p0);
          ga = this.mul(dy, inv);
          gb = this.scale(this.mul(this.mul(ga, a), inv), -1);
          break;
        }
        case 'max':
        case 'min': {
          // ties send the gradient to a
          const aWins = op === 'max' ? this.unary('affine', this.greater(b, a), -1, 1) : this.unary('affine', this.greater(a, b), -1, 1);
          ga = this.mul(dy, aWins);
          gb = this.sub(dy, ga);
          break;
        }
        case 'greater': ga = this.zeros(dy.shape); gb = ga; break;
      }
      return { da: this.sumToShape(ga, a.shape), db: this.sumToShape(gb, b.shape) };
    });
  }

  // ---------------------------------------------------------------- reductions

  reduce(op: ReduceOp, x: Tensor, axis: number, keepDims = false): Tensor {
    expectFloat(this, op, 'x', x);
    const ax = normAxis(axis, x.rank, op, x.shape);
    if (x.shape[ax] === 0 && (op === 'max' || op === 'min' || op === 'mean')) {
      throw new ShapeError(`${op}: axis ${ax} of ${formatShape(x.shape)} is empty`);
    }
    const outShape = keepDims ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
    const out = this.alloc(outShape);
    if (out.size > 0) this.impl.reduce(op, x.storage, out.storage, axisDims(x.shape, ax));
    return out;
  }

  sum(x: Tensor, axis: number, keepDims = false): Tensor { return this.reduce('sum', x, axis, keepDims); }
  mean(x: Tensor, axis: number, keepDims = false): Tensor { return this.reduce('mean', x, axis, keepDims); }
  max(x: Tensor, axis: number, keepDims = false): Tensor { return this.reduce('max', x, axis, keepDims); }
  min(x: Tensor, axis: number, keepDims = false): Tensor { return this.reduce('min', x, axis, keepDims); }

  /** Sum of every element, as a tensor of shape [1]. */
  sumAll(x: Tensor): Tensor {
    const flat = this.reshape(x, [1, x.size]);
    try {
      return this.sum(flat, 1);
    } finally {
      flat.dispose();
    }
  }

  /** int32 index of the first maximum along `axis` (the axis is removed). */
  argmax(x: Tensor, axis: number): Tensor {
    expectFloat(this, 'argmax', 'x', x);
    const ax = normAxis(axis, x.rank, 'argmax', x.shape);
    if (x.shape[ax] === 0) throw new ShapeError(`argmax: axis ${ax} of ${formatShape(x.shape)} is empty`);
    const out = this.alloc(x.shape.filter((_, i) => i !== ax), 'int32');
    if (out.size > 0) this.impl.argmax(x.storage, out.storage, axisDims(x.shape, ax));
    return out;
  }

  /** Gradient of a reduction: sum/mean spread dy; max/min route dy to the first extreme element. */
  reduceBackward(op: ReduceOp, x: Tensor, dy: Tensor, axis: number): Tensor {
    expectFloat(this, `${op} backward`, 'x', x);
    expectFloat(this, `${op} backward`, 'dy', dy);
    const ax = normAxis(axis, x.rank, `${op} backward`, x.shape);
    const keptShape = x.shape.map((d, i) => (i === ax ? 1 : d));
    if (dy.size !== shapeSize(keptShape)) throw shapeMismatch(`${op} backward`, 'dy does not match the reduced shape', dy.shape, keptShape);
    return this.scope(() => {
      const g = this.reshape(dy, keptShape);
      if (op === 'sum') return this.expand(g, x.shape);
      if (op === 'mean') return this.expand(this.scale(g, 1 / x.shape[ax]!), x.shape);
      const idx = op === 'max' ? this.argmax(x, ax) : this.argmax(this.scale(x, -1), ax);
      const hot = this.oneHot(idx, x.shape[ax]!, ax);
      return this.mul(hot, g);
    });
  }

  softmax(x: Tensor, axis = -1): Tensor {
    return this.softmaxImpl('softmax', x, axis, false);
  }

  logSoftmax(x: Tensor, axis = -1): Tensor {
    return this.softmaxImpl('logSoftmax', x, axis, true);
  }

  private softmaxImpl(kernel: string, x: Tensor, axis: number, log: boolean): Tensor {
    expectFloat(this, kernel, 'x', x);
    const ax = normAxis(axis, x.rank, kernel, x.shape);
    const out = this.alloc(x.shape);
    if (out.size > 0) this.impl.softmax(x.storage, out.storage, axisDims(x.shape, ax), log);
    return out;
  }

  /** Backward of softmax (log = false) or log-softmax (log = true) from the forward output y. */
  softmaxBackward(y: Tensor, dy: Tensor, axis = -1, log = false): Tensor {
    const kernel = log ? 'logSoftmax backward' : 'softmax backward';
    expectFloat(this, kernel, 'y', y);
    expectFloat(this, kernel, 'dy', dy);
    if (y.size !== dy.size || y.rank !== dy.rank) throw shapeMismatch(kernel, 'y and dy must have one shape', y.shape, dy.shape);
    const ax = normAxis(axis, y.rank, kernel, y.shape);
    const out = this.alloc(y.shape);
    if (out.size > 0) this.impl.softmaxBackward(y.storage, dy.storage, out.storage, axisDims(y.shape, ax), log);
    return out;
  }

  // --------------------------------------------------- convolution and pooling

  /** Parameters of conv2d for x [N, C, H, W] and w [K, C/groups, kH, kW]. */
  conv2dParams(xShape: Shape, wShape: Shape, options: Conv2dOptions = {}): Conv2dParams {
    const kernel = 'conv2d';
    if (xShape.length !== 4) throw new ShapeError(`${kernel}: x must be [N, C, H, W], got ${formatShape(xShape)}`);
    if (wShape.length !== 4) throw new ShapeError(`${kernel}: w must be [K, C/groups, kH, kW], got ${formatShape(wShape)}`);
    const [n, cIn, h, w] = xShape as [number, number, number, number];
    const [cOut, cPerGroup, kH, kW] = wShape as [number, number, number, number];
    const groups = options.groups ?? 1;
    const [strideH, strideW] = pair(options.stride, 1, 'stride', kernel);
    const [dilationH, dilationW] = pair(options.dilation, 1, 'dilation', kernel);
    const [padTop, padLeft, padBottom, padRight] = pads(options.padding, kernel);
    if (!Number.isInteger(groups) || groups < 1 || cIn % groups !== 0 || cOut % groups !== 0) {
      throw shapeMismatch(kernel, `groups=${groups} must divide the input channels and the output channels`, xShape, wShape);
    }
    if (cPerGroup * groups !== cIn) {
      throw shapeMismatch(kernel, `weight expects ${cPerGroup * groups} input channels (${cPerGroup} per group x ${groups} groups), x has ${cIn}`, xShape, wShape);
    }
    if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) throw new ShapeError(`${kernel}: stride and dilation must be >= 1`);
    if ([padTop, padLeft, padBottom, padRight].some((p) => p < 0 || !Number.isInteger(p))) throw new ShapeError(`${kernel}: padding must be non-negative integers`);
    const outH = Math.floor((h + padTop + padBottom - dilationH * (kH - 1) - 1) / strideH) + 1;
    const outW = Math.floor((w + padLeft + padRight - dilationW * (kW - 1) - 1) / strideW) + 1;
    if (outH < 1 || outW < 1) throw shapeMismatch(kernel, 'the kernel (with dilation) is larger than the padded input', xShape, wShape);
    return { n, cIn, h, w, cOut, kH, kW, strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups, outH, outW };
  }

  conv2d(x: Tensor, w: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
    expectFloat(this, 'conv2d', 'x', x);
    expectFloat(this, 'conv2d', 'w', w);
    const p = this.conv2dParams(x.shape, w.shape, options);
    if (bias) {
      expectFloat(this, 'conv2d', 'bias', bias);
      if (bias.size !== p.cOut) throw shapeMismatch('conv2d', `bias needs ${p.cOut} entries`, w.shape, bias.shape);
    }
    const out = this.alloc([p.n, p.cOut, p.outH, p.outW]);
    if (out.size > 0) this.impl.conv2d(x.storage, w.storage, bias ? bias.storage : null, out.storage, p);
    return out;
  }

  conv2dBackwardInput(dy: Tensor, w: Tensor, inputShape: Shape, options: Conv2dOptions = {}): Tensor {
    expectFloat(this, 'conv2dBackwardInput', 'dy', dy);
    expectFloat(this, 'conv2dBackwardInput', 'w', w);
    const p = this.conv2dParams(inputShape, w.shape, options);
    const expected = [p.n, p.cOut, p.outH, p.outW];
    if (dy.shape.some((d, i) => d !== expected[i]) || dy.rank !== 4) throw shapeMismatch('conv2dBackwardInput', 'dy does not match the conv output', dy.shape, expected);
    const out = this.alloc(inputShape);
    if (out.size > 0) this.impl.conv2dBackwardInput(dy.storage, w.storage, out.storage, p);
    return out;
  }

  conv2dBackwardWeight(x: Tensor, dy: Tensor, weightShape: Shape, options: Conv2dOptions = {}): Tensor {
    expectFloat(this, 'conv2dBackwardWeight', 'x', x);
    expectFloat(this, 'conv2dBackwardWeight', 'dy', dy);
    const p = this.conv2dParams(x.shape, weightShape, options);
    const expected = [p.n, p.cOut, p.outH, p.outW];
    if (dy.shape.some((d, i) => d !== expected[i]) || dy.rank !== 4) throw shapeMismatch('conv2dBackwardWeight', 'dy does not match the conv output', dy.shape, expected);
    const out = this.alloc(weightShape);
    if (out.size > 0) this.impl.conv2dBackwardWeight(x.storage, dy.storage, out.storage, p);
    return out;
  }

  pool2dParams(kernel: string, xShape: Shape, options: Pool2dOptions): Pool2dParams {
    if (xShape.length !== 4) throw new ShapeError(`${kernel}: x must be [N, C, H, W], got ${formatShape(xShape)}`);
    const [n, c, h, w] = xShape as [number, number, number, number];
    const [kH, kW] = pair(options.kernel, 1, 'kernel', kernel);
    const [strideH, strideW] = pair(options.stride ?? options.kernel, 1, 'stride', kernel);
    const [dilationH, dilationW] = pair(options.dilation, 1, 'dilation', kernel);
    const [padTop, padLeft, padBottom, padRight] = pads(options.padding, kernel);
    if (kH < 1 || kW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) throw new ShapeError(`${kernel}: kernel, stride and dilation must be >= 1`);
    if (padTop >= kH || padBottom >= kH || padLeft >= kW || padRight >= kW || [padTop, padLeft, padBottom, padRight].some((v) => v < 0)) {
      throw new ShapeError(`${kernel}: padding [${padTop}, ${padLeft}, ${padBottom}, ${padRight}] must be non-negative and smaller than the kernel ${kH}x${kW}`);
    }
    const size = (len: number, k: number, s: number, d: number, p0: number, p1: number): number => {
      const span = len + p0 + p1 - d * (k - 1) - 1;
      let o = (options.ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
      // a window must start inside the input or the leading padding
      if (options.ceilMode && (o - 1) * s >= len + p0) o--;
      return o;
    };
    const outH = size(h, kH, strideH, dilationH, padTop, padBottom);
    const outW = size(w, kW, strideW, dilationW, padLeft, padRight);
    if (outH < 1 || outW < 1) throw new ShapeError(`${kernel}: the window ${kH}x${kW} does not fit the input ${formatShape(xShape)}`);
    return { n, c, h, w, kH, kW, strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, outH, outW, countIncludePad: options.countIncludePad ?? true };
  }

  /** Max pooling; `indices` (int32, flat into x) feed maxPool2dBackward. */
  maxPool2d(x: Tensor, options: Pool2dOptions): { output: Tensor; indices: Tensor } {
    expectFloat(this, 'maxPool2d', 'x', x);
    const p = this.pool2dParams('maxPool2d', x.shape, options);
    const output = this.alloc([p.n, p.c, p.outH, p.outW]);
    const indices = this.alloc([p.n, p.c, p.outH, p.outW], 'int32');
    if (output.size > 0) this.impl.maxPool2d(x.storage, output.storage, indices.storage, p);
    return { output, indices };
  }

  maxPool2dBackward(dy: Tensor, indices: Tensor, inputShape: Shape, options: Pool2dOptions): Tensor {
    expectFloat(this, 'maxPool2dBackward', 'dy', dy);
    expectInt(this, 'maxPool2dBackward', 'indices', indices);
    const p = this.pool2dParams('maxPool2dBackward', inputShape, options);
    if (dy.size !== indices.size || dy.size !== p.n * p.c * p.outH * p.outW) throw shapeMismatch('maxPool2dBackward', 'dy and indices must have the pooled shape', dy.shape, [p.n, p.c, p.outH, p.outW]);
    const out = this.alloc(inputShape);
    if (out.size > 0) this.impl.maxPool2dBackward(dy.storage, indices.storage, out.storage, p);
    return out;
  }

  avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
    expectFloat(this, 'avgPool2d', 'x', x);
    const p = this.pool2dParams('avgPool2d', x.shape, options);
    if (p.dilationH !== 1 || p.dilationW !== 1) throw new ShapeError('avgPool2d: dilation is not supported (ONNX AveragePool before opset 19 and PyTorch AvgPool2d have none)');
    const out = this.alloc([p.n, p.c, p.outH, p.outW]);
    if (out.size > 0) this.impl.avgPool2d(x.storage, out.storage, p);
    return out;
  }

  avgPool2dBackward(dy: Tensor, inputShape: Shape, options: Pool2dOptions): Tensor {
    expectFloat(this, 'avgPool2dBackward', 'dy', dy);
    const p = this.pool2dParams('avgPool2dBackward', inputShape, options);
    if (dy.size !== p.n * p.c * p.outH * p.outW) throw shapeMismatch('avgPool2dBackward', 'dy must have the pooled shape', dy.shape, [p.n, p.c, p.outH, p.outW]);
    const out = this.alloc(inputShape);
    if (out.size > 0) this.impl.avgPool2dBackward(dy.storage, out.storage, p);
    return out;
  }

  resize2dParams(xShape: Shape, options: Resize2dOptions): Resize2dParams {
    if (xShape.length !== 4) throw new ShapeError(`resize2d: x must be [N, C, H, W], got ${formatShape(xShape)}`);
    const [n, c, h, w] = xShape as [number, number, number, number];
    if (!Number.isInteger(options.height) || !Number.isInteger(options.width) || options.height < 1 || options.width < 1) {
      throw new ShapeError(`resize2d: height and width must be positive integers, got ${options.height}x${options.width}`);
    }
    return { n, c, h, w, outH: options.height, outW: options.width, mode: options.mode ?? 'nearest', alignCorners: options.alignCorners ?? false };
  }

  /** Nearest or bilinear resize of [N, C, H, W] (PyTorch's interpolate semantics). */
  resize2d(x: Tensor, options: Resize2dOptions): Tensor {
    expectFloat(this, 'resize2d', 'x', x);
    const p = this.resize2dParams(x.shape, options);
    const out = this.alloc([p.n, p.c, p.outH, p.outW]);
    if (out.size > 0) this.impl.resize2d(x.storage, out.storage, p);
    return out;
  }

  resize2dBackward(dy: Tensor, inputShape: Shape, options: Resize2dOptions): Tensor {
    expectFloat(this, 'resize2dBackward', 'dy', dy);
    const p = this.resize2dParams(inputShape, options);
    if (dy.size !== p.n * p.c * p.outH * p.outW) throw shapeMismatch('resize2dBackward', 'dy must have the resized shape', dy.shape, [p.n, p.c, p.outH, p.outW]);
    const out = this.alloc(inputShape);
    if (out.size > 0) this.impl.resize2dBackward(dy.storage, out.storage, p);
    return out;
  }

  // ---------------------------------------------------------------- optimisers

  /** One Adam/AdamW step in place on param, m and v (PyTorch's update rule). */
  adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, p: AdamParams): void {
    for (const [name, t] of [['param', param], ['grad', grad], ['m', m], ['v', v]] as const) {
      expectFloat(this, 'adamStep', name, t);
      if (t.size !== param.size) throw shapeMismatch('adamStep', `${name} must have the parameter's size`, param.shape, t.shape);
    }
    if (param.size > 0) this.impl.adamStep(param.storage, grad.storage, m.storage, v.storage, param.size, p);
  }

  /** One SGD step (momentum, Nesterov, weight decay, dampening) in place; velocity starts at zero. */
  sgdStep(param: Tensor, grad: Tensor, velocity: Tensor, p: SgdParams): void {
    for (const [name, t] of [['param', param], ['grad', grad], ['velocity', velocity]] as const) {
      expectFloat(this, 'sgdStep', name, t);
      if (t.size !== param.size) throw shapeMismatch('sgdStep', `${name} must have the parameter's size`, param.shape, t.shape);
    }
    if (param.size > 0) this.impl.sgdStep(param.storage, grad.storage, velocity.storage, param.size, p);
  }
}
