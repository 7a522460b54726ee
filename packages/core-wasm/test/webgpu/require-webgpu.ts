/**
 * The WebGPU test rule, shared by the webgpu tests and the parity harness:
 * when no adapter is found the tests skip with a one-line reason, unless
 * REQUIRE_WEBGPU=1, in which case they fail (CI with a GPU or SwiftShader sets it).
 *
 *   const gpu = await webgpuOrSkip();
 *   describe.skipIf(!gpu.available)('webgpu ...', () => { ... });
 *
 * Without a GPU on Linux, run with
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
 * to test on SwiftShader.
 */
import { findWebGpuAdapter, noAdapterHint } from '../../src/backends/webgpu/adapter.js';

export interface WebGpuAvailability {
  available: boolean;
  /** Why the tests skip (empty when available). */
  reason: string;
}

let probe: Promise<WebGpuAvailability> | null = null;

/** Whether this environment has a WebGPU adapter (probed once per process). */
export function probeWebGpu(): Promise<WebGpuAvailability> {
  probe ??= findWebGpuAdapter().then((adapter) => (adapter ? { available: true, reason: '' } : { available: false, reason: noAdapterHint() }));
  return probe;
}

export function webgpuRequired(): boolean {
  return process.env['REQUIRE_WEBGPU'] === '1';
}

let warned = false;

/**
 * Probe for WebGPU. Unavailable: throws when REQUIRE_WEBGPU=1 (the test file
 * fails), otherwise prints the skip reason once and returns `available: false`
 * for `describe.skipIf(!gpu.available)`.
 */
export async function webgpuOrSkip(): Promise<WebGpuAvailability> {
  const result = await probeWebGpu();
  if (!result.available) {
    if (webgpuRequired()) throw new Error(`REQUIRE_WEBGPU=1 but ${result.reason}`);
    if (!warned) {
      warned = true;
      console.warn(`[webgpu tests skipped] ${result.reason} (set REQUIRE_WEBGPU=1 to make this a failure)`);
    }
  }
  return result;
}
