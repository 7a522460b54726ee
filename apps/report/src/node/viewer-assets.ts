/**
 * The viewer's files, built by scripts/build-viewer.mjs into dist/viewer/
 * and copied beside each report as report_files/. Order matters: the two
 * duckdb files set globals the viewer reads when it starts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VIEWER_ASSET_FILES = ['duckdb-eh-worker.js', 'duckdb-eh-wasm.js', 'relevance-viewer.js'] as const;

/** The package root: the nearest folder above this module whose package.json is @relevance/report (works from src/ and dist/src/). */
function packageRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@relevance/report') return dir;
    if (dirname(dir) === dir) throw new Error(`@relevance/report: no package.json of @relevance/report above ${start}`);
  }
}

export function viewerAssetsDir(): string {
  return join(packageRoot(), 'dist', 'viewer');
}

/** The built viewer files; a clear error when the package was not built. */
export async function readViewerAssets(): Promise<{ name: string; bytes: Uint8Array }[]> {
  const dir = viewerAssetsDir();
  const missing = VIEWER_ASSET_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length) throw new Error(`${dir}: the report viewer is not built (${missing.join(', ')} missing); run 'npm run build -w @relevance/report'`);
  return Promise.all(VIEWER_ASSET_FILES.map(async (name) => ({ name, bytes: await readFile(join(dir, name)) })));
}
