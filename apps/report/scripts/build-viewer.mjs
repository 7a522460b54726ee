#!/usr/bin/env node
/**
 * Build the report viewer's files into dist/viewer/ (copied beside every
 * report as report_files/):
 *   relevance-viewer.js  src/viewer/main.ts bundled by esbuild into one IIFE
 *                        (Observable Plot, duckdb-wasm's JS and Arrow, our code)
 *   duckdb-eh-worker.js  duckdb-wasm's worker source as a string global
 *   duckdb-eh-wasm.js    duckdb-eh.wasm (~34 MB) gzip-compressed, base64, as a string global
 * Classic scripts setting globals, because a file:// page may load <script src>
 * but cannot fetch files or start workers from file URLs. The wasm file is
 * rebuilt only when duckdb-wasm's wasm changes (its hash is in the first line).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync, openSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'viewer');
const require = createRequire(join(root, 'package.json'));
const duckdbDist = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
const duckdbVersion = JSON.parse(readFileSync(join(duckdbDist, '..', 'package.json'), 'utf8')).version;

mkdirSync(out, { recursive: true });

/** Write through a temporary name and rename, so a reader never sees half a file. */
function writeAtomic(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function firstLine(path) {
  if (!existsSync(path)) return '';
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(200);
    const n = readSync(fd, buf, 0, 200, 0);
    return buf.subarray(0, n).toString('utf8').split('\n')[0];
  } finally {
    closeSync(fd);
  }
}

const started = Date.now();

// 1. the viewer bundle
await esbuild.build({
  entryPoints: [join(root, 'src', 'viewer', 'main.ts')],
  outfile: join(out, 'relevance-viewer.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
  minify: true,
  legalComments: 'eof',
  charset: 'utf8',
  sourcemap: false,
  logLevel: 'warning',
  banner: { js: `/* Relevance report viewer (bundled: @observablehq/plot, d3, @duckdb/duckdb-wasm ${duckdbVersion}, apache-arrow; licences at the end) */` },
});

// 2. the duckdb worker as a string (its source map comment would make devtools try to fetch a file)
const workerSource = readFileSync(join(duckdbDist, 'duckdb-browser-eh.worker.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
writeAtomic(
  join(out, 'duckdb-eh-worker.js'),
  `/* duckdb-wasm ${duckdbVersion} browser worker (MIT licence), as text for a Blob URL */\n(globalThis.relevanceDuckdb ??= {}).workerSource = ${JSON.stringify(workerSource)};\n`,
);

// 3. the wasm module, compressed, only when it changed
const wasmPath = join(duckdbDist, 'duckdb-eh.wasm');
const wasm = readFileSync(wasmPath);
const stamp = `/* duckdb-wasm ${duckdbVersion} duckdb-eh.wasm sha256 ${createHash('sha256').update(wasm).digest('hex')} (MIT licence), gzip + base64 */`;
const wasmOut = join(out, 'duckdb-eh-wasm.js');
let wasmNote = 'unchanged';
if (firstLine(wasmOut) !== stamp) {
  const gz = gzipSync(wasm, { level: constants.Z_BEST_COMPRESSION });
  writeAtomic(wasmOut, `${stamp}\n(globalThis.relevanceDuckdb ??= {}).wasmGzipBase64 = "${gz.toString('base64')}";\n`);
  wasmNote = `${(wasm.length / 1e6).toFixed(1)} MB -> ${(gz.length / 1e6).toFixed(1)} MB gzip`;
}

const size = (f) => `${f} ${(readFileSync(join(out, f)).length / 1e6).toFixed(2)} MB`;
console.log(`build-viewer: ${['relevance-viewer.js', 'duckdb-eh-worker.js', 'duckdb-eh-wasm.js'].map(size).join(', ')} (wasm ${wasmNote}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
