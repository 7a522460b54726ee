/**
 * The backends a parity test runs on, besides the reference.
 * wasm always runs. webgpu runs when an adapter is found; without one its tests
 * skip with a one-line reason, unless REQUIRE_WEBGPU=1 (CI), where they fail.
 */
import { createBackend, type Backend } from '../../src/index.js';

export interface BackendUnderTest {
  name: string;
  /** null when unavailable; `skipReason` says why. */
  create: () => Promise<Backend | null>;
  skipReason?: string;
}

export async function webgpuAvailability(): Promise<{ available: boolean; reason: string }> {
  try {
    const { findWebGpuAdapter } = await import('../../src/backends/webgpu/adapter.js');
    const adapter = await findWebGpuAdapter({});
    if (adapter) return { available: true, reason: '' };
    return { available: false, reason: 'no WebGPU adapter (set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json for SwiftShader)' };
  } catch (e) {
    return { available: false, reason: `WebGPU backend failed to load: ${(e as Error).message}` };
  }
}

export const requireWebGpu = process.env.REQUIRE_WEBGPU === '1';

/** Backends to compare against the reference: [name, backend | null, skip reason]. */
export async function backendsUnderTest(): Promise<Array<{ name: 'wasm' | 'webgpu'; backend: Backend | null; reason: string }>> {
  const list: Array<{ name: 'wasm' | 'webgpu'; backend: Backend | null; reason: string }> = [];
  list.push({ name: 'wasm', backend: await createBackend('wasm', { threads: 2 }), reason: '' });
  const gpu = await webgpuAvailability();
  if (gpu.available) {
    list.push({ name: 'webgpu', backend: await createBackend('webgpu'), reason: '' });
  } else {
    if (requireWebGpu) throw new Error(`REQUIRE_WEBGPU=1 but ${gpu.reason}`);
    list.push({ name: 'webgpu', backend: null, reason: gpu.reason });
  }
  return list;
}
