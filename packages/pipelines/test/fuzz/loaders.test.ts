/**
 * Fuzzing the loaders (fast-check, fixed seeds so a failure reproduces with
 * the printed seed and path): CSV/TSV text, Parquet and Arrow bytes, JSON
 * arrays, ONNX and .relevance models. Every input either loads into a
 * well-formed result with no value a float32 model cannot hold, or fails
 * with the project's named error (DataError, OnnxError/ModelError), never
 * another exception, a hang, or a silent result.
 */
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { exportOnnx, importOnnx, loadModel, mlp, ModelError, OnnxError, saveModel } from '@relevance/methods';
import { DataError, readArray, readTableFile, writeTable } from '../../src/index.js';
import { makeTable, numberColumn, stringColumn } from '../../src/io/table.js';
import { loadStudyData } from '../../src/studies/proteomics/data.js';
import { useTempDir } from '../io/helpers/temp-dir.js';

const tmp = useTempDir('relevance-fuzz-');
const SEED = 20261206;
let fileCount = 0;

/** The outcome of an async call: its value, or the error it threw. */
async function outcome<T>(run: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error };
  }
}

/** How often each property loaded and failed: both must happen, or the generator misses half the cases. */
const seen = { loaded: 0, failed: 0 };
/** Checks the property with fast-check, then that some fuzzed inputs loaded and some failed. */
async function assertBothOutcomes<Ts>(property: fc.IAsyncProperty<Ts>, params: fc.Parameters<Ts>): Promise<void> {
  seen.loaded = 0;
  seen.failed = 0;
  await fc.assert(property, params);
  expect(seen.loaded, 'no fuzzed input loaded').toBeGreaterThan(0);
  expect(seen.failed, 'no fuzzed input failed').toBeGreaterThan(0);
}

function expectNamedError(error: unknown, types: readonly (new (...args: never[]) => Error)[]): void {
  seen.failed++;
  const ok = types.some((t) => error instanceof t);
  expect(ok, `expected ${types.map((t) => t.name).join('/')}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`).toBe(true);
  expect((error as Error).message.length).toBeGreaterThan(10);
}

function expectNoUnrepresentable(values: ArrayLike<number>): void {
  seen.loaded++;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    expect(Number.isNaN(v) || Number.isFinite(v), `element ${i} is ${v}`).toBe(true);
  }
}

// ---------------------------------------------------------------- text tables

const cell = fc.oneof(
  fc.constantFrom('1', '-2.5', '0', '3e2', '1e308', '-1e39', 'inf', '-Inf', 'nan', 'NA', '', 'x', 'abc', '"q,1"', 'a"b', ' 3 ', '"', '1,5', 'true'),
  fc.double({ noNaN: false }).map(String),
  fc.string({ maxLength: 4 }),
);
const numberCell = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v.toPrecision(4)) },
  { weight: 1, arbitrary: fc.constantFrom('1e308', '-1e39', 'inf', '-Inf', 'nan', 'NA', '') },
);
const name = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'P1', 'P 2', 'x;y') },
  { weight: 1, arbitrary: fc.constantFrom('', 'id', 'class', '"h"') },
);
/** Mostly rectangular tables of numbers (so many load), with stray cells, ragged rows and repeated names (so many fail). */
const textTable = fc.integer({ min: 1, max: 5 }).chain((width) =>
  fc.record({
    header: fc.oneof({ weight: 4, arbitrary: fc.uniqueArray(name, { minLength: width, maxLength: width }) }, { weight: 1, arbitrary: fc.array(name, { minLength: width, maxLength: width }) }),
    rows: fc.array(
      fc.oneof(
        { weight: 8, arbitrary: fc.array(fc.oneof({ weight: 9, arbitrary: numberCell }, { weight: 1, arbitrary: cell }), { minLength: width, maxLength: width }) },
        { weight: 1, arbitrary: fc.array(cell, { maxLength: 6 }) },
      ),
      { minLength: 0, maxLength: 16 },
    ),
    delimiter: fc.constantFrom(',', '\t', ';'),
    ext: fc.constantFrom('csv', 'tsv'),
    newline: fc.constantFrom('\n', '\r\n'),
  }),
);

function writeText(t: { header: string[]; rows: string[][]; delimiter: string; ext: string; newline: string }): string {
  const path = tmp.path(`t${fileCount++}.${t.ext}`);
  writeFileSync(path, [t.header, ...t.rows].map((r) => r.join(t.delimiter)).join(t.newline) + t.newline);
  return path;
}

describe('fuzz: CSV and TSV', () => {
  it('readArray: a float32 matrix without Inf, or a DataError', async () => {
    await assertBothOutcomes(
      fc.asyncProperty(textTable, async (t) => {
        const path = writeText(t);
        const r = await outcome(() => readArray(path));
        if (r.error !== undefined) return expectNamedError(r.error, [DataError]);
        const a = r.value!;
        expect(a.data.length).toBe(a.shape.reduce((x, y) => x * y, 1));
        expect(a.columnNames?.length).toBe(a.shape[1]);
        expectNoUnrepresentable(a.data);
      }),
      { seed: SEED, numRuns: 100 },
    );
  }, 60_000);

  it('the proteomics data stage: finite statistics and named warnings, or a DataError', async () => {
    await assertBothOutcomes(
      fc.asyncProperty(textTable, fc.boolean(), async (t, withClass) => {
        const path = writeText(t);
        const r = await outcome(() => loadStudyData({ source: path, maxMissing: 1, transform: 'none', testFraction: 0.3, standardize: 'global', seed: 1, ...(withClass ? { classColumn: 'class' } : {}) }));
        if (r.error !== undefined) return expectNamedError(r.error, [DataError]);
        const d = r.value!;
        for (const s of d.statistics) expectNoUnrepresentable([...s.mean, ...s.sd]);
        expectNoUnrepresentable(d.values);
        expect(d.proteins.length).toBeGreaterThanOrEqual(2);
      }),
      { seed: SEED + 1, numRuns: 60 },
    );
  }, 60_000);
});

// ---------------------------------------------------------------- binary tables

/** A valid table written as Parquet or Arrow, then damaged: truncated, bytes overwritten, or bytes appended. */
const damage = fc.record({
  ext: fc.constantFrom('parquet', 'arrow'),
  cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  flips: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
  tail: fc.uint8Array({ maxLength: 16 }),
});

describe('fuzz: Parquet and Arrow', () => {
  it('damaged files: a table, or a DataError', async () => {
    const table = makeTable('t', [stringColumn('id', ['a', 'b', 'c']), numberColumn('x', [1, 2, Number.NaN]), numberColumn('y', [0.5, -1, 3])]);
    const originals = new Map<string, Buffer>();
    for (const ext of ['parquet', 'arrow']) {
      const path = tmp.path(`valid.${ext}`);
      await writeTable(path, table);
      originals.set(ext, (await import('node:fs')).readFileSync(path));
    }
    await assertBothOutcomes(
      fc.asyncProperty(damage, async (d) => {
        let bytes = Buffer.from(originals.get(d.ext)!);
        for (const [at, value] of d.flips) bytes[Math.floor(at * (bytes.length - 1))] = value;
        if (d.cut !== undefined) bytes = bytes.subarray(0, Math.floor(d.cut * bytes.length));
        bytes = Buffer.concat([bytes, Buffer.from(d.tail)]);
        const path = tmp.path(`b${fileCount++}.${d.ext}`);
        writeFileSync(path, bytes);
        const r = await outcome(() => readTableFile(path));
        if (r.error !== undefined) return expectNamedError(r.error, [DataError]);
        seen.loaded++;
        for (const c of r.value!.columns) expect(c.values.length).toBe(r.value!.rows);
      }),
      { seed: SEED + 2, numRuns: 80 },
    );
  }, 60_000);
});

// ---------------------------------------------------------------- JSON arrays

const jsonArray = fc.oneof(
  fc.record({ shape: fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }), data: fc.array(fc.oneof(fc.double(), fc.constant(null), fc.constant(1e308), fc.string({ maxLength: 2 })), { maxLength: 20 }) }),
  fc.array(fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constant(null), fc.constant(1e300)), { maxLength: 4 }), { maxLength: 4 }),
  fc.json().map((text) => JSON.parse(text) as unknown),
  fc.record({ model: fc.string(), input: fc.record({ shape: fc.constant([2]), data: fc.array(fc.double(), { minLength: 2, maxLength: 2 }) }) }),
);

describe('fuzz: JSON arrays', () => {
  it('readArray: shape and data that agree, without Inf, or a DataError', async () => {
    await assertBothOutcomes(
      fc.asyncProperty(fc.oneof(jsonArray.map((v) => JSON.stringify(v) ?? 'null'), fc.string({ maxLength: 30 })), async (text) => {
        const path = tmp.path(`j${fileCount++}.json`);
        writeFileSync(path, text);
        const r = await outcome(() => readArray(path));
        if (r.error !== undefined) return expectNamedError(r.error, [DataError]);
        const a = r.value!;
        expect(a.data.length).toBe(a.shape.reduce((x, y) => x * y, 1));
        expectNoUnrepresentable(a.data);
      }),
      { seed: SEED + 3, numRuns: 60 },
    );
  }, 60_000);
});

// ---------------------------------------------------------------- models

const be = await createBackend('reference');
const model = mlp(be, { inputs: 3, hidden: [4], outputs: 2, seed: 1 });
const onnxBytes = await exportOnnx(model);
const relevanceBytes = await saveModel(model);
model.dispose();

const byteDamage = fc.record({
  cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  flips: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
});

function damaged(original: Uint8Array, d: { cut?: number; flips: [number, number][] }): Uint8Array {
  let bytes = Uint8Array.from(original);
  for (const [at, value] of d.flips) bytes[Math.floor(at * (bytes.length - 1))] = value;
  if (d.cut !== undefined) bytes = bytes.subarray(0, Math.floor(d.cut * bytes.length));
  return bytes;
}

describe('fuzz: models', () => {
  it('damaged ONNX: a model whose outputs on a row are finite, or an OnnxError; no tensor leaks', async () => {
    await assertBothOutcomes(
      fc.asyncProperty(byteDamage, async (d) => {
        const before = be.memory().tensors;
        let m;
        try {
          m = importOnnx(be, damaged(onnxBytes, d), { source: 'fuzz.onnx' });
        } catch (e) {
          expectNamedError(e, [OnnxError]);
          expect(be.memory().tensors).toBe(before);
          return;
        }
        seen.loaded++;
        m.dispose();
        expect(be.memory().tensors).toBe(before);
      }),
      { seed: SEED + 4, numRuns: 200 },
    );
  }, 60_000);

  it('damaged .relevance: a model, or a ModelError; no tensor leaks', async () => {
    await assertBothOutcomes(
      fc.asyncProperty(byteDamage, async (d) => {
        const before = be.memory().tensors;
        try {
          loadModel(be, damaged(relevanceBytes, d), { source: 'fuzz.relevance' }).model.dispose();
          seen.loaded++;
        } catch (e) {
          expectNamedError(e, [ModelError]);
        }
        expect(be.memory().tensors).toBe(before);
      }),
      { seed: SEED + 5, numRuns: 200 },
    );
  }, 60_000);
});
