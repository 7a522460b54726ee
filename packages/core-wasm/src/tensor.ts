/**
 * Tensors: float32 (or int32 for indices), row-major, living on one backend.
 *
 * Ownership rule (the one rule that keeps WASM and GPU memory from leaking):
 * every kernel returns a NEW tensor that the caller owns. The owner either
 * calls `dispose()` when done, or creates it inside `backend.scope(fn)`, which
 * disposes every tensor created during `fn` except those reachable from its
 * return value (or passed to `backend.keep`). `reshape` returns a view that
 * shares storage; storage is freed when its last view is disposed.
 * Using a disposed tensor throws.
 */
import type { Backend } from './backend.js';

export type DType = 'float32' | 'int32';
export type Shape = readonly number[];

/** Backend-owned memory shared by a tensor and its reshape views. */
export interface Storage {
  /** Number of tensors (views) alive on this storage. */
  refs: number;
  /** Element count. */
  readonly size: number;
  readonly dtype: DType;
  /** Backend-specific handle: a Float32Array/Int32Array, a byte offset into WASM memory, a GPUBuffer... */
  readonly handle: unknown;
  /**
   * Bumped by the backend on every in-place write (write, fill, optimiser
   * steps); caches derived from the values (the wasm backend's packed GEMM
   * operands) are valid while it is unchanged. Undefined = 0.
   */
  version?: number;
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export class Tensor {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  readonly backend: Backend;
  readonly storage: Storage;
  private disposed = false;

  /** @internal Tensors are created by a backend, never directly. */
  constructor(backend: Backend, storage: Storage, shape: Shape) {
    this.backend = backend;
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = storage.dtype;
    this.size = shapeSize(shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Free this view; the storage goes back to the backend when no view remains. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.releaseTensor(this);
  }

  /** Read the values back to the host (asynchronous on WebGPU). */
  read(): Promise<Float32Array | Int32Array> {
    return this.backend.read(this);
  }

  /** Read synchronously; throws on backends whose memory is not host-visible (WebGPU). */
  readSync(): Float32Array | Int32Array {
    return this.backend.readSync(this);
  }

  /** A view with another shape of the same size, sharing storage (the caller owns the view too). */
  reshape(shape: Shape): Tensor {
    return this.backend.reshape(this, shape);
  }

  /** @internal Throws if the tensor was disposed. `where` names the kernel for the message. */
  assertAlive(where: string): void {
    if (this.disposed) {
      throw new Error(`${where}: tensor ${formatShape(this.shape)} was already disposed (see the ownership rule in core-wasm/src/tensor.ts)`);
    }
  }

  toString(): string {
    return `Tensor(${this.dtype} ${formatShape(this.shape)} on ${this.backend.name})`;
  }
}
