/**
 * A pool of kernel workers sharing the wasm memory (Node worker_threads or
 * Web Workers; Node-only modules load through dynamic import).
 *
 * `run(tasks)` is synchronous: task 0 runs on the calling thread, task i on
 * worker i - 1, and it returns when all are done. Hand-off goes through a
 * SharedArrayBuffer of per-worker slots with Atomics (no postMessage on the hot
 * path): the caller writes the arguments, bumps the slot's sequence number and
 * notifies; the worker publishes the same number as done. Both sides poll for
 * a short while before they sleep in Atomics.wait (see worker-source.ts); a
 * browser main thread, where Atomics.wait throws, keeps polling.
 */
import {
  ARGS_OFFSET, ERROR_OFFSET, MAX_ARGS, MAX_ERROR_CHARS, SLOT_ARGC, SLOT_BYTES, SLOT_DONE, SLOT_ERROR_LENGTH, SLOT_FAILED, SLOT_FUNCTION,
  SLOT_SEQUENCE, CALLER_SPIN_MICROSECONDS, POLLS_PER_CLOCK_READ, WORKER_SOURCE,
} from './worker-source.js';

/** One call of an exported kernel: its index in the shared function table and its arguments. */
export interface Task {
  fn: number;
  args: readonly number[];
}

interface WorkerHandle {
  terminate(): unknown;
}

interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  slot: number;
  functionNames: string[];
}

type ErrorSink = (message: string) => void;

const isNode = typeof process === 'object' && typeof process.versions === 'object' && typeof process.versions.node === 'string';

/** Whether this thread may block in Atomics.wait (false on a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

async function startNodeWorker(init: WorkerInit, onError: ErrorSink): Promise<WorkerHandle> {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: init });
  // Workers must never keep the process alive on their own (destroy() terminates them anyway);
  // for the same reason no 'message' listener stays attached after 'ready'.
  worker.unref();
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => {
      worker.off('error', reject);
      worker.on('error', (e: Error) => onError(e.message));
      resolve();
    });
  });
  return worker;
}

async function startWebWorker(init: WorkerInit, onError: ErrorSink): Promise<WorkerHandle> {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url);
  try {
    await new Promise<void>((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(e.message));
      worker.onmessage = () => {
        worker.onerror = (e) => onError(e.message);
        worker.onmessage = null;
        resolve();
      };
      worker.postMessage(init);
    });
  } finally {
    URL.revokeObjectURL(url);
  }
  return worker;
}

export class ThreadPool {
  /** Worker count (the calling thread is not counted). */
  readonly size: number;
  private readonly workers: WorkerHandle[];
  private readonly slots: Int32Array[];
  private readonly args: Float64Array[];
  private readonly errorTexts: Uint16Array[];
  private readonly sequences: number[];
  private readonly blocking: boolean;
  private readonly errors: string[] = [];
  private destroyed = false;
  private terminated: Promise<void> = Promise.resolve();
  /** Calls of run() that used workers (a diagnostic for tests). */
  parallelRuns = 0;

  private constructor(workers: WorkerHandle[], control: SharedArrayBuffer, errors: string[]) {
    this.size = workers.length;
    this.workers = workers;
    this.slots = workers.map((_, i) => new Int32Array(control, i * SLOT_BYTES, ARGS_OFFSET / 4));
    this.args = workers.map((_, i) => new Float64Array(control, i * SLOT_BYTES + ARGS_OFFSET, MAX_ARGS));
    this.errorTexts = workers.map((_, i) => new Uint16Array(control, i * SLOT_BYTES + ERROR_OFFSET, MAX_ERROR_CHARS));
    this.sequences = workers.map(() => 0);
    this.blocking = canBlock();
    this.errors = errors;
  }

  /** Start `count` workers over `memory`; resolves when every one has instantiated the module. */
  static async create(count: number, module: WebAssembly.Module, memory: WebAssembly.Memory, functionNames: string[]): Promise<ThreadPool> {
    const control = new SharedArrayBuffer(Math.max(1, count) * SLOT_BYTES);
    const errors: string[] = [];
    const onError: ErrorSink = (message) => errors.push(message);
    const started = await Promise.allSettled(
      Array.from({ length: count }, (_, slot) => {
        const init: WorkerInit = { module, memory, control, slot, functionNames };
        return isNode ? startNodeWorker(init, onError) : startWebWorker(init, onError);
      }),
    );
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      for (const w of workers) void w.terminate();
      const reason = failure.reason instanceof Error ? failure.reason.message : String(failure.reason);
      throw new Error(`wasm backend: a kernel worker failed to start (${reason})`);
    }
    return new ThreadPool(workers, control, errors);
  }

  /**
   * Run tasks[0] here and tasks[i] on worker i - 1 (at most size + 1 tasks),
   * return when all finished. `local` calls an export on this thread.
   */
  run(tasks: readonly Task[], local: (task: Task) => void): void {
    if (this.destroyed) throw new Error('wasm backend: thread pool used after destroy()');
    if (tasks.length - 1 > this.size) throw new Error(`wasm backend: ${tasks.length} tasks for ${this.size} workers + the caller`);
    // validate before posting anything: a half-posted run would leave workers writing memory
    const tooLong = tasks.find((t) => t.args.length > MAX_ARGS);
    if (tooLong) throw new Error(`wasm backend: a task has ${tooLong.args.length} arguments (at most ${MAX_ARGS})`);
    if (tasks.length > 1) this.parallelRuns++;
    for (let i = 1; i < tasks.length; i++) this.post(i - 1, tasks[i]!);
    let localError: unknown;
    try {
      if (tasks.length > 0) local(tasks[0]!);
    } catch (e) {
      localError = e;
    }
    // Always wait: the workers write into memory the caller may reuse.
    const failures: string[] = [];
    for (let i = 1; i < tasks.length; i++) {
      const failure = this.await(i - 1);
      if (failure !== null) failures.push(`worker ${i - 1}: ${failure}`);
    }
    if (localError !== undefined) throw localError;
    if (failures.length > 0 || this.errors.length > 0) {
      const detail = [...failures, ...this.errors.splice(0)].join('; ');
      throw new Error(`wasm backend: a kernel failed on a worker thread (${detail})`);
    }
  }

  /** Stop every worker (idempotent); the promise settles when all have exited. */
  destroy(): Promise<void> {
    if (!this.destroyed) {
      this.destroyed = true;
      const exits: unknown[] = [];
      for (let i = 0; i < this.size; i++) {
        const slot = this.slots[i]!;
        Atomics.store(slot, SLOT_FUNCTION, -1);
        Atomics.add(slot, SLOT_SEQUENCE, 1);
        Atomics.notify(slot, SLOT_SEQUENCE);
        exits.push(this.workers[i]!.terminate());
      }
      this.terminated = Promise.all(exits).then(() => undefined);
    }
    return this.terminated;
  }

  private post(worker: number, task: Task): void {
    const slot = this.slots[worker]!;
    const args = this.args[worker]!;
    for (let i = 0; i < task.args.length; i++) args[i] = task.args[i]!;
    slot[SLOT_ARGC] = task.args.length;
    slot[SLOT_FAILED] = 0;
    Atomics.store(slot, SLOT_FUNCTION, task.fn);
    const seq = (this.sequences[worker]! + 1) | 0;
    this.sequences[worker] = seq;
    Atomics.store(slot, SLOT_SEQUENCE, seq); // publishes the arguments written above
    Atomics.notify(slot, SLOT_SEQUENCE);
  }

  /** Wait for a worker's current task; its error message if it failed, else null. */
  private await(worker: number): string | null {
    const slot = this.slots[worker]!;
    const seq = this.sequences[worker]!;
    let spinUntil = -1;
    for (let polls = 1; ; polls++) {
      const done = Atomics.load(slot, SLOT_DONE);
      if (done === seq) break;
      if (polls % POLLS_PER_CLOCK_READ === 0 && this.blocking) {
        const t = performance.now();
        if (spinUntil < 0) spinUntil = t + CALLER_SPIN_MICROSECONDS / 1000;
        else if (t > spinUntil) Atomics.wait(slot, SLOT_DONE, done, 50);
      }
    }
    if (Atomics.load(slot, SLOT_FAILED) === 0) return null;
    const length = slot[SLOT_ERROR_LENGTH]!;
    return String.fromCharCode(...this.errorTexts[worker]!.subarray(0, length));
  }
}
