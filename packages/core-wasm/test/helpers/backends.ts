/**
 * The backends a parity test runs on, besides the reference. wasm always runs,
 * in both builds (relaxed SIMD where the runtime has it).
 * webgpu follows the shared rule in test/webgpu/require-webgpu.ts: without an
 * adapter it skips with a one-line reason, unless REQUIRE_WEBGPU=1 (CI), where
 * it fails.
 */
import { createBackend, type Backend } from '../../src/index.js';
import { webgpuOrSkip } from '../webgpu/require-webgpu.js';
import { enableRelaxedSimd } from './relaxed-simd.js';

export interface BackendUnderTest {
  name: 'wasm' | 'wasm-relaxed' | 'webgpu';
  backend: Backend | null;
  reason: string;
}

/** wasm in both instruction-set builds (plain SIMD128 and relaxed SIMD, see relaxed-simd.ts), then webgpu. */
export async function backendsUnderTest(): Promise<BackendUnderTest[]> {
  const relaxed = enableRelaxedSimd();
  const list: BackendUnderTest[] = [
    { name: 'wasm', backend: await createBackend('wasm', { threads: 2, simd: 'simd128' }), reason: '' },
    { name: 'wasm-relaxed', backend: relaxed.available ? await createBackend('wasm', { threads: 2, simd: 'relaxed' }) : null, reason: relaxed.reason },
  ];
  const gpu = await webgpuOrSkip();
  list.push({ name: 'webgpu', backend: gpu.available ? await createBackend('webgpu') : null, reason: gpu.reason });
  return list;
}
