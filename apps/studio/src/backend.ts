/**
 * The compute backend in the study worker, chosen as the CLI chooses it
 * (`--backend auto|reference|wasm|webgpu`, core-wasm's createBackend):
 * auto = WebGPU when navigator.gpu gives a hardware adapter, else wasm. A
 * software adapter (SwiftShader, WARP) is slower than the wasm backend, so auto
 * passes it by, as the CLI does; `--backend webgpu` uses it. wasm gets worker
 * threads when the page is cross-origin isolated, one thread otherwise.
 */
import { createBackend, isSoftwareAdapter, type Backend, type BackendName } from '@relevance/core-wasm';

/** What this browser's WebGPU offers (shown next to the backend choice). */
export interface WebGpuInfo {
  /** 'hardware': auto runs on WebGPU; 'software': only --backend webgpu does; 'none': wasm only. */
  kind: 'hardware' | 'software' | 'none';
  /** The adapter's vendor, architecture and description, or why there is none. */
  adapter: string;
}

/** Ask navigator.gpu for an adapter once (no device is created). */
export async function probeWebGpu(): Promise<WebGpuInfo> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { kind: 'none', adapter: 'navigator.gpu is missing (this browser or page has no WebGPU)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { kind: 'none', adapter: 'navigator.gpu returned no adapter' };
    const info = adapter.info;
    const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unnamed adapter';
    return { kind: isSoftwareAdapter(adapter) ? 'software' : 'hardware', adapter: name };
  } catch (e) {
    return { kind: 'none', adapter: `requestAdapter failed: ${(e as Error).message}` };
  }
}

/**
 * The backend a study asked for. `threads` (the study's --threads) is used
 * only when the page is isolated; auto falls back to wasm, with a log line,
 * when the WebGPU device cannot be created.
 */
export async function studyBackend(requested: 'auto' | BackendName, threads: number | undefined, log: (line: string) => void): Promise<Backend> {
  const options = { threads: globalThis.crossOriginIsolated ? threads ?? navigator.hardwareConcurrency : 1 };
  if (requested !== 'auto') return createBackend(requested, options);
  try {
    return await createBackend('auto', options);
  } catch (e) {
    log(`--backend auto: WebGPU failed (${(e as Error).message}); running on wasm`);
    return createBackend('wasm', options);
  }
}
