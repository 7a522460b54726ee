/**
 * The globals set by the classic scripts in report_files/ (a file:// page
 * cannot fetch files, but it can run <script src>): duckdb-wasm's worker
 * source as text and its wasm module, gzip-compressed and base64-encoded.
 */
export interface DuckdbAssets {
  workerSource?: string;
  wasmGzipBase64?: string;
}

declare global {
  // eslint-disable-next-line no-var
  var relevanceDuckdb: DuckdbAssets | undefined;
}

export function duckdbAssets(): Required<DuckdbAssets> {
  const assets = globalThis.relevanceDuckdb;
  if (!assets?.workerSource || !assets.wasmGzipBase64) {
    throw new Error('the data engine files (report_files/duckdb-eh-worker.js, duckdb-eh-wasm.js) did not load; keep report_files/ beside report.html, or rebuild the report as one self-contained file with: relevance report <run>');
  }
  return { workerSource: assets.workerSource, wasmGzipBase64: assets.wasmGzipBase64 };
}
