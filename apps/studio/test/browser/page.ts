/**
 * The studio in Debian's headless Chromium (playwright-core, no browser
 * download; the launch flags are the report tests'), served by the same
 * server as `relevance app`, and the CLI run beside it for comparison.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { tableFromIPC } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { startAppServer, type AppServer } from '../../../../packages/pipelines/src/serve/app-server.js';

import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, haveChromium } from '../../../report/test/browser/chromium.js';

export { haveChromium, inCi } from '../../../report/test/browser/chromium.js';

/** After a test file: closes the browser, then each server, then removes the temporary folder (each only where there is one). */
export async function tearDown(browser: Browser | undefined, servers: Array<AppServer | undefined>, dir: string | undefined): Promise<void> {
  await browser?.close();
  for (const server of servers) await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** The report tests' Chromium flags, plus any the caller adds (WebGPU on SwiftShader). */
export async function launchChromium(extra: string[] = []): Promise<Browser> {
  if (!haveChromium) throw new Error(`${CHROMIUM_PATH} is missing, and CI=true requires the browser tests: install Debian's chromium package`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', '--headless=new', ...extra],
  });
}

export const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const BIN = fileURLToPath(new URL('../../../../packages/pipelines/bin/relevance.js', import.meta.url));

/** Small but complete: every stage runs, in seconds. */
export const SMALL = ['--epochs=4', '--masks=2', '--synthetic-instances-per-class=16', '--synthetic-proteins=20', '--baselines=pearson,partial_correlation', '--backend=wasm', '--seed=3'];

export function serve(isolate: boolean): Promise<AppServer> {
  return startAppServer({ dir: DIST, port: 0, isolate });
}

/** Run the CLI (from its build, as users do) and return the run folder's files. */
export function cliRun(cwd: string, out: string, argv: string[]): Record<string, Uint8Array> {
  execFileSync(process.execPath, [BIN, 'study', 'proteomics', ...argv, '--quiet', '--out', out], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(join(cwd, out))) if (/\.(arrow|parquet|npy|json|csv|relevance|onnx)$/.test(f)) files[f] = readFileSync(join(cwd, out, f));
  return files;
}

/** The CLI's error line for a command that fails (stderr, 'relevance study: error: ' removed). */
export function cliError(cwd: string, argv: string[]): string {
  try {
    execFileSync(process.execPath, [BIN, 'study', 'proteomics', ...argv], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    return String((e as { stderr: Buffer }).stderr).trim().split('\n').pop()!.replace(/^relevance study: error: /, '');
  }
  throw new Error(`the CLI accepted ${argv.join(' ')}`);
}

export interface OpenedStudio {
  page: Page;
  /** Requests made after the page and its worker had loaded. */
  requestsAfterLoad: string[];
  errors: string[];
}

export async function openStudio(browser: Browser, url: string): Promise<OpenedStudio> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requestsAfterLoad: string[] = [];
  let loaded = false;
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (loaded && !/^(data|blob):/.test(r.url())) requestsAfterLoad.push(r.url());
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  // the study worker's script is part of the load: the page marks when the worker runs
  await page.waitForFunction(() => document.documentElement.dataset.worker === 'ready');
  loaded = true;
  return { page, requestsAfterLoad, errors };
}

export async function waitForRun(page: Page): Promise<string> {
  await page.waitForFunction(() => ['done', 'failed'].includes(document.documentElement.dataset.runState ?? ''), null, { timeout: 150_000 });
  return (await page.evaluate(() => document.documentElement.dataset.runState))!;
}

/** Click the download button and unzip the run folder it gives. */
export async function downloadRun(page: Page): Promise<Record<string, Uint8Array>> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const chunks: Buffer[] = [];
  for await (const c of (await download.createReadStream())!) chunks.push(c as Buffer);
  const files: Record<string, Uint8Array> = {};
  for (const [path, bytes] of Object.entries(unzipSync(new Uint8Array(Buffer.concat(chunks))))) files[path.replace(/^[^/]+\//, '')] = bytes;
  return files;
}

/** metrics.json without the wall-clock seconds (timing_s), which no two runs share. */
export function metricsWithoutTimings(bytes: Uint8Array): unknown {
  const m = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  delete m.timing_s;
  return m;
}

/**
 * Compare a page's table with the CLI's: the same columns and types, equal
 * strings, booleans and float32 values, and float64 values equal to 1e-13
 * relative. Not bytes: Chromium's V8 computes Math.exp/log/sin/pow/... with
 * other code than Node 20's, and they differ in the last bit for some
 * arguments (measured: hundreds of 4,000 arguments each), so float64 values
 * computed through them (training means of the synthetic cohort, Kruskal-Wallis
 * p-values) can differ in the 16th digit. Returns whether the bytes are equal.
 */
export function expectSameTable(name: string, page: Uint8Array, cli: Uint8Array): boolean {
  const a = tableFromIPC(page);
  const b = tableFromIPC(cli);
  expect(a.schema.fields.map((f) => `${f.name}:${f.type}`), name).toEqual(b.schema.fields.map((f) => `${f.name}:${f.type}`));
  expect(a.numRows, name).toBe(b.numRows);
  for (const field of a.schema.fields) expectSameValues(`${name}.${field.name}`, a.getChild(field.name)!.toArray() as ArrayLike<unknown>, b.getChild(field.name)!.toArray() as ArrayLike<unknown>);
  return Buffer.compare(Buffer.from(page), Buffer.from(cli)) === 0;
}

/** Equal strings and booleans (null for a missing value), numbers equal to 1e-13 relative (see expectSameTable). */
function expectSameValues(what: string, x: ArrayLike<unknown>, y: ArrayLike<unknown>): void {
  expect(x.length, what).toBe(y.length);
  for (let i = 0; i < x.length; i++) {
    const u = x[i] ?? null, v = y[i] ?? null;
    if (typeof u === 'number' && typeof v === 'number' && !Object.is(u, v)) expect(Math.abs(u - v), `${what}[${i}]: ${u} vs ${v}`).toBeLessThanOrEqual(1e-13 * Math.max(Math.abs(u), Math.abs(v)));
    else if (typeof u !== 'number') expect(u, `${what}[${i}]`).toEqual(v);
  }
}

/**
 * A page's Arrow table against the CLI's Parquet file (the CLI keeps no Arrow
 * copy of the tables the report does not read, and the page cannot write
 * DuckDB's Parquet bytes): the same column names, in order, and values.
 */
export async function expectSameAsParquet(name: string, page: Uint8Array, cliParquet: Uint8Array): Promise<void> {
  const a = tableFromIPC(page);
  const file = cliParquet.buffer.slice(cliParquet.byteOffset, cliParquet.byteOffset + cliParquet.byteLength) as ArrayBuffer;
  const columns = parquetMetadata(file).schema.slice(1).map((s) => s.name);
  expect(a.schema.fields.map((f) => f.name), name).toEqual(columns);
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  expect(a.numRows, name).toBe(rows.length);
  for (const c of columns) expectSameValues(`${name}.${c}`, Array.from(a.getChild(c)!.toArray() as ArrayLike<unknown>), rows.map((r) => (typeof r[c] === 'bigint' ? Number(r[c]) : r[c])));
}

/** The argv as URL parameters (--epochs=4 -> epochs=4). */
export function asQuery(argv: string[]): string {
  return argv.map((a) => a.replace(/^--/, '')).join('&');
}

/** What the page has stored in this browser: IndexedDB databases, OPFS entries, Web Storage items. */
export async function storedInBrowser(page: Page): Promise<{ indexedDB: string[]; opfs: string[]; localStorage: number; sessionStorage: number }> {
  return page.evaluate(async () => {
    const opfs: string[] = [];
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) opfs.push(name);
    return { indexedDB: (await indexedDB.databases()).map((d) => d.name ?? '').sort(), opfs, localStorage: localStorage.length, sessionStorage: sessionStorage.length };
  });
}

/** Numbers equal to 1e-13 relative, everything else equal, at any depth. */
export function expectClose(what: string, a: unknown, b: unknown): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (!Object.is(a, b)) expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-13 * Math.max(Math.abs(a), Math.abs(b)));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(a), what).toEqual(Object.keys(b));
    for (const k of Object.keys(a)) expectClose(`${what}.${k}`, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
  } else expect(a, what).toEqual(b);
}

/**
 * model.relevance of the page against the CLI's: the same weights (bytes) and
 * graph, and metadata equal but for the last bits of float64 values (the
 * fingerprint's training statistics of the synthetic cohort, whose values
 * come through Math.exp/log, see expectSameTable). Returns whether the bytes are equal.
 */
export function expectSameModel(page: Uint8Array, cli: Uint8Array): boolean {
  const parts = (bytes: Uint8Array) => {
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(10, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(14, 14 + length))) as Record<string, unknown>;
    return { header, weights: Buffer.from(bytes.subarray(Math.ceil((14 + length) / 4) * 4)) };
  };
  const a = parts(page), b = parts(cli);
  expect(Buffer.compare(a.weights, b.weights), 'model.relevance weights').toBe(0);
  expectClose('model.relevance', a.header, b.header);
  return Buffer.compare(Buffer.from(page), Buffer.from(cli)) === 0;
}

/**
 * The page's run folder against the CLI's. Equal in bytes: config.json, the
 * model files (model.relevance carries the same data fingerprint, hashed with
 * WebCrypto in the page; expectSameModel says why not always in bytes),
 * instance_networks.npy; instance_networks.json as the instances table. metrics.json equal
 * but for timing_s (wall-clock seconds). Tables: the page writes Arrow for
 * every table, the CLI Parquet for every table (DuckDB's bytes) and Arrow for
 * those the report reads; the Arrow copies are compared as expectSameTable
 * says, the others against the CLI's Parquet values. synthetic_cohort.parquet
 * (DuckDB) and report.html are CLI-only; manifest.json names the environment.
 */
export async function expectSameRun(page: Record<string, Uint8Array>, cli: Record<string, Uint8Array>): Promise<void> {
  const tables = Object.keys(cli).filter((f) => f.endsWith('.parquet') && f !== 'synthetic_cohort.parquet').map((f) => f.replace(/\.parquet$/, '')).sort();
  expect(tables.length).toBeGreaterThan(7);
  expect(Object.keys(page).filter((f) => f.endsWith('.arrow')).map((f) => f.replace(/\.arrow$/, '')).sort()).toEqual(tables);
  const arrow = tables.filter((t) => cli[`${t}.arrow`]);
  const sameBytes = arrow.filter((t) => expectSameTable(t, page[`${t}.arrow`]!, cli[`${t}.arrow`]!));
  for (const t of tables.filter((t) => !cli[`${t}.arrow`])) await expectSameAsParquet(t, page[`${t}.arrow`]!, cli[`${t}.parquet`]!);
  console.log(`Arrow tables equal in bytes to the CLI's: ${sameBytes.length} of ${arrow.length} (${arrow.filter((t) => !sameBytes.includes(t)).join(', ') || 'all'} differ in the last bits of float64 values); ${tables.length - arrow.length} compared with the CLI's Parquet`);
  expect(metricsWithoutTimings(page['metrics.json']!)).toEqual(metricsWithoutTimings(cli['metrics.json']!));
  for (const f of ['config.json', 'model.onnx', 'instance_networks.npy']) expect(Buffer.compare(Buffer.from(page[f]!), Buffer.from(cli[f]!)), f).toBe(0);
  // per-patient prediction quality: float64, like the instances table
  const index = (files: Record<string, Uint8Array>) => JSON.parse(Buffer.from(files['instance_networks.json']!).toString()) as unknown;
  expectClose('instance_networks.json', index(page), index(cli));
  console.log(`model.relevance equal in bytes: ${expectSameModel(page['model.relevance']!, cli['model.relevance']!)}`);
}
