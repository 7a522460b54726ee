/// <reference types="@webgpu/types" />
/**
 * The device context: one GPUDevice with its pipeline cache, buffer pool and
 * command batching. Every kernel goes through `dispatch`.
 *
 * Batching: kernels are recorded into one command encoder (one compute pass,
 * split only around buffer copies and clears) and submitted together when the
 * host needs results (`read`, `sync`), before a `write`, when the uniform arena
 * is full, or at the end of the current JavaScript task (a microtask), so a
 * synchronous training step is one submit.
 *
 * Ordering rules this relies on:
 * - Commands in one encoder run in order, and WebGPU synchronises storage
 *   accesses between dispatches, so a buffer released to the pool mid-batch can
 *   be reused by a later kernel of the same batch.
 * - `queue.writeBuffer` runs before any command buffer submitted after it, so a
 *   host write first submits the pending batch (kernels recorded earlier must
 *   see the old contents).
 * - Kernel parameters of a batch live in one uniform "arena" buffer, written
 *   with `writeBuffer` just before the batch is submitted.
 */
import { BufferPool, type BufferKind, type BufferPoolStats } from './buffer-pool.js';
import { MapMode } from './constants.js';
import type { Params } from './params.js';

/** A storage buffer bound to one kernel (bindings 1, 2, ... in order; binding 0 is the uniform parameters). */
export interface BufferBinding {
  buffer: GPUBuffer;
  /** Bytes the kernel may touch (the tensor's size, not the pooled buffer's). */
  byteSize: number;
  writable: boolean;
}

/** A compute shader variant: `key` names it in the pipeline cache, `source` builds its WGSL on first use. */
export interface Kernel {
  key: string;
  source: () => string;
}

export interface DispatchArgs {
  params?: Params;
  bindings: readonly BufferBinding[];
  /** Workgroups along one linear axis; spread over x and y when above the per-dimension limit. */
  workgroups: number;
}

export interface ContextStats {
  submits: number;
  dispatches: number;
  pipelines: number;
  pool: BufferPoolStats;
}

/** Bytes of kernel parameters per submit; 256 dispatches at one 256-byte slot each. */
const ARENA_BYTES = 64 * 1024;

export class GpuContext {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  /** The largest storage buffer a kernel can bind, in bytes. */
  readonly maxStorageBytes: number;
  readonly maxWorkgroupsPerDimension: number;
  /** A description of the adapter, for messages and benchmarks. */
  readonly adapterDescription: string;

  private readonly paramAlign: number;
  private gridWidthLimit: number;
  private readonly pipelines = new Map<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly arenaBytes = new Uint8Array(ARENA_BYTES);
  private arenaBuffer: GPUBuffer | null = null;
  private arenaUsed = 0;
  private flushScheduled = false;
  private readonly errorChecks = new Set<Promise<void>>();
  private failure: Error | null = null;
  private destroyed = false;
  private submits = 0;
  private dispatches = 0;

  private constructor(device: GPUDevice, adapterDescription: string) {
    this.device = device;
    this.adapterDescription = adapterDescription;
    const limits = device.limits;
    this.maxStorageBytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    this.maxWorkgroupsPerDimension = limits.maxComputeWorkgroupsPerDimension;
    this.gridWidthLimit = this.maxWorkgroupsPerDimension;
    this.paramAlign = Math.max(16, limits.minUniformBufferOffsetAlignment);
    this.pool = new BufferPool(device, this.maxStorageBytes);
    device.addEventListener('uncapturederror', (event) => {
      this.recordFailure(`${(event as GPUUncapturedErrorEvent).error.message}`);
    });
    void device.lost.then((info) => {
      if (!this.destroyed) this.recordFailure(`the GPU device was lost (${info.reason}): ${info.message}`);
    });
  }

  /** Open a device on `adapter` with the adapter's largest buffer limits. */
  static async create(adapter: GPUAdapter): Promise<GpuContext> {
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
      },
    });
    const info = adapter.info;
    const description = [info?.vendor, info?.architecture, info?.description].filter((s) => s).join(' ') || 'unknown adapter';
    return new GpuContext(device, description);
  }

  // ------------------------------------------------------------------ kernels

  /** Record one compute dispatch into the current batch. */
  dispatch(kernel: Kernel, args: DispatchArgs): void {
    this.assertUsable();
    if (args.workgroups <= 0) return;
    const [x, y] = this.grid(args.workgroups, kernel.key);
    const block = args.params?.finish();
    if (block && this.arenaUsed + block.byteLength > ARENA_BYTES) this.flush();
    const encoder = this.openBatch();
    const { pipeline, layout } = this.pipeline(kernel);

    const entries: GPUBindGroupEntry[] = [];
    if (block) {
      this.arenaBytes.set(block, this.arenaUsed);
      entries.push({ binding: 0, resource: { buffer: this.arenaBuffer!, offset: this.arenaUsed, size: block.byteLength } });
      this.arenaUsed += Math.ceil(block.byteLength / this.paramAlign) * this.paramAlign;
    }
    // WebGPU forbids binding one buffer read-only and writable in the same dispatch
    // (e.g. an in-place `out = f(out)`): read such inputs from a copy.
    const copies: GPUBuffer[] = [];
    args.bindings.forEach((binding, i) => {
      let buffer = binding.buffer;
      if (!binding.writable && args.bindings.some((other) => other.writable && other.buffer === binding.buffer)) {
        buffer = this.pool.acquire('storage', binding.byteSize);
        this.endPass();
        encoder.copyBufferToBuffer(binding.buffer, 0, buffer, 0, binding.byteSize);
        copies.push(buffer);
      }
      entries.push({ binding: i + 1, resource: { buffer, offset: 0, size: binding.byteSize } });
    });
    const bindGroup = this.device.createBindGroup({ layout, entries, label: kernel.key });
    this.pass ??= encoder.beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(x, y);
    this.dispatches++;
    // Later commands of this batch run after this dispatch, so the copies can be reused at once.
    for (const copy of copies) this.pool.release('storage', copy);
  }

  /** Zero `byteSize` bytes of `buffer` (in order with the kernels). */
  clear(buffer: GPUBuffer, byteSize: number): void {
    this.assertUsable();
    const encoder = this.openBatch();
    this.endPass();
    encoder.clearBuffer(buffer, 0, byteSize);
  }

  // ------------------------------------------------------------------ memory

  acquire(kind: BufferKind, bytes: number): GPUBuffer {
    this.assertUsable();
    return this.pool.acquire(kind, bytes);
  }

  release(kind: BufferKind, buffer: GPUBuffer): void {
    if (this.destroyed) return;
    this.pool.release(kind, buffer);
  }

  /** Host data into a buffer, after every kernel recorded so far. */
  write(buffer: GPUBuffer, data: Float32Array | Int32Array | Uint32Array): void {
    this.assertUsable();
    this.flush();
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  }

  /** The first `byteSize` bytes of a buffer, once every kernel recorded so far has run. */
  async read(buffer: GPUBuffer, byteSize: number): Promise<ArrayBuffer> {
    this.assertUsable();
    const staging = this.pool.acquire('staging', byteSize);
    const encoder = this.openBatch();
    this.endPass();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, byteSize);
    this.flush();
    try {
      await staging.mapAsync(MapMode.READ, 0, byteSize);
    } catch (error) {
      await this.settleErrorChecks();
      this.throwIfFailed();
      throw error;
    }
    const data = staging.getMappedRange(0, byteSize).slice(0);
    staging.unmap();
    this.release('staging', staging);
    await this.settleErrorChecks();
    this.throwIfFailed();
    return data;
  }

  /** Resolve once all recorded work has finished on the device; throws the first device error, if any. */
  async sync(): Promise<void> {
    this.assertUsable();
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.settleErrorChecks();
    this.throwIfFailed();
  }

  // ------------------------------------------------------------------ batching

  /** Submit the recorded batch (a no-op when nothing is recorded). */
  flush(): void {
    if (!this.encoder || this.destroyed) return;
    this.endPass();
    if (this.arenaUsed > 0) this.device.queue.writeBuffer(this.arenaBuffer!, 0, this.arenaBytes, 0, this.arenaUsed);
    this.device.queue.submit([this.encoder.finish()]);
    this.submits++;
    this.encoder = null;
    const outOfMemory = this.device.popErrorScope();
    const validation = this.device.popErrorScope();
    const check = Promise.all([validation, outOfMemory]).then(
      (errors) => {
        for (const error of errors) if (error) this.recordFailure(error.message);
      },
      (error: unknown) => {
        // popErrorScope rejects once the device is lost or destroyed; only the former is news.
        if (!this.destroyed) this.recordFailure(String(error));
      },
    );
    // Settled checks leave the set, so a loop that never reads does not accumulate them.
    this.errorChecks.add(check);
    void check.then(() => this.errorChecks.delete(check));
    // The next batch's writeBuffer into the arena is ordered after this submit, so it can be reused.
    this.pool.release('uniform', this.arenaBuffer!);
    this.arenaBuffer = null;
    this.arenaUsed = 0;
    this.pool.trim();
  }

  private openBatch(): GPUCommandEncoder {
    if (this.encoder) return this.encoder;
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    this.encoder = this.device.createCommandEncoder();
    this.arenaBuffer = this.pool.acquire('uniform', ARENA_BYTES);
    this.arenaUsed = 0;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
    return this.encoder;
  }

  private endPass(): void {
    if (!this.pass) return;
    this.pass.end();
    this.pass = null;
  }

  /**
   * Test hook: lay dispatches out as if the device allowed only `limit`
   * workgroups along x, so small tests exercise the 2-D grid (null restores the device limit).
   */
  simulateGridWidthLimit(limit: number | null): void {
    this.gridWidthLimit = limit ?? this.maxWorkgroupsPerDimension;
  }

  /** Split a linear workgroup count over x and y (kernels rebuild the linear id from num_workgroups). */
  private grid(workgroups: number, key: string): [number, number] {
    if (workgroups <= this.gridWidthLimit) return [workgroups, 1];
    const y = Math.ceil(workgroups / this.gridWidthLimit);
    if (y > this.maxWorkgroupsPerDimension) {
      throw new RangeError(`webgpu backend: ${key} needs ${workgroups} workgroups, more than ${this.gridWidthLimit} x ${this.maxWorkgroupsPerDimension}`);
    }
    // Balance x and y so at most y - 1 workgroups are idle.
    return [Math.ceil(workgroups / y), y];
  }

  private pipeline(kernel: Kernel): { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout } {
    let cached = this.pipelines.get(kernel.key);
    if (!cached) {
      const module = this.device.createShaderModule({ code: kernel.source(), label: kernel.key });
      const pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: kernel.key });
      cached = { pipeline, layout: pipeline.getBindGroupLayout(0) };
      this.pipelines.set(kernel.key, cached);
    }
    return cached;
  }

  // ------------------------------------------------------------------ errors and lifetime

  stats(): ContextStats {
    return { submits: this.submits, dispatches: this.dispatches, pipelines: this.pipelines.size, pool: this.pool.stats() };
  }

  /** Destroy the device (pending work is dropped) so the process can exit. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.encoder = null;
    this.pass = null;
    this.pool.destroyAll();
    this.device.destroy();
  }

  private recordFailure(message: string): void {
    this.failure ??= new Error(`webgpu backend: ${message}`);
  }

  private async settleErrorChecks(): Promise<void> {
    await Promise.all([...this.errorChecks]);
  }

  /** Report a recorded device error once (it names the failing kernel); later calls start clean. */
  private throwIfFailed(): void {
    const failure = this.failure;
    if (!failure) return;
    this.failure = null;
    throw failure;
  }

  private assertUsable(): void {
    if (this.destroyed) throw new Error('webgpu backend: used after destroy()');
  }
}
