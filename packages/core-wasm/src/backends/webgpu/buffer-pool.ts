/// <reference types="@webgpu/types" />
/**
 * A pool of GPU buffers bucketed by size, so a training loop that frees and
 * allocates the same shapes every step creates no buffers after the first.
 *
 * Buckets: four per power of two (sizes 1.25, 1.5, 1.75 and 2 x 2^k), so a
 * buffer wastes at most 25% of its bytes; 256 bytes minimum.
 *
 * Buffers are only destroyed in `trim()`, which the device context calls right
 * after a submit: a buffer referenced by a command encoder that is not yet
 * submitted must stay alive, while destroying one that submitted work still
 * uses is allowed (the implementation defers the release).
 */
import { BufferUsage } from './constants.js';

/** What a buffer is for; each kind has its own usage flags and its own buckets. */
export type BufferKind = 'storage' | 'uniform' | 'staging';

const USAGE: Record<BufferKind, number> = {
  storage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
  uniform: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
  staging: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
};

const MIN_BUCKET_BYTES = 256;

/** The bucket (allocation size in bytes) for a request of `bytes`; never above `maxBytes` unless the request is. */
export function bucketBytes(bytes: number, maxBytes: number): number {
  if (bytes <= MIN_BUCKET_BYTES) return MIN_BUCKET_BYTES;
  const octave = 2 ** (Math.ceil(Math.log2(bytes)) - 1);
  const step = octave / 4;
  const bucket = Math.ceil(bytes / step) * step;
  if (bucket <= maxBytes) return bucket;
  return Math.ceil(bytes / 4) * 4; // near the device limit: exact (4-byte aligned) size rather than failing
}

export interface BufferPoolStats {
  /** Buffers created since the pool started. */
  created: number;
  /** Buffers destroyed by trimming or `destroyAll`. */
  destroyed: number;
  /** Buffers handed out and not yet released. */
  inUse: number;
  /** Buffers waiting in the pool. */
  idle: number;
  idleBytes: number;
}

export class BufferPool {
  private readonly device: GPUDevice;
  private readonly maxBufferBytes: number;
  /** Idle buffers above this many bytes are destroyed (oldest first) on `trim()`. */
  private readonly maxIdleBytes: number;
  private readonly buckets = new Map<string, GPUBuffer[]>();
  /** Idle buffers in release order (oldest first) with their bucket key, for trimming. */
  private readonly idleOrder = new Map<GPUBuffer, string>();
  private readonly inUse = new Set<GPUBuffer>();
  private idleBytes = 0;
  private created = 0;
  private destroyed = 0;

  constructor(device: GPUDevice, maxBufferBytes: number, maxIdleBytes = 256 * 1024 * 1024) {
    this.device = device;
    this.maxBufferBytes = maxBufferBytes;
    this.maxIdleBytes = maxIdleBytes;
  }

  /** A buffer of at least `bytes` bytes (its `size` is the bucket size). */
  acquire(kind: BufferKind, bytes: number): GPUBuffer {
    if (bytes > this.maxBufferBytes) {
      throw new RangeError(`webgpu backend: ${bytes} bytes exceed this device's maxBufferSize (${this.maxBufferBytes}); split the tensor or use the wasm backend`);
    }
    const size = bucketBytes(bytes, this.maxBufferBytes);
    const key = `${kind}:${size}`;
    const reusable = this.buckets.get(key)?.pop();
    let buffer: GPUBuffer;
    if (reusable) {
      this.idleOrder.delete(reusable);
      this.idleBytes -= reusable.size;
      buffer = reusable;
    } else {
      buffer = this.device.createBuffer({ size, usage: USAGE[kind], label: key });
      this.created++;
    }
    this.inUse.add(buffer);
    return buffer;
  }

  release(kind: BufferKind, buffer: GPUBuffer): void {
    if (!this.inUse.delete(buffer)) {
      throw new Error('webgpu backend: a buffer was released twice (or does not belong to this pool)');
    }
    const key = `${kind}:${buffer.size}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = [];
      this.buckets.set(key, bucket);
    }
    bucket.push(buffer);
    this.idleOrder.set(buffer, key);
    this.idleBytes += buffer.size;
  }

  /** Destroy the oldest idle buffers until at most `maxIdleBytes` stay idle. Call only after a submit. */
  trim(): void {
    if (this.idleBytes <= this.maxIdleBytes) return;
    for (const [buffer, key] of this.idleOrder) {
      if (this.idleBytes <= this.maxIdleBytes) break;
      const bucket = this.buckets.get(key)!;
      bucket.splice(bucket.indexOf(buffer), 1);
      this.idleOrder.delete(buffer);
      this.idleBytes -= buffer.size;
      buffer.destroy();
      this.destroyed++;
    }
  }

  stats(): BufferPoolStats {
    return { created: this.created, destroyed: this.destroyed, inUse: this.inUse.size, idle: this.idleOrder.size, idleBytes: this.idleBytes };
  }

  /** Destroy every buffer, idle or not (the device is going away). */
  destroyAll(): void {
    for (const buffer of this.idleOrder.keys()) buffer.destroy();
    for (const buffer of this.inUse) buffer.destroy();
    this.destroyed += this.idleOrder.size + this.inUse.size;
    this.idleOrder.clear();
    this.inUse.clear();
    this.buckets.clear();
    this.idleBytes = 0;
  }
}
