/// <reference types="@webgpu/types" />
/**
 * The webgpu backend: every `KernelImpl` kernel as a WGSL compute shader.
 *
 * Tensors live in GPU storage buffers (pooled, see buffer-pool.ts) and stay on
 * the device between kernels; `read` is the only way back to the host and is
 * asynchronous, so `readSync` is deliberately absent. Kernels are recorded and
 * submitted in batches (device.ts). The kernels themselves live in shaders/,
 * one file per family.
 */
import type { BackendOptions } from '../../create-backend.js';
import type {
  AdamParams, AxisDims, BinaryOp, Conv2dParams, GemmParams, KernelImpl, Pool2dParams, RandomKey, ReduceOp,
  Resize2dParams, SgdParams, StridedView, UnaryOp, GatheredGemmEntry,
} from '../../kernels.js';
import type { Storage } from '../../tensor.js';
import { findWebGpuAdapter, noAdapterHint } from './adapter.js';
import { GpuContext, type ContextStats } from './device.js';
import { gpuBuffer } from './shaders/common.js';
import { runConv2d, runConv2dBackwardInput, runConv2dBackwardWeight } from './shaders/conv.js';
import { runFill } from './shaders/fill.js';
import { runGatheredGemm } from './shaders/gathered-gemm.js';
import { runGemm } from './shaders/gemm.js';
import { runGather, runOneHot, runScatterAdd } from './shaders/indexing.js';
import { runAdamStep, runSgdStep } from './shaders/optim.js';
import { runAvgPool2d, runAvgPool2dBackward, runMaxPool2d, runMaxPool2dBackward } from './shaders/pool.js';
import { runRandom } from './shaders/random.js';
import { runArgmax, runReduce, runSoftmax, runSoftmaxBackward } from './shaders/reduce.js';
import { runResize2d, runResize2dBackward } from './shaders/resize.js';
import { runBinary, runCopy, runWhere } from './shaders/strided.js';
import { runUnary, runUnaryBackward } from './shaders/unary.js';

export { findWebGpuAdapter } from './adapter.js';

/** Start a device on the first adapter found; throws (with a hint) when there is none. */
export async function createWebGpuImpl(options: BackendOptions = {}): Promise<WebGpuKernels> {
  const adapter = await findWebGpuAdapter(options);
  if (!adapter) throw new Error(`createBackend('webgpu'): ${noAdapterHint()}`);
  return new WebGpuKernels(await GpuContext.create(adapter));
}

export class WebGpuKernels implements KernelImpl {
  readonly name = 'webgpu' as const;
  readonly context: GpuContext;

  constructor(context: GpuContext) {
    this.context = context;
  }

  /** Submits, dispatches, pipelines and buffer pool counters (for tests and benchmarks). */
  stats(): ContextStats {
    return this.context.stats();
  }

  // ----- memory -----

  allocate(size: number, dtype: 'float32' | 'int32'): Storage {
    const bytes = Math.max(size, 1) * 4;
    if (bytes > this.context.maxStorageBytes) {
      throw new RangeError(`webgpu backend: a tensor of ${size} elements (${bytes} bytes) exceeds this device's largest storage buffer binding (${this.context.maxStorageBytes} bytes)`);
    }
    return { refs: 0, size, dtype, handle: this.context.acquire('storage', bytes) };
  }

  free(storage: Storage): void {
    this.context.release('storage', gpuBuffer(storage));
  }

  write(storage: Storage, data: Float32Array | Int32Array): void {
    this.context.write(gpuBuffer(storage), data);
  }

  async read(storage: Storage): Promise<Float32Array | Int32Array> {
    const bytes = await this.context.read(gpuBuffer(storage), storage.size * 4);
    return storage.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  fill(out: Storage, value: number): void {
    runFill(this.context, out, value);
  }

  sync(): Promise<void> {
    return this.context.sync();
  }

  destroy(): void {
    this.context.destroy();
  }

  // ----- linear algebra -----

  gemm(a: Storage, b: Storage, out: Storage, p: GemmParams): void {
    runGemm(this.context, a, b, out, p);
  }

  // ----- elementwise -----

  unary(op: UnaryOp, x: Storage, out: Storage, size: number, p0: number, p1: number): void {
    runUnary(this.context, op, x, out, size, p0, p1);
  }

  unaryBackward(op: UnaryOp, x: Storage, y: Storage, dy: Storage, out: Storage, size: number, p0: number, p1: number): void {
    runUnaryBackward(this.context, op, x, y, dy, out, size, p0, p1);
  }

  binary(op: BinaryOp, a: StridedView, b: StridedView, out: Storage, shape: readonly number[], p0: number): void {
    runBinary(this.context, op, a, b, out, shape, p0);
  }

  where(cond: StridedView, a: StridedView, b: StridedView, out: Storage, shape: readonly number[]): void {
    runWhere(this.context, cond, a, b, out, shape);
  }

  copy(src: StridedView, out: StridedView, shape: readonly number[]): void {
    runCopy(this.context, src, out, shape);
  }

  // ----- reductions -----

  reduce(op: ReduceOp, x: Storage, out: Storage, d: AxisDims): void {
    runReduce(this.context, op, x, out, d);
  }

  argmax(x: Storage, out: Storage, d: AxisDims): void {
    runArgmax(this.context, x, out, d);
  }

  softmax(x: Storage, out: Storage, d: AxisDims, log: boolean): void {
    runSoftmax(this.context, x, out, d, log);
  }

  softmaxBackward(y: Storage, dy: Storage, out: Storage, d: AxisDims, log: boolean): void {
    runSoftmaxBackward(this.context, y, dy, out, d, log);
  }

  // ----- indexing -----

  gatheredGemm(a: Storage, w: Storage, wStride: number, rows: Storage, rowScale: Storage | null, cols: Storage, colScale: Storage | null, out: Storage, entries: readonly GatheredGemmEntry[]): void {
    runGatheredGemm(this.context, (n) => this.allocate(n, 'int32'), (s) => this.free(s), (s, d) => this.write(s, d), a, w, wStride, rows, rowScale, cols, colScale, out, entries);
  }

  gather(x: Storage, indices: Storage, out: Storage, d: AxisDims, count: number): void {
    runGather(this.context, x, indices, out, d, count);
  }

  scatterAdd(updates: Storage, indices: Storage, out: Storage, d: AxisDims, count: number): void {
    runScatterAdd(this.context, updates, indices, out, d, count);
  }

  oneHot(indices: Storage, out: Storage, d: AxisDims): void {
    runOneHot(this.context, indices, out, d);
  }

  // ----- convolution and pooling -----

  conv2d(x: Storage, w: Storage, bias: Storage | null, out: Storage, p: Conv2dParams): void {
    runConv2d(this.context, x, w, bias, out, p);
  }

  conv2dBackwardInput(dy: Storage, w: Storage, out: Storage, p: Conv2dParams): void {
    runConv2dBackwardInput(this.context, dy, w, out, p);
  }

  conv2dBackwardWeight(x: Storage, dy: Storage, out: Storage, p: Conv2dParams): void {
    runConv2dBackwardWeight(this.context, x, dy, out, p);
  }

  maxPool2d(x: Storage, out: Storage, indices: Storage, p: Pool2dParams): void {
    runMaxPool2d(this.context, x, out, indices, p);
  }

  maxPool2dBackward(dy: Storage, indices: Storage, out: Storage, p: Pool2dParams): void {
    runMaxPool2dBackward(this.context, dy, indices, out, p);
  }

  avgPool2d(x: Storage, out: Storage, p: Pool2dParams): void {
    runAvgPool2d(this.context, x, out, p);
  }

  avgPool2dBackward(dy: Storage, out: Storage, p: Pool2dParams): void {
    runAvgPool2dBackward(this.context, dy, out, p);
  }

  resize2d(x: Storage, out: Storage, p: Resize2dParams): void {
    runResize2d(this.context, x, out, p);
  }

  resize2dBackward(dy: Storage, out: Storage, p: Resize2dParams): void {
    runResize2dBackward(this.context, dy, out, p);
  }

  // ----- random -----

  random(out: Storage, size: number, kind: 'uniform' | 'normal', key: RandomKey, a: number, b: number): void {
    runRandom(this.context, out, size, kind, key, a, b);
  }

  // ----- optimisers -----

  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, size: number, p: AdamParams): void {
    runAdamStep(this.context, param, grad, m, v, size, p);
  }

  sgdStep(param: Storage, grad: Storage, velocity: Storage, size: number, p: SgdParams): void {
    runSgdStep(this.context, param, grad, velocity, size, p);
  }
}
