/** Data for the baseline tests. */
import { Generator } from '@relevance/core-wasm';
import type { stats } from '../../src/index.js';

/** n x p: each gene 0.6 x an earlier gene + noise, 20 NaN. */
export function chain(n: number, p: number, seed: number): stats.DataMatrix {
  const g = new Generator(seed);
  const parent = Int32Array.from({ length: p }, (_, j) => (j === 0 ? -1 : g.int(j)));
  const values = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) values[i * p + j] = (parent[j]! >= 0 ? 0.6 * values[i * p + parent[j]!]! : 0) + g.normal();
  for (let k = 0; k < 20; k++) values[g.int(n * p)] = NaN;
  return { values, rows: n, cols: p };
}

/** n x p matrix: normal values, each column + 0.5 x the previous one (rounded to `digits` for ties when given), a share `missing` of NaN. */
export function randomMatrix(n: number, p: number, seed: number, missing: number, digits?: number): stats.DataMatrix {
  const g = new Generator(seed);
  const values = new Float64Array(n * p);
  for (let i = 0; i < n * p; i++) {
    const v = g.normal() + (i % p > 0 ? 0.5 * values[i - 1]! : 0);
    values[i] = g.uniform() < missing ? NaN : digits === undefined ? v : Math.round(v * 10 ** digits) / 10 ** digits;
  }
  return { values, rows: n, cols: p };
}
