/**
 * Kernels along one axis of [outer, axis, inner]: reduce (sum, mean, max, min),
 * argmax, softmax / log-softmax and their backward.
 *
 * Each "row" (o, i) is handled either by one thread looping over the axis
 * (many rows: threads of a workgroup read neighbouring i, so loads coalesce),
 * or by one workgroup that strides the axis and combines partial results in
 * shared memory (few long rows, e.g. a sum over everything).
 */
import type { AxisDims, ReduceOp } from '../../../kernels.js';
import type { Storage } from '../../../tensor.js';
import type { BufferBinding, GpuContext } from '../device.js';
import { Params } from '../params.js';
import {
  ENTRY_ARGS, INFINITY_HELPERS, WORKGROUP_LINEAR_ID, WORKGROUP_SIZE, declarations, elementwiseMain, input, output, read,
  workgroupsFor, write, type BufferDecl,
} from './common.js';
import { WORKGROUP_REDUCE_WGSL } from './workgroup-reduce.js';

const PARAMS = `
  outer: u32,
  axis: u32,
  inner: u32,
  rows: u32,`;

type Strategy = 'thread' | 'workgroup';

/**
 * One workgroup per row only for long rows that are too few to keep a device
 * busy with one thread each (a sum over everything, a softmax over 1,000
 * classes for a small batch); otherwise a thread per row is as fast and avoids
 * barriers (very costly on software devices).
 */
export function strategyFor(d: AxisDims): Strategy {
  const rows = d.outer * d.inner;
  return d.axis >= 512 && rows <= 2048 ? 'workgroup' : 'thread';
}

/** WGSL: `base` (element offset of the row's first entry) and `stride` for row `row`. */
const ROW = `
  let base = (row / params.inner) * params.axis * params.inner + row % params.inner;
  let stride = params.inner;`;

/** A thread-per-row or workgroup-per-row entry point around `body` (which sees `row`, `base`, `stride`, and `lid` in the workgroup form). */
function rowMain(strategy: Strategy, buffers: readonly BufferDecl[], body: string): string {
  const head = declarations(PARAMS, buffers);
  if (strategy === 'thread') {
    return `${head}\n${INFINITY_HELPERS}\n${elementwiseMain('params.rows', `  let row = i;${ROW}\n${body}`)}`;
  }
  return `${head}
${INFINITY_HELPERS}
${WORKGROUP_REDUCE_WGSL}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(${ENTRY_ARGS}) {
  let row = ${WORKGROUP_LINEAR_ID};
  if (row >= params.rows) { return; }
${ROW}
${body}
}`;
}

// ---------------------------------------------------------------- reduce

const REDUCE_INIT: Record<ReduceOp, string> = { sum: '0.0', mean: '0.0', max: 'negativeInfinity()', min: 'positiveInfinity()' };
// max/min propagate NaN like the reference (WGSL's max/min leave that to the implementation).
const REDUCE_STEP: Record<ReduceOp, string> = {
  sum: 'acc + v',
  mean: 'acc + v',
  max: 'select(acc, v, v > acc || v != v)',
  min: 'select(acc, v, v < acc || v != v)',
};
const REDUCE_COMBINE: Record<ReduceOp, string> = { sum: 'workgroupSum', mean: 'workgroupSum', max: 'workgroupMax', min: 'workgroupMin' };

function reduceSource(op: ReduceOp, strategy: Strategy): string {
  const finish = op === 'mean' ? 'acc / f32(params.axis)' : 'acc';
  const buffers = [read('xs'), write('out')];
  if (strategy === 'thread') {
    return rowMain(strategy, buffers, `
  var acc = ${REDUCE_INIT[op]};
  for (var a = 0u; a < params.axis; a++) {
    let v = xs[base + a * stride];
    acc = ${REDUCE_STEP[op]};
  }
  out[row] = ${finish};`);
  }
  return rowMain(strategy, buffers, `
  var local = ${REDUCE_INIT[op]};
  for (var a = lid; a < params.axis; a += ${WORKGROUP_SIZE}u) {
    let v = xs[base + a * stride];
    let acc = local;
    local = ${REDUCE_STEP[op]};
  }
  let acc = ${REDUCE_COMBINE[op]}(lid, local);
  if (lid == 0u) { out[row] = ${finish}; }`);
}

function axisParams(d: AxisDims): Params {
  return new Params().u32(d.outer, 'outer').u32(d.axis, 'axis').u32(d.inner, 'inner').u32(d.outer * d.inner, 'rows');
}

function dispatchRows(ctx: GpuContext, key: string, strategy: Strategy, source: () => string, d: AxisDims, bindings: BufferBinding[]): void {
  const rows = d.outer * d.inner;
  ctx.dispatch(
    { key: `${key}:${strategy}`, source },
    { params: axisParams(d), bindings, workgroups: strategy === 'thread' ? workgroupsFor(rows) : rows },
  );
}

export function runReduce(ctx: GpuContext, op: ReduceOp, x: Storage, out: Storage, d: AxisDims): void {
  const strategy = strategyFor(d);
  dispatchRows(ctx, `reduce:${op}`, strategy, () => reduceSource(op, strategy), d, [input(x), output(out)]);
}

// ---------------------------------------------------------------- argmax

function argmaxSource(strategy: Strategy): string {
  const buffers = [read('xs'), write('out', 'i32')];
  if (strategy === 'thread') {
    return rowMain(strategy, buffers, `
  var best = xs[base];
  var bestIndex = 0u;
  for (var a = 1u; a < params.axis; a++) {
    let v = xs[base + a * stride];
    if (v > best) {
      best = v;
      bestIndex = a;
    }
  }
  out[row] = i32(bestIndex);`);
  }
  return rowMain(strategy, buffers, `
  var best = negativeInfinity();
  var bestIndex = 0xffffffffu;
  for (var a = lid; a < params.axis; a += ${WORKGROUP_SIZE}u) {
    let v = xs[base + a * stride];
    if (v > best || bestIndex == 0xffffffffu) {
      best = v;
      bestIndex = a;
    }
  }
  let winner = workgroupArgmax(lid, best, bestIndex);
  if (lid == 0u) { out[row] = i32(winner); }`);
}

export function runArgmax(ctx: GpuContext, x: Storage, out: Storage, d: AxisDims): void {
  const strategy = strategyFor(d);
  dispatchRows(ctx, 'argmax', strategy, () => argmaxSource(strategy), d, [input(x), output(out)]);
}

// ---------------------------------------------------------------- softmax

function softmaxSource(log: boolean, strategy: Strategy): string {
  const write1 = log ? 'v - rowMax - logSum' : 'exp(v - rowMax) * invSum';
  const prologue = log ? 'let logSum = log(sum);' : 'let invSum = 1.0 / sum;';
  const buffers = [read('xs'), write('out')];
  if (strategy === 'thread') {
    return rowMain(strategy, buffers, `
  var rowMax = negativeInfinity();
  for (var a = 0u; a < params.axis; a++) { rowMax = max(rowMax, xs[base + a * stride]); }
  var sum = 0.0;
  for (var a = 0u; a < params.axis; a++) { sum += exp(xs[base + a * stride] - rowMax); }
  ${prologue}
  for (var a = 0u; a < params.axis; a++) {
    let v = xs[base + a * stride];
    out[base + a * stride] = ${write1};
  }`);
  }
  return rowMain(strategy, buffers, `
  var localMax = negativeInfinity();
  for (var a = lid; a < params.axis; a += ${WORKGROUP_SIZE}u) { localMax = max(localMax, xs[base + a * stride]); }
  let rowMax = workgroupMax(lid, localMax);
  var localSum = 0.0;
  for (var a = lid; a < params.axis; a += ${WORKGROUP_SIZE}u) { localSum += exp(xs[base + a * stride] - rowMax); }
  let sum = workgroupSum(lid, localSum);
  ${prologue}
  for (var a = lid; a < params.axis; a += ${WORKGROUP_SIZE}u) {
    let v = xs[base + a * stride];
    out[base + a * stride] = ${write1};
  }`);
}

export function runSoftmax(ctx: GpuContext, x: Storage, out: Storage, d: AxisDims, log: boolean): void {
  const strategy = strategyFor(d);
  dispatchRows(ctx, `softmax:${log ? 'log' : 'plain'}`, strategy, () => softmaxSource(log, strategy), d, [input(x), output(out)]);
}

function softmaxBackwardSource(log: boolean, strategy: Strategy): string {
  // softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) * sum(dy)
  const term = log ? 'dys[at]' : 'dys[at] * ys[at]';
  const result = log ? 'dys[at] - exp(ys[at]) * total' : 'ys[at] * (dys[at] - total)';
  const buffers = [read('ys'), read('dys'), write('out')];
  if (strategy === 'thread') {
    return rowMain(strategy, buffers, `
  var total = 0.0;
  for (var a = 0u; a < params.axis; a++) {
    let at = base + a * stride;
    total += ${term};
  }
  for (var a = 0u; a < params.axis; a++) {
    let at = base + a * stride;
    out[at] = ${result};
  }`);
  }
  return rowMain(strategy, buffers, `
  var local = 0.0;
  for (var a = lid; a < params.axis; a += ${WORKGROUP_SIZE}u) {
    let at = base + a * stride;
    local += ${term};
  }
  let total = workgroupSum(lid, local);
  for (var a = lid; a < params.axis; a += ${WORKGROUP_SIZE}u) {
    let at = base + a * stride;
    out[at] = ${result};
  }`);
}

export function runSoftmaxBackward(ctx: GpuContext, y: Storage, dy: Storage, out: Storage, d: AxisDims, log: boolean): void {
  const strategy = strategyFor(d);
  dispatchRows(ctx, `softmax-backward:${log ? 'log' : 'plain'}`, strategy, () => softmaxBackwardSource(log, strategy), d, [input(y), input(dy), output(out)]);
}
