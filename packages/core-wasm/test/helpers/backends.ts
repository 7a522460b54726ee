/**
 * The backends a parity test runs on, besides the reference. wasm always runs.
 * webgpu follows the shared rule in test/webgpu/require-webgpu.ts: without an
 * adapter it skips with a one-line reason, unless REQUIRE_WEBGPU=1 (CI), where
 * it fails.
 */
import { createBackend, type Backend } from '../../src/index.js';
import { webgpuOrSkip } from '../webgpu/require-webgpu.js';

export interface BackendUnderTest {
  name: 'wasm' | 'webgpu';
  backend: Backend | null;
  reason: string;
}

export async function backendsUnderTest(): Promise<BackendUnderTest[]> {
  const list: BackendUnderTest[] = [{ name: 'wasm', backend: await createBackend('wasm', { threads: 2 }), reason: '' }];
  const gpu = await webgpuOrSkip();
  list.push({ name: 'webgpu', backend: gpu.available ? await createBackend('webgpu') : null, reason: gpu.reason });
  return list;
}
