/**
 * The allocator over the wasm memory, run on the JS side (the wasm module
 * itself never allocates).
 *
 * Blocks are multiples of 64 bytes (a cache line; SIMD loads of a block's last
 * partial vector stay inside it). Free blocks are coalesced with their free
 * neighbours and kept in segregated size classes (four per power of two,
 * TLSF-style), so a loop that allocates and frees the same shapes reuses the
 * same blocks and memory does not grow. When nothing fits, memory is taken
 * from the top; when the top reaches the end of the memory, the memory grows
 * (at least doubling) and `onGrow` lets the owner refresh its typed-array views.
 */

export const BLOCK_ALIGN = 64;
const PAGE_BYTES = 65536;
const SUB_CLASSES = 4;

export interface AllocatorStats {
  /** Bytes in live blocks. */
  liveBytes: number;
  liveBlocks: number;
  /** Bytes in free blocks below the top. */
  freeBytes: number;
  freeBlocks: number;
  /** First byte never handed out. */
  top: number;
  /** Current memory size in bytes. */
  capacity: number;
}

/** Size class of a block size (multiple of 64): four classes per power of two. */
function sizeClass(bytes: number): number {
  const units = bytes / BLOCK_ALIGN;
  const log = 31 - Math.clz32(units);
  if (log < 2) return units - 1; // 64, 128, 192, 256 bytes: exact classes 0..3
  const sub = Math.floor((units - 2 ** log) / 2 ** (log - 2)); // 0..3
  return log * SUB_CLASSES + sub - 4;
}

export class WasmAllocator {
  private readonly memory: WebAssembly.Memory;
  private readonly onGrow: () => void;
  private readonly base: number;
  private top: number;
  private readonly live = new Map<number, number>();
  private readonly freeByStart = new Map<number, number>();
  private readonly freeByEnd = new Map<number, number>();
  private readonly bins: Set<number>[] = [];
  private liveBytes = 0;
  private freeBytes = 0;

  /** Manage [base, end of memory) of `memory`; base is rounded up to 64 bytes. */
  constructor(memory: WebAssembly.Memory, base: number, onGrow: () => void) {
    this.memory = memory;
    this.onGrow = onGrow;
    this.base = Math.ceil(base / BLOCK_ALIGN) * BLOCK_ALIGN;
    this.top = this.base;
  }

  /** A block of at least `bytes` bytes (0 gives a minimal block); returns its byte address. */
  allocate(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) throw new Error(`wasm allocator: invalid size ${bytes}`);
    const size = Math.max(BLOCK_ALIGN, Math.ceil(bytes / BLOCK_ALIGN) * BLOCK_ALIGN);
    const ptr = this.takeFree(size) ?? this.takeTop(size);
    this.live.set(ptr, size);
    this.liveBytes += size;
    return ptr;
  }

  /** Return a block; freeing an address twice (or one never allocated) throws. */
  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new Error(`wasm allocator: free of ${ptr}, which is not a live block (double free?)`);
    this.live.delete(ptr);
    this.liveBytes -= size;
    let start = ptr;
    let end = ptr + size;
    const before = this.freeByEnd.get(start);
    if (before !== undefined) {
      this.removeFree(before, start - before);
      start = before;
    }
    const afterSize = this.freeByStart.get(end);
    if (afterSize !== undefined) {
      this.removeFree(end, afterSize);
      end += afterSize;
    }
    if (end === this.top) this.top = start; // give the tail back to the top
    else this.addFree(start, end - start);
  }

  /** Size in bytes of a live block. */
  blockSize(ptr: number): number | undefined {
    return this.live.get(ptr);
  }

  stats(): AllocatorStats {
    return {
      liveBytes: this.liveBytes,
      liveBlocks: this.live.size,
      freeBytes: this.freeBytes,
      freeBlocks: this.freeByStart.size,
      top: this.top,
      capacity: this.memory.buffer.byteLength,
    };
  }

  private takeFree(size: number): number | undefined {
    const first = sizeClass(size);
    for (let c = first; c < this.bins.length; c++) {
      const bin = this.bins[c];
      if (!bin || bin.size === 0) continue;
      for (const start of bin) {
        const blockSize = this.freeByStart.get(start)!;
        if (blockSize < size) continue; // only possible in the first class
        this.removeFree(start, blockSize);
        if (blockSize > size) this.addFree(start + size, blockSize - size);
        return start;
      }
    }
    return undefined;
  }

  private takeTop(size: number): number {
    const ptr = this.top;
    const end = ptr + size;
    const capacity = this.memory.buffer.byteLength;
    if (end > capacity) {
      const currentPages = capacity / PAGE_BYTES;
      const neededPages = Math.ceil((end - capacity) / PAGE_BYTES);
      // Double when possible so a growing workload grows memory O(log n) times.
      const grown = this.tryGrow(Math.max(neededPages, currentPages)) || this.tryGrow(neededPages);
      if (!grown) {
        throw new Error(
          `wasm backend: out of memory allocating ${size} bytes (memory ${capacity} bytes, ${this.liveBytes} bytes live in ${this.live.size} blocks); dispose tensors you no longer need`,
        );
      }
      this.onGrow();
    }
    this.top = end;
    return ptr;
  }

  private tryGrow(pages: number): boolean {
    try {
      this.memory.grow(pages);
      return true;
    } catch {
      return false;
    }
  }

  private addFree(start: number, size: number): void {
    this.freeByStart.set(start, size);
    this.freeByEnd.set(start + size, start);
    const c = sizeClass(size);
    while (this.bins.length <= c) this.bins.push(new Set());
    this.bins[c]!.add(start);
    this.freeBytes += size;
  }

  private removeFree(start: number, size: number): void {
    this.freeByStart.delete(start);
    this.freeByEnd.delete(start + size);
    this.bins[sizeClass(size)]!.delete(start);
    this.freeBytes -= size;
  }
}
