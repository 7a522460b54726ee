/**
 * Loading the core wasm module: decode the embedded bytes (no file paths, so
 * it works in Node and in a browser), compile once per process, create the
 * shared memory and instantiate. Workers instantiate the same compiled module
 * over the same memory.
 */
import {
  CORE_WASM_BASE64, CORE_WASM_BYTES, CORE_WASM_MAXIMUM_PAGES, CORE_WASM_UNSHARED_BASE64, CORE_WASM_UNSHARED_BYTES,
  CORE_WASM_RELAXED_BASE64, CORE_WASM_RELAXED_BYTES, CORE_WASM_RELAXED_UNSHARED_BASE64, CORE_WASM_RELAXED_UNSHARED_BYTES,
} from '../../generated/core-wasm-binary.js';

/** The kernels exported by assembly/index.ts (addresses are byte offsets into the memory). */
export interface CoreExports {
  heapBase(): number;
  simdPeak(chains: number, iterations: number, m: number, c: number): number;
  simdPeakFlops(chains: number, iterations: number): number;
  /** 1 in the relaxed-SIMD build, 0 in the SIMD128 build. */
  relaxedSimd(): number;
  gemm(
    a: number, b: number, c: number, m: number, n: number, k: number, lda: number, ldb: number, ldc: number,
    transA: number, transB: number, alpha: number, beta: number,
    batch: number, strideA: number, strideB: number, strideC: number,
    split: number, chunk: number, prepack: number, counter: number, work: number,
  ): void;
  gemmFused(
    a: number, b: number, c: number, m: number, n: number, k: number, lda: number, ldb: number, ldc: number,
    transA: number, transB: number, alpha: number, beta: number,
    split: number, chunk: number, prepack: number, counter: number, bias: number, mask: number, relu: number, work: number,
  ): void;
  gemmWorkFloats(): number;
  gemmPackedBFloats(k: number, n: number): number;
  gemmPackB(b: number, ldb: number, transB: number, k: number, n: number, dst: number): void;
  gemmPackedB(
    a: number, pb: number, c: number, m: number, n: number, k: number, lda: number, transA: number, alpha: number, beta: number,
    split: number, chunk: number, counter: number, fused: number, bias: number, mask: number, relu: number, work: number,
  ): void;
  gemmPrepackFloats(m: number, n: number, k: number, split: number): number;
  gatheredGemm(
    a: number, w: number, wStride: number, rows: number, rowScale: number, cols: number, colScale: number, out: number,
    entries: number, count: number, split: number, chunk: number, counter: number, work: number,
  ): void;
  conv2dForward(params: number, x: number, w: number, bias: number, out: number, split: number, chunk: number, counter: number, work: number): void;
  conv2dBackwardInput(params: number, dy: number, w: number, out: number, split: number, chunk: number, counter: number, work: number): void;
  conv2dBackwardWeight(params: number, x: number, dy: number, out: number, split: number, chunk: number, counter: number, work: number): void;
  convWorkFloats(k: number): number;
  flipWeights(w: number, out: number, cOut: number, cPerGroup: number, kH: number, kW: number, groups: number): void;
  unary(op: number, x: number, out: number, size: number, p0: number, p1: number): void;
  unaryBackward(op: number, x: number, y: number, dy: number, out: number, size: number, p0: number, p1: number): void;
  binary(op: number, a: number, b: number, out: number, params: number, p0: number): void;
  where(cond: number, a: number, b: number, out: number, params: number): void;
  copy(src: number, out: number, params: number): void;
  fill32(ptr: number, count: number, bits: number): void;
  reduce(op: number, x: number, out: number, outer: number, axis: number, inner: number): void;
  argmax(x: number, out: number, outer: number, axis: number, inner: number): void;
  softmax(x: number, out: number, outer: number, axis: number, inner: number, log: number): void;
  softmaxBackward(y: number, dy: number, out: number, outer: number, axis: number, inner: number, log: number): void;
  gather(x: number, indices: number, out: number, outer: number, axis: number, inner: number, count: number): void;
  scatterAdd(updates: number, indices: number, out: number, outer: number, axis: number, inner: number, count: number): void;
  oneHot(indices: number, out: number, outer: number, axis: number, inner: number): void;
  maxPool2d(params: number, x: number, out: number, indices: number): void;
  maxPool2dBackward(params: number, dy: number, indices: number, out: number, scratch: number): void;
  avgPool2d(params: number, x: number, out: number): void;
  avgPool2dBackward(params: number, dy: number, out: number): void;
  resize2d(x: number, out: number, planes: number, h: number, w: number, outH: number, outW: number, mode: number, alignCorners: number): void;
  resize2dBackward(dy: number, out: number, planes: number, h: number, w: number, outH: number, outW: number, mode: number, alignCorners: number): void;
  random(out: number, start: number, end: number, kind: number, seedLo: number, seedHi: number, streamLo: number, streamHi: number, a: number, b: number): void;
  philoxBlock(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: number): void;
  adamStep(param: number, grad: number, m: number, v: number, size: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupled: number, step: number): void;
  sgdStep(param: number, grad: number, velocity: number, size: number, lr: number, momentum: number, nesterov: number, weightDecay: number, dampening: number): void;
}

/** Names of the exported functions, sorted: workers and the main thread index tasks by position in this list. */
export type CoreFunctionName = keyof CoreExports;

export const PAGE_BYTES = 65536;

/**
 * The two instruction-set builds of the kernels: 'simd128' (plain SIMD, the
 * fallback) and 'relaxed' (f32x4.relaxed_madd in the dot-product kernels: a
 * fused multiply-add on CPUs that have one; assembly/fma.ts).
 */
export type SimdBuild = 'simd128' | 'relaxed';

/** How the build is chosen: 'auto' = relaxed where the runtime validates it, else simd128. */
export type SimdChoice = 'auto' | SimdBuild;

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** Bytes of a base64 text (the embedded modules). */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function embedded(shared: boolean, build: SimdBuild): Uint8Array<ArrayBuffer> {
  const [text, expected] = build === 'relaxed'
    ? (shared ? [CORE_WASM_RELAXED_BASE64, CORE_WASM_RELAXED_BYTES] : [CORE_WASM_RELAXED_UNSHARED_BASE64, CORE_WASM_RELAXED_UNSHARED_BYTES])
    : (shared ? [CORE_WASM_BASE64, CORE_WASM_BYTES] : [CORE_WASM_UNSHARED_BASE64, CORE_WASM_UNSHARED_BYTES]);
  const bytes = decodeBase64(text);
  if (bytes.length !== expected) {
    throw new Error(`wasm backend: the embedded ${build} module decodes to ${bytes.length} bytes, expected ${expected}; rebuild with 'npm run build:as -w @relevance/core-wasm'`);
  }
  return bytes;
}

let relaxedValid = false;

/**
 * Whether this runtime accepts relaxed SIMD (V8: Node 22+, Chrome 114+; Node
 * 20 only with --experimental-wasm-relaxed-simd): the relaxed module
 * validates. A yes is remembered; a no is checked again (enableRelaxedSimdFlag
 * may turn the feature on later).
 */
export function relaxedSimdSupported(): boolean {
  relaxedValid ||= WebAssembly.validate(embedded(false, 'relaxed'));
  return relaxedValid;
}

/**
 * The build a choice resolves to. The environment variable
 * RELEVANCE_WASM_SIMD (auto | relaxed | simd128) overrides 'auto', so a run
 * can be repeated on the plain build. 'relaxed' on a runtime without it is an
 * error naming the fix.
 */
export function resolveSimdBuild(choice: SimdChoice = 'auto'): SimdBuild {
  const env = typeof process === 'object' ? process.env?.['RELEVANCE_WASM_SIMD'] : undefined;
  const c = choice === 'auto' && env ? env : choice;
  if (c !== 'auto' && c !== 'relaxed' && c !== 'simd128') {
    throw new Error(`wasm backend: simd must be 'auto', 'relaxed' or 'simd128', got '${c}'${env ? ' (from RELEVANCE_WASM_SIMD)' : ''}`);
  }
  if (c === 'simd128') return 'simd128';
  if (relaxedSimdSupported()) return 'relaxed';
  if (c === 'relaxed') {
    throw new Error("wasm backend: this runtime has no relaxed SIMD (Node 22+ or Chrome 114+ have it; Node 20 needs --experimental-wasm-relaxed-simd); use simd 'auto' or 'simd128'");
  }
  return 'simd128';
}

/**
 * The compiled module for a shared memory (default) or an unshared one, in
 * the given build, compiled once per process or page.
 */
export function compileCoreModule(shared = true, build: SimdBuild = 'simd128'): Promise<WebAssembly.Module> {
  const key = `${shared}:${build}`;
  let module = compiled.get(key);
  if (!module) {
    module = WebAssembly.compile(embedded(shared, build));
    compiled.set(key, module);
  }
  return module;
}

/**
 * A memory of `initialPages`. Its maximum is the module's (4 GiB) where the
 * host can reserve that much address space, else the largest of a few
 * smaller ones that it can. Returns null when shared memory is requested
 * but unavailable (no SharedArrayBuffer: a browser page that is not
 * cross-origin isolated); the caller then falls back to an unshared memory.
 */
export function createMemory(initialPages: number, shared: boolean): WebAssembly.Memory | null {
  if (shared && typeof SharedArrayBuffer === 'undefined') return null;
  let lastError: unknown;
  for (const maximum of [CORE_WASM_MAXIMUM_PAGES, 32768, 16384, 8192, 4096]) {
    if (maximum < initialPages) break;
    try {
      return new WebAssembly.Memory({ initial: initialPages, maximum, shared });
    } catch (e) {
      lastError = e;
    }
  }
  if (shared) return null;
  const detail = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`wasm backend: cannot create a WebAssembly.Memory of ${initialPages} pages (${detail})`);
}

/** A shared memory (see createMemory); throws where the host has none. */
export function createSharedMemory(initialPages: number): WebAssembly.Memory {
  const memory = createMemory(initialPages, true);
  if (!memory) {
    throw new Error('wasm backend: shared WebAssembly memory is unavailable (in a browser the page must be cross-origin isolated: COOP/COEP headers)');
  }
  return memory;
}

export function coreImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return { env: { memory } };
}

/** Exported function names in a fixed order (the task table shared with workers). */
export function coreFunctionNames(module: WebAssembly.Module): string[] {
  return WebAssembly.Module.exports(module)
    .filter((e) => e.kind === 'function')
    .map((e) => e.name)
    .sort();
}

export async function instantiateCore(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<CoreExports> {
  const instance = await WebAssembly.instantiate(module, coreImports(memory));
  return instance.exports as unknown as CoreExports;
}
