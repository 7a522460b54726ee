/**
 * Build the viewer files (dist/viewer/) before the tests, so reports carry
 * the viewer of the current sources. Quick when duckdb's wasm is unchanged.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const script = fileURLToPath(new URL('../scripts/build-viewer.mjs', import.meta.url));
  execFileSync(process.execPath, [script], { stdio: 'inherit' });
}
