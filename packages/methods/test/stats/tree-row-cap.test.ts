/**
 * The tree baselines' per-tree row cap (`maxSamples`): GENIE3 draws a
 * bootstrap sample of min(n, cap) rows (default cap 3000), GRNBoost2 an
 * in-bag subsample of at most cap rows (default no cap). Below the cap the scores keep the bytes of
 * the implementation before the cap (digests pinned from main at f04dba2);
 * above it a tree sees at most cap rows; the thread count changes nothing.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { stats } from '../../src/index.js';
import { HistogramTreeBuilder } from '../../src/stats/trees.js';
import { WasmTreeBuilder, type TreeBuilder } from '../../src/stats/tree-engines.js';
import { chain } from '../helpers/chain-data.js';

/** n x p: column 1 constant, values on a 1/4 grid (ties), from row 4 on an all-NaN row 1, a NaN target in row 2 and a NaN predictor in row 3. */
function awkward(n: number, p: number, seed: number): stats.DataMatrix {
  const g = new Generator(seed);
  const values = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) values[i * p + j] = j === 1 ? 2.5 : Math.round((j > 0 ? 0.7 * values[i * p]! : 0) * 4 + g.normal() * 3) / 4;
  if (n > 3) {
    for (let j = 0; j < p; j++) values[1 * p + j] = NaN;
    values[2 * p + 0] = NaN;
    values[3 * p + (p - 1)] = NaN;
  }
  return { values, rows: n, cols: p };
}

const digest = (a: Float64Array): string => createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 16);
const bytes = (a: Float64Array): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

/** Fits seen by the tree builders (either engine) while `f` runs: rows in the sample, distinct and the summed weight (threads: 1 only). */
function recordFits(f: () => void): Array<{ count: number; weight: number }> {
  const seen: Array<{ count: number; weight: number }> = [];
  const weightOf = (b: TreeBuilder, count: number) => {
    let weight = 0;
    for (let k = 0; k < count; k++) weight += b.weight[b.sample[k]!]!;
    return weight;
  };
  // GENIE3 calls fit; GRNBoost2 calls boostStage (the wasm one fits inside the kernel), whose in-bag rows
  // are sample[0..nIn) with their weights once it returns
  const spies = [WasmTreeBuilder.prototype, HistogramTreeBuilder.prototype].flatMap((proto) => {
    const fit = proto.fit, stage = proto.boostStage;
    return [
      vi.spyOn(proto, 'fit').mockImplementation(function (this: TreeBuilder, y, count, opts) {
        if (!inStage) seen.push({ count, weight: weightOf(this, count) });
        return fit.call(this as never, y, count, opts);
      }),
      vi.spyOn(proto, 'boostStage').mockImplementation(function (this: TreeBuilder, n, nIn, opts, rate) {
        inStage = true;
        try {
          return stage.call(this as never, n, nIn, opts, rate);
        } finally {
          inStage = false;
          seen.push({ count: nIn, weight: weightOf(this, nIn) });
        }
      }),
    ];
  });
  let inStage = false;
  try {
    f();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return seen;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('tree baselines: row cap (maxSamples)', () => {
  // sha256 (first 16 hex digits) of the scores computed by main at f04dba2, before the cap existed
  const pinned: Array<[string, stats.DataMatrix, string, string, string]> = [
    ['2 rows', awkward(2, 3, 1), '7f114eba29a96b93', 'c43416c6a9aa22ca', '834a709ba2534ebe'],
    ['3 rows', awkward(3, 3, 2), 'e6e879eb673a7c78', '8ecebe8af1da8e89', '834a709ba2534ebe'],
    ['9 rows, NaN rows, a constant column', awkward(9, 4, 3), '26f9b43c64da9062', 'b9924b5c36fce423', '462a2ddcb8b48981'],
    ['70 rows, NaN rows, a constant column', awkward(70, 5, 4), 'c876ae490f0b6412', '91731d475adb1431', '38725cfda9752d62'],
  ];

  it.each(pinned)('n <= cap: the bytes of the uncapped implementation (%s), for the default, a cap of n and no cap', (_, d, genie, noBootstrap, boost) => {
    for (const maxSamples of [undefined, d.rows, Infinity]) {
      expect(digest(stats.genie3(d, { trees: 7, seed: 5, maxSamples }))).toBe(genie);
      expect(digest(stats.genie3(d, { trees: 3, seed: 5, bootstrap: false, maxFeatures: 'all', maxSamples }))).toBe(noBootstrap);
      expect(digest(stats.grnboost2(d, { seed: 5, maxStages: 80, maxSamples }))).toBe(boost);
    }
    expect(stats.genie3(d, { trees: 7, seed: 5 }).some((v) => v > 0)).toBe(true);
  });

  it('GENIE3: a tree sees at most maxSamples distinct rows, with bootstrap weight maxSamples', () => {
    const d = chain(400, 6, 3);
    const capped = recordFits(() => stats.genie3(d, { trees: 9, seed: 2, maxSamples: 50, targets: [4] }));
    expect(capped).toHaveLength(9);
    for (const f of capped) {
      expect(f.count).toBeLessThanOrEqual(50);
      expect(f.weight).toBe(50);
    }
    const plain = recordFits(() => stats.genie3(d, { trees: 9, seed: 2, bootstrap: false, maxSamples: 50, targets: [4] }));
    expect(plain.map((f) => [f.count, f.weight])).toEqual(Array.from({ length: 9 }, () => [50, 50]));
    const uncapped = recordFits(() => stats.genie3(d, { trees: 9, seed: 2, targets: [4] }));
    for (const f of uncapped) expect(f.count).toBeGreaterThan(50); // target 4 has 396 or so rows: the cap is what bounds it
  });

  it('GRNBoost2: each stage fits min(floor(0.9 n), maxSamples) in-bag rows', () => {
    const d = chain(400, 6, 3);
    const rowsOfTarget = Array.from({ length: 400 }, (_, i) => d.values[i * 6 + 4]!).filter((v) => !Number.isNaN(v)).length;
    const capped = recordFits(() => stats.grnboost2(d, { seed: 2, maxStages: 40, maxSamples: 60, targets: [4] }));
    expect(capped.length).toBeGreaterThan(0);
    for (const f of capped) expect([f.count, f.weight]).toEqual([60, 60]);
    const uncapped = recordFits(() => stats.grnboost2(d, { seed: 2, maxStages: 40, targets: [4] }));
    for (const f of uncapped) expect(f.count).toBe(Math.floor(0.9 * rowsOfTarget));
  });

  it('defaults: GENIE3 caps at GENIE3_DEFAULT_MAX_SAMPLES (scores change only above it), GRNBoost2 has no cap', () => {
    const cap = stats.GENIE3_DEFAULT_MAX_SAMPLES;
    expect(stats.GRNBOOST2_DEFAULT_MAX_SAMPLES).toBe(Infinity);
    const d = chain(Math.ceil(cap / 0.9) + 50, 3, 8); // GRNBoost2's in-bag 90 % of the non-NaN rows exceeds the cap too
    const genie = (maxSamples?: number): Float64Array => stats.genie3(d, { trees: 2, seed: 1, maxSamples });
    const boost = (maxSamples?: number): Float64Array => stats.grnboost2(d, { seed: 1, maxStages: 30, earlyStopWindow: 0, maxSamples });
    expect(bytes(genie())).toEqual(bytes(genie(cap)));
    expect(bytes(genie())).not.toEqual(bytes(genie(Infinity)));
    expect(bytes(boost())).toEqual(bytes(boost(Infinity)));
    expect(bytes(boost())).not.toEqual(bytes(boost(cap)));
  });

  it('capped forests still rank the planted parents first', () => {
    const g = new Generator(7);
    const n = 600, p = 6;
    const values = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 5; j++) values[i * p + j] = g.normal();
      values[i * p + 5] = 2 * values[i * p + 1]! - values[i * p + 3]! + 0.1 * g.normal();
    }
    const d = { values, rows: n, cols: p };
    for (const s of [stats.genie3(d, { trees: 30, seed: 1, maxSamples: 150, targets: [5] }), stats.grnboost2(d, { seed: 1, maxSamples: 150, targets: [5] })]) {
      const order = [0, 1, 2, 3, 4].sort((a, b) => s[5 * p + b]! - s[5 * p + a]!);
      expect(order.slice(0, 2)).toEqual([1, 3]);
    }
  });

  it('capped scores are the same bytes on 1, 2 and 3 threads', () => {
    const d = chain(300, 9, 11);
    const g1 = stats.genie3(d, { trees: 12, seed: 4, maxSamples: 120 });
    const n1 = stats.genie3(d, { trees: 5, seed: 4, maxSamples: 120, bootstrap: false });
    const b1 = stats.grnboost2(d, { seed: 4, maxStages: 120, maxSamples: 100 });
    expect(bytes(g1)).not.toEqual(bytes(stats.genie3(d, { trees: 12, seed: 4 })));
    for (const threads of [2, 3]) {
      expect(bytes(stats.genie3(d, { trees: 12, seed: 4, maxSamples: 120, threads }))).toEqual(bytes(g1));
      expect(bytes(stats.genie3(d, { trees: 5, seed: 4, maxSamples: 120, bootstrap: false, threads }))).toEqual(bytes(n1));
      expect(bytes(stats.grnboost2(d, { seed: 4, maxStages: 120, maxSamples: 100, threads }))).toEqual(bytes(b1));
    }
  });

  it('rejects a bad maxSamples by name, with the fix', () => {
    const d = chain(50, 4, 1);
    for (const bad of [0, 1, 2.5, -3, NaN]) {
      expect(() => stats.genie3(d, { maxSamples: bad })).toThrow(/genie3: option maxSamples .*integer >= 2.*Infinity for no cap/);
      expect(() => stats.grnboost2(d, { maxSamples: bad })).toThrow(/grnboost2: option maxSamples/);
    }
  });
});
