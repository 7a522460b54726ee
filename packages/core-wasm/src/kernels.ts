/**
 * The low-level kernel set every backend implements (`KernelImpl`).
 *
 * Arguments here are already validated and normalised by the front end
 * (`Backend` in backend.ts): shapes agree, broadcasting is resolved into
 * strides, outputs are allocated. A backend only computes. Keep this set small
 * and orthogonal (the tinygrad lesson): composite operations (bias add, the
 * backward of broadcasting, reductions' backward, ...) are built in the front end
 * from these primitives and so exist once for all backends.
 *
 * Conventions
 * - All arrays are row-major. `Storage.handle` is backend specific.
 * - "outer / axis / inner" normalisation: an axis operation on shape S along
 *   axis a sees the tensor as [outer = prod(S[:a]), axis = S[a], inner = prod(S[a+1:])].
 * - Float kernels compute in float32 (the reference backend may use float64
 *   intermediates; tolerances in the parity tests account for it).
 */
import type { Storage } from './tensor.js';

export type UnaryOp =
  | 'relu'
  | 'leaky_relu' // p0 = negative slope
  | 'sigmoid'
  | 'tanh'
  | 'exp'
  | 'log'
  | 'abs'
  | 'sign' // sign(0) = 0
  | 'square'
  | 'sqrt'
  | 'clamp' // p0 = min, p1 = max
  | 'positive' // max(x, 0): the positive part used by LRP rules
  | 'negative' // min(x, 0): the negative part
  | 'affine' // p0 * x + p1
  | 'reciprocal' // 1 / x
  | 'step'; // 1 where x > 0, else 0

export const UNARY_OPS: readonly UnaryOp[] = [
  'relu', 'leaky_relu', 'sigmoid', 'tanh', 'exp', 'log', 'abs', 'sign', 'square', 'sqrt',
  'clamp', 'positive', 'negative', 'affine', 'reciprocal', 'step',
];

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'max'
  | 'min'
  | 'greater' // 1 where a > b, else 0
  | 'stabilized_div'; // LRP: a / (b + p0 * sign0(b)), sign0(0) = +1

export const BINARY_OPS: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min', 'greater', 'stabilized_div'];

export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';

/**
 * A strided view for elementwise kernels: element at multi-index i of the
 * output reads `offset + sum_d i[d] * strides[d]` of the input (stride 0 = broadcast).
 */
export interface StridedView {
  storage: Storage;
  offset: number;
  strides: readonly number[];
}

export interface GemmParams {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  /** Number of independent products; each operand advances by its batch stride (0 = shared). */
  batch: number;
  strideA: number;
  strideB: number;
  strideC: number;
}

/** The fused epilogue of gemmEpilogue (batch 1): per column bias, ReLU, ReLU mask. */
export interface GemmEpilogue {
  /** n floats added to every row (null: none). */
  bias: Storage | null;
  relu: boolean;
  /** m x n floats: 1 where the value before ReLU is > 0, else 0 (null: not wanted; only with relu). */
  mask: Storage | null;
}

/**
 * The window geometry that convolution and pooling share: the input plane
 * h x w, the kernel kH x kW, stride, padding, dilation and the output plane.
 */
export interface Window2dParams {
  h: number;
  w: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
  dilationH: number;
  dilationW: number;
  outH: number;
  outW: number;
}

export interface Conv2dParams extends Window2dParams {
  n: number;
  cIn: number;
  cOut: number;
  groups: number;
}

export interface Pool2dParams extends Window2dParams {
  n: number;
  c: number;
  /** Average pool only: divide by the window area clipped to the padded input (true) or to the real input (false). */
  countIncludePad: boolean;
}

export type ResizeMode = 'nearest' | 'bilinear';

export interface Resize2dParams {
  n: number;
  c: number;
  h: number;
  w: number;
  outH: number;
  outW: number;
  mode: ResizeMode;
  /** Bilinear only (PyTorch semantics). nearest: src = min(floor(dst * in / out), in - 1). */
  alignCorners: boolean;
}

export interface AxisDims {
  outer: number;
  axis: number;
  inner: number;
}

/** Philox4x32-10 key and stream: element i draws from counter (i, 0, streamLo, streamHi). */
export interface RandomKey {
  seedLo: number;
  seedHi: number;
  streamLo: number;
  streamHi: number;
}

/**
 * One entry of a gathered GEMM: C (m x n, at outOffset) = A (m x k, at aOffset)
 * x diag(rowScale) x W[rows, cols] x diag(colScale), where rows/rowScale are the
 * k entries at rowsOffset and cols/colScale the n entries at colsOffset.
 */
export interface GatheredGemmEntry {
  m: number;
  k: number;
  n: number;
  aOffset: number;
  rowsOffset: number;
  colsOffset: number;
  outOffset: number;
}

export interface AdamParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** L2 penalty added to the gradient (Adam) or decoupled decay (AdamW). */
  weightDecay: number;
  decoupled: boolean;
  /** 1-based step count for bias correction. */
  step: number;
}

export interface SgdParams {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  dampening: number;
}

export interface KernelImpl {
  readonly name: 'reference' | 'wasm' | 'webgpu';
  /** The kernels' build where a backend has several (wasm: 'wasm-simd128' | 'wasm-relaxed'). */
  readonly build?: string;

  // ----- memory -----
  allocate(size: number, dtype: 'float32' | 'int32'): Storage;
  free(storage: Storage): void;
  /** Copy host data into storage (length = storage.size). */
  write(storage: Storage, data: Float32Array | Int32Array): void;
  read(storage: Storage): Promise<Float32Array | Int32Array>;
  /** Synchronous read where memory is host-visible; undefined on WebGPU. */
  readSync?(storage: Storage): Float32Array | Int32Array;
  fill(out: Storage, value: number): void;
  /** Wait until queued work finished (WebGPU); a no-op on CPU backends. */
  sync(): Promise<void>;
  /** Release workers, devices, memory. */
  destroy(): void;

  // ----- linear algebra -----
  /** C = alpha * op(A) op(B) + beta * C for each batch. op(A) is m x k, op(B) is k x n. `out` holds C (read when beta != 0). */
  gemm(a: Storage, b: Storage, out: Storage, p: GemmParams): void;
  /**
   * gemm with batch 1 and k > 0, then out = epilogue(out) in the same pass:
   * + bias[col], then x > 0 ? x : 0 and mask = x > 0 ? 1 : 0 when relu.
   * Optional: the front end composes it from gemm and elementwise kernels
   * where a backend lacks it (same rounding: one float32 add, then the ReLU).
   */
  gemmEpilogue?(a: Storage, b: Storage, out: Storage, p: GemmParams, e: GemmEpilogue): void;

  /**
   * Ragged batch of products against one shared matrix W (row stride `wStride`)
   * gathered by row and column indices with per-index scales (null = 1):
   * out[e.outOffset + i*n + j] = sum_q a[e.aOffset + i*k + q] * rowScale[e.rowsOffset + q]
   *   * w[rows[e.rowsOffset + q] * wStride + cols[e.colsOffset + j]] * colScale[e.colsOffset + j].
   * Relevance propagation through only the active units of a layer is this product.
   */
  gatheredGemm(a: Storage, w: Storage, wStride: number, rows: Storage, rowScale: Storage | null, cols: Storage, colScale: Storage | null, out: Storage, entries: readonly GatheredGemmEntry[]): void;

  // ----- elementwise -----
  /** out[i] = f(x[i]) over `size` contiguous elements. */
  unary(op: UnaryOp, x: Storage, out: Storage, size: number, p0: number, p1: number): void;
  /** out[i] = dy[i] * f'(x[i]) (y = f(x) is given for ops whose derivative is cheaper from it). */
  unaryBackward(op: UnaryOp, x: Storage, y: Storage, dy: Storage, out: Storage, size: number, p0: number, p1: number): void;
  /** out (contiguous, shape `shape`) = a[view] op b[view]. */
  binary(op: BinaryOp, a: StridedView, b: StridedView, out: Storage, shape: readonly number[], p0: number): void;
  /** out = cond != 0 ? a : b, all three strided views over `shape`. */
  where(cond: StridedView, a: StridedView, b: StridedView, out: Storage, shape: readonly number[]): void;
  /** General strided copy: out[outOffset + sum i[d]*outStrides[d]] = src[view] for every index of `shape`. Used for permute, slice, concat, expand. */
  copy(src: StridedView, out: StridedView, shape: readonly number[]): void;

  // ----- reductions along one axis -----
  /** out[o, i] = op over a of x[o, a, i]. */
  reduce(op: ReduceOp, x: Storage, out: Storage, d: AxisDims): void;
  /** out (int32) [o, i] = first index of the maximum of x[o, :, i]. */
  argmax(x: Storage, out: Storage, d: AxisDims): void;
  /** (log-)softmax along the axis, numerically stable (max subtracted). */
  softmax(x: Storage, out: Storage, d: AxisDims, log: boolean): void;
  /** softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) * sum(dy). */
  softmaxBackward(y: Storage, dy: Storage, out: Storage, d: AxisDims, log: boolean): void;

  // ----- indexing -----
  /** out[o, j, i] = x[o, idx[j], i]; idx (int32) has `count` entries in [0, d.axis). */
  gather(x: Storage, indices: Storage, out: Storage, d: AxisDims, count: number): void;
  /** out[o, idx[j], i] += updates[o, j, i] (out already holds the target values). */
  scatterAdd(updates: Storage, indices: Storage, out: Storage, d: AxisDims, count: number): void;
  /** out[o, a, i] = (indices[o, i] == a) ? 1 : 0. */
  oneHot(indices: Storage, out: Storage, d: AxisDims): void;

  // ----- convolution and pooling (NCHW) -----
  conv2d(x: Storage, w: Storage, bias: Storage | null, out: Storage, p: Conv2dParams): void;
  /** dx from dy and w (out is zero-initialised by the kernel). */
  conv2dBackwardInput(dy: Storage, w: Storage, out: Storage, p: Conv2dParams): void;
  /** dw from x and dy (out is zero-initialised by the kernel). */
  conv2dBackwardWeight(x: Storage, dy: Storage, out: Storage, p: Conv2dParams): void;
  /** Max over each window (padding never wins); `indices` (int32) gets the flat index into x of the maximum (first on ties). */
  maxPool2d(x: Storage, out: Storage, indices: Storage, p: Pool2dParams): void;
  /** dx[indices[j]] += dy[j]; out (size n*c*h*w) is zero-initialised by the kernel. */
  maxPool2dBackward(dy: Storage, indices: Storage, out: Storage, p: Pool2dParams): void;
  avgPool2d(x: Storage, out: Storage, p: Pool2dParams): void;
  avgPool2dBackward(dy: Storage, out: Storage, p: Pool2dParams): void;
  resize2d(x: Storage, out: Storage, p: Resize2dParams): void;
  /** The transpose of resize2d (out zero-initialised by the kernel). */
  resize2dBackward(dy: Storage, out: Storage, p: Resize2dParams): void;

  // ----- random -----
  /** Philox4x32-10 draws, bit-identical uniforms on every backend; normals via Box-Muller. */
  random(out: Storage, size: number, kind: 'uniform' | 'normal', key: RandomKey, a: number, b: number): void;

  // ----- optimisers (in place; fused because they run over every parameter every step) -----
  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, size: number, p: AdamParams): void;
  sgdStep(param: Storage, grad: Storage, velocity: Storage, size: number, p: SgdParams): void;
}
