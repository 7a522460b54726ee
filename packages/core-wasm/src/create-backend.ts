/**
 * createBackend: pick and start a backend.
 * 'auto' = webgpu when a hardware adapter exists (navigator.gpu in a browser,
 * the `webgpu` package in Node), else wasm; a software adapter such as
 * SwiftShader is used only when asked for by name ('webgpu'). Backends load lazily, so importing
 * core-wasm never starts a GPU device or worker threads by itself.
 */
import { Backend, type BackendName } from './backend.js';

export interface BackendOptions {
  /** wasm: worker threads for large kernels (default: the available cores). */
  threads?: number;
  /**
   * wasm: the kernels' instruction-set build. 'auto' (default): relaxed SIMD
   * (fused multiply-add) where the runtime has it, else plain SIMD128;
   * RELEVANCE_WASM_SIMD=simd128 forces the plain build. Results are the same
   * bits for any thread count within one build; the builds differ in the last
   * bits (docs/ARCHITECTURE.md), and Backend.build names the one in use.
   */
  simd?: 'auto' | 'relaxed' | 'simd128';
  /** webgpu: power preference passed to requestAdapter. */
  powerPreference?: 'low-power' | 'high-performance';
  /**
   * webgpu: let Dawn print its driver messages on stderr (Vulkan loader warnings,
   * XDG_RUNTIME_DIR complaints). Default: on for 'webgpu' (asked for by name, so
   * its problems matter), off for 'auto' unless RELEVANCE_VERBOSE=1, so a machine
   * without a GPU runs silently on wasm.
   */
  diagnostics?: boolean;
}

function verboseEnvironment(): boolean {
  return typeof process !== 'undefined' && process.env?.['RELEVANCE_VERBOSE'] === '1';
}

export async function createBackend(name: 'auto' | BackendName = 'auto', options: BackendOptions = {}): Promise<Backend> {
  switch (name) {
    case 'reference': {
      const { createReferenceImpl } = await import('./backends/reference/index.js');
      return new Backend(createReferenceImpl(), 1);
    }
    case 'wasm': {
      const { createWasmImpl } = await import('./backends/wasm/index.js');
      const impl = await createWasmImpl(options);
      return new Backend(impl, impl.threads);
    }
    case 'webgpu': {
      const { createWebGpuImpl } = await import('./backends/webgpu/index.js');
      return new Backend(await createWebGpuImpl(options), 1);
    }
    case 'auto': {
      // a software adapter (SwiftShader, WARP) is much slower than the wasm backend: auto wants hardware
      const { findWebGpuAdapter, isSoftwareAdapter } = await import('./backends/webgpu/adapter.js');
      const quiet = { ...options, diagnostics: options.diagnostics ?? verboseEnvironment() };
      const adapter = await findWebGpuAdapter(quiet);
      if (adapter && !isSoftwareAdapter(adapter)) return createBackend('webgpu', quiet);
      return createBackend('wasm', options);
    }
    default:
      throw new Error(`createBackend: unknown backend '${String(name)}'; choose 'auto', 'reference', 'wasm' or 'webgpu'`);
  }
}
