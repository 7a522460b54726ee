/**
 * The relaxed-SIMD build under test. Node 20 accepts relaxed SIMD only behind
 * --experimental-wasm-relaxed-simd; V8 reads that flag when it validates a
 * module, so setting it here (enableRelaxedSimdFlag, as the CLI does) before
 * the first wasm backend starts is enough (Node 22+ ship the feature). Where the runtime still
 * has no relaxed SIMD the relaxed cases skip with a reason, except under
 * CI=true, where they fail.
 */
import { relaxedSimdSupported } from '../../src/backends/wasm/module.js';
import { enableRelaxedSimdFlag } from '../../src/backends/wasm/relaxed-flag.js';

export function enableRelaxedSimd(): { available: boolean; reason: string } {
  enableRelaxedSimdFlag();
  const available = relaxedSimdSupported();
  if (!available && process.env['CI'] === 'true') throw new Error('relaxed SIMD: this runtime rejects the relaxed build even with --experimental-wasm-relaxed-simd (CI must test it)');
  return { available, reason: available ? '' : `this runtime (${process.version}) has no relaxed SIMD` };
}
