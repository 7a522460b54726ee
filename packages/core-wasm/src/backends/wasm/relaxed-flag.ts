/**
 * Turn on V8's relaxed SIMD in Node 20, where it is behind
 * --experimental-wasm-relaxed-simd (Node 22+ and Chrome 114+ ship it;
 * elsewhere this does nothing). V8 reads the flag when it validates a
 * module, so a command-line entry point calls this before the first backend
 * starts instead of re-launching itself with the flag. Library code never
 * calls it. Kept apart from module.ts so importing it loads no wasm bytes.
 */
export function enableRelaxedSimdFlag(): void {
  if (typeof process !== 'object' || !process.versions?.node) return;
  const p = process as unknown as { getBuiltinModule?: (id: string) => { setFlagsFromString(flags: string): void } | undefined };
  p.getBuiltinModule?.('node:v8')?.setFlagsFromString('--experimental-wasm-relaxed-simd');
}
