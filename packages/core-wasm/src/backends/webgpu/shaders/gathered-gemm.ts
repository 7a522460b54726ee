/**
 * Gathered GEMM: a ragged batch of products against one shared matrix W
 * gathered by row and column indices with per-index scales (the relevance
 * kernel: propagation through only the active units of a layer).
 *
 * One thread per output element. A thread finds its entry by binary search
 * over the entries' output offsets (entries are few, outputs many), then loops
 * over k. The descriptor table is uploaded per call: 8 u32 per entry
 * (m, k, n, aOffset, rowsOffset, colsOffset, outOffset, unused).
 */
import type { GatheredGemmEntry } from '../../../kernels.js';
import type { Storage } from '../../../tensor.js';
import type { GpuContext } from '../device.js';
import { Params } from '../params.js';
import { declarations, elementwiseMain, input, output, read, workgroupsFor, write } from './common.js';

const PARAMS = `
  total: u32,
  entries: u32,
  wStride: u32,
  hasRowScale: u32,
  hasColScale: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,`;

const SOURCE = `${declarations(PARAMS, [read('a'), read('w'), read('rows', 'i32'), read('rowScale'), read('cols', 'i32'), read('colScale'), read('table', 'u32'), write('out')])}
${elementwiseMain('params.total', `
  // the last entry whose output starts at or before i
  var lo = 0u;
  var hi = params.entries - 1u;
  while (lo < hi) {
    let mid = (lo + hi + 1u) / 2u;
    if (table[mid * 8u + 6u] <= i) { lo = mid; } else { hi = mid - 1u; }
  }
  let e = lo * 8u;
  let k = table[e + 1u];
  let n = table[e + 2u];
  let local = i - table[e + 6u];
  let row = local / n;
  let col = local % n;
  let aBase = table[e + 3u] + row * k;
  let rBase = table[e + 4u];
  let column = u32(cols[table[e + 5u] + col]);
  var acc = 0.0;
  for (var q = 0u; q < k; q++) {
    var v = a[aBase + q] * w[u32(rows[rBase + q]) * params.wStride + column];
    if (params.hasRowScale != 0u) { v *= rowScale[rBase + q]; }
    acc += v;
  }
  if (params.hasColScale != 0u) { acc *= colScale[table[e + 5u] + col]; }
  out[i] = acc;`)}`;

export function runGatheredGemm(
  ctx: GpuContext,
  allocate: (size: number) => Storage,
  free: (s: Storage) => void,
  write: (s: Storage, data: Int32Array) => void,
  a: Storage,
  w: Storage,
  wStride: number,
  rows: Storage,
  rowScale: Storage | null,
  cols: Storage,
  colScale: Storage | null,
  out: Storage,
  entries: readonly GatheredGemmEntry[],
): void {
  // entries that produce nothing are dropped so the binary search sees strictly increasing offsets
  const live = entries.filter((e) => e.m * e.n > 0);
  if (live.length === 0) return;
  const table = new Int32Array(live.length * 8);
  live.forEach((e, i) => table.set([e.m, e.k, e.n, e.aOffset, e.rowsOffset, e.colsOffset, e.outOffset, 0], i * 8));
  const last = live[live.length - 1]!;
  const total = last.outOffset + last.m * last.n;
  const tableStorage = allocate(table.length);
  write(tableStorage, table);
  ctx.dispatch(
    { key: 'gatheredGemm', source: () => SOURCE },
    {
      params: new Params().u32(total, 'output count').u32(live.length).u32(wStride).u32(rowScale ? 1 : 0).u32(colScale ? 1 : 0).u32(0).u32(0).u32(0),
      bindings: [input(a), input(w), input(rows), input(rowScale ?? a), input(cols), input(colScale ?? a), input(tableStorage), output(out)],
      workgroups: workgroupsFor(total),
    },
  );
  // a later write to this pooled buffer flushes first, so the dispatch above reads this table
  free(tableStorage);
}
