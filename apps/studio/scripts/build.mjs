#!/usr/bin/env node
/**
 * Build the studio into dist/: index.html, studio.js (the page) and
 * study-worker.js (the Web Worker running the study), bundled by esbuild from
 * the workspace sources. Node-only modules that the study files import (fs,
 * DuckDB's Node API, ...) are replaced by stubs that throw when called: the
 * page never calls them (it reads files with the browser adapters in src/adapters).
 */
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(root, '..', '..');
const out = join(root, 'dist');
const version = JSON.parse(readFileSync(join(repo, 'packages', 'pipelines', 'package.json'), 'utf8')).version;

/** node:os for option-checks.ts (memory budget, parallelism) from what the browser tells. */
const OS_SHIM = `export const totalmem = () => ((globalThis.navigator && navigator.deviceMemory) || 4) * 2 ** 30;
export const availableParallelism = () => (globalThis.navigator && navigator.hardwareConcurrency) || 1;
export const cpus = () => Array.from({ length: availableParallelism() }, () => ({}));
export const platform = () => 'browser';
export default { totalmem, availableParallelism, cpus, platform };`;
/** The names the bundled study code imports from Node-only modules; each throws when called (esbuild names a missing one at build time). */
const NODE_NAMES = ['readFile', 'writeFile', 'open', 'mkdir', 'rename', 'rm', 'rmdir', 'stat', 'lstat', 'readdir', 'unlink', 'copyFile', 'mkdtemp', 'access', 'realpath', 'appendFile',
  'createReadStream', 'createWriteStream', 'existsSync', 'readFileSync', 'writeFileSync', 'statSync', 'mkdirSync', 'readdirSync', 'rmSync', 'openSync', 'readSync', 'closeSync', 'renameSync', 'constants',
  'fileURLToPath', 'pathToFileURL', 'createHash', 'randomUUID', 'gzipSync', 'gunzipSync',
  'Worker', 'parentPort', 'workerData', 'isMainThread', 'spawn', 'spawnSync', 'execFile', 'execFileSync', 'chmod', 'DuckDBInstance', 'DuckDBConnection', 'parseHTML', 'tmpdir', 'homedir', 'inspect', 'pipeline', 'Readable'];
/** node:path (POSIX) for the file-name helpers the readers use (basename, extname, ...). */
const PATH_SHIM = `export const sep = '/';
export const basename = (p, ext) => { const b = p.replace(/\\/+$/, '').split('/').pop(); return ext && b.endsWith(ext) ? b.slice(0, -ext.length) : b; };
export const dirname = (p) => { const i = p.replace(/\\/+$/, '').lastIndexOf('/'); return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i); };
export const extname = (p) => { const b = basename(p); const i = b.lastIndexOf('.'); return i <= 0 ? '' : b.slice(i); };
export const normalize = (p) => p.replace(/\\/+/g, '/');
export const join = (...parts) => normalize(parts.filter(Boolean).join('/'));
export const isAbsolute = (p) => p.startsWith('/');
export const resolve = (...parts) => join(...parts);
export const relative = (from, to) => (to.startsWith(from + '/') ? to.slice(from.length + 1) : to);
export default { sep, basename, dirname, extname, normalize, join, isAbsolute, resolve, relative };`;
const THROWING = `const fail = (name) => () => { throw new Error(name + ' is not available in the browser'); };
${NODE_NAMES.map((n) => `export const ${n} = fail('${n}');`).join('\n')}
// promisify runs at module load (slurm.ts): it returns a function that throws when called
export const promisify = (f) => fail('promisify(' + ((f && f.name) || 'function') + ')');
// createRequire runs at module load (manifest.ts): it returns a require whose every use throws
export const createRequire = () => new Proxy(fail('require'), { get: (_, k) => fail('require.' + String(k)) });
export default new Proxy({}, { get: (_, k) => fail(String(k)) });`;

const workspace = {
  name: 'workspace-sources-and-node-stubs',
  setup(build) {
    const src = { '@relevance/core-wasm': 'packages/core-wasm/src/index.ts', '@relevance/methods': 'packages/methods/src/index.ts' };
    build.onResolve({ filter: /^@relevance\/(core-wasm|methods)$/ }, (a) => ({ path: join(repo, src[a.path]) }));
    // the report's bare '@relevance/pipelines' imports are the run-folder format (table names, schemas): not the CLI entry
    build.onResolve({ filter: /^@relevance\/pipelines$/ }, () => ({ path: join(repo, 'packages/pipelines/src/io/run-format.ts') }));
    build.onResolve({ filter: /^@relevance\/(pipelines|report)\/src\// }, (a) => ({ path: join(repo, a.path.startsWith('@relevance/report') ? 'apps/report' : 'packages/pipelines', a.path.replace(/^@relevance\/[a-z-]+\//, '')).replace(/\.js$/, '.ts') }));
    build.onResolve({ filter: /^(node:)?path$/ }, () => ({ path: 'path', namespace: 'path-shim' }));
    build.onLoad({ filter: /.*/, namespace: 'path-shim' }, () => ({ contents: PATH_SHIM, loader: 'js' }));
    build.onResolve({ filter: /^(node:)?(os)$/ }, () => ({ path: 'os', namespace: 'os-shim' }));
    build.onLoad({ filter: /.*/, namespace: 'os-shim' }, () => ({ contents: OS_SHIM, loader: 'js' }));
    build.onResolve({ filter: /^(node:|@duckdb\/node-api$|linkedom$|(fs|path|url|crypto|zlib|module|worker_threads|child_process|stream|util)(\/|$))/ }, (a) => ({ path: a.path, namespace: 'node-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({ contents: THROWING, loader: 'js' }));
  },
};

const started = Date.now();
mkdirSync(out, { recursive: true });
const common = { bundle: true, format: 'iife', platform: 'browser', target: ['es2022', 'chrome113'], minify: true, legalComments: 'eof', charset: 'utf8', logLevel: 'warning', plugins: [workspace], define: { 'import.meta.url': '"about:blank"', RELEVANCE_VERSION: JSON.stringify(version), 'process.env.NODE_ENV': '"production"',
  // option parsers read the environment by default (--shard auto: SLURM_ARRAY_TASK_ID, ...); a tab has none
  'process.env': '{}' } };
await esbuild.build({ ...common, entryPoints: [join(root, 'src', 'main.ts')], outfile: join(out, 'studio.js') });
await esbuild.build({ ...common, entryPoints: [join(root, 'src', 'worker.ts')], outfile: join(out, 'study-worker.js') });
copyFileSync(join(root, 'src', 'index.html'), join(out, 'index.html'));
const files = ['index.html', 'studio.js', 'study-worker.js'];
const bytes = files.reduce((s, f) => s + statSync(join(out, f)).size, 0);
console.log(`studio: ${files.map((f) => `${f} ${(statSync(join(out, f)).size / 1e6).toFixed(2)} MB`).join(', ')}; first load ${(bytes / 1e6).toFixed(2)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
