/**
 * Indexing kernels along one axis of [outer, axis, inner]: gather, scatterAdd, oneHot.
 *
 * scatterAdd without float atomics: for up to LINKED_SCATTER_MAX_COUNT indices
 * it is deterministic in two passes. Pass 1 (one thread per index j) links
 * each j to the next position holding the same index and marks the first
 * occurrence; pass 2 (one thread per update element) lets each first
 * occurrence walk its chain, adding updates in index order exactly as a
 * sequential loop would. Above that count the link pass (quadratic in the
 * count) would dominate, so each update is added with a compare-and-swap loop
 * on the float's bits instead (the order of additions, and so the last bits
 * of repeated-index sums, may then vary between runs).
 */
import type { AxisDims } from '../../../kernels.js';
import type { Storage } from '../../../tensor.js';
import type { GpuContext } from '../device.js';
import { Params } from '../params.js';
import { declarations, elementwiseMain, input, output, read, workgroupsFor, write } from './common.js';

export const LINKED_SCATTER_MAX_COUNT = 8192;

const PARAMS = `
  outer: u32,
  axis: u32,
  inner: u32,
  count: u32,
  total: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,`;

function indexingParams(d: AxisDims, count: number, total: number): Params {
  return new Params().u32(d.outer).u32(d.axis).u32(d.inner).u32(count).u32(total, 'element count').u32(0).u32(0).u32(0);
}

/** WGSL: split linear i over [outer, count, inner] into o, j, k. */
const SPLIT_UPDATE = `
  let k = i % params.inner;
  let j = (i / params.inner) % params.count;
  let o = i / (params.inner * params.count);`;

// ---------------------------------------------------------------- gather

const GATHER = `${declarations(PARAMS, [read('xs', 'u32'), read('indices', 'i32'), write('out', 'u32')])}
${elementwiseMain('params.total', `${SPLIT_UPDATE}
  out[i] = xs[(o * params.axis + u32(indices[j])) * params.inner + k];`)}`;

/** out[o, j, k] = x[o, idx[j], k], moving raw 32-bit words (float32 or int32). */
export function runGather(ctx: GpuContext, x: Storage, indices: Storage, out: Storage, d: AxisDims, count: number): void {
  const total = d.outer * count * d.inner;
  ctx.dispatch(
    { key: 'gather', source: () => GATHER },
    { params: indexingParams(d, count, total), bindings: [input(x), input(indices), output(out)], workgroups: workgroupsFor(total) },
  );
}

// ---------------------------------------------------------------- scatterAdd

/** links[2j] = 1 if j is the first position of its index, links[2j + 1] = the next position with that index or -1. */
const SCATTER_LINK = `${declarations(PARAMS, [read('indices', 'i32'), write('links', 'i32')])}
${elementwiseMain('params.count', `
  let wanted = indices[i];
  var first = 1;
  for (var q = 0u; q < i; q++) {
    if (indices[q] == wanted) {
      first = 0;
      break;
    }
  }
  var next = -1;
  for (var q = i + 1u; q < params.count; q++) {
    if (indices[q] == wanted) {
      next = i32(q);
      break;
    }
  }
  links[2u * i] = first;
  links[2u * i + 1u] = next;`)}`;

const SCATTER_ACCUMULATE = `${declarations(PARAMS, [read('updates'), read('indices', 'i32'), read('links', 'i32'), write('out')])}
${elementwiseMain('params.total', `${SPLIT_UPDATE}
  if (links[2u * j] == 0) { return; }
  let at = (o * params.axis + u32(indices[j])) * params.inner + k;
  var acc = out[at];
  var q = i32(j);
  loop {
    acc += updates[(o * params.count + u32(q)) * params.inner + k];
    q = links[2u * u32(q) + 1u];
    if (q < 0) { break; }
  }
  out[at] = acc;`)}`;

const SCATTER_ATOMIC = `${declarations(PARAMS, [read('updates'), read('indices', 'i32'), write('out', 'atomic<u32>')])}
${elementwiseMain('params.total', `${SPLIT_UPDATE}
  let at = (o * params.axis + u32(indices[j])) * params.inner + k;
  let update = updates[i];
  var old = atomicLoad(&out[at]);
  loop {
    let swapped = atomicCompareExchangeWeak(&out[at], old, bitcast<u32>(bitcast<f32>(old) + update));
    if (swapped.exchanged) { break; }
    old = swapped.old_value;
  }`)}`;

/** out[o, idx[j], k] += updates[o, j, k]. */
export function runScatterAdd(ctx: GpuContext, updates: Storage, indices: Storage, out: Storage, d: AxisDims, count: number): void {
  const total = d.outer * count * d.inner;
  const params = indexingParams(d, count, total);
  if (count > LINKED_SCATTER_MAX_COUNT) {
    ctx.dispatch(
      { key: 'scatter-add:atomic', source: () => SCATTER_ATOMIC },
      { params, bindings: [input(updates), input(indices), output(out)], workgroups: workgroupsFor(total) },
    );
    return;
  }
  const linkBytes = 2 * count * 4;
  const links = ctx.acquire('storage', linkBytes);
  const linkBinding = { buffer: links, byteSize: linkBytes, writable: true };
  ctx.dispatch(
    { key: 'scatter-add:link', source: () => SCATTER_LINK },
    { params: indexingParams(d, count, total), bindings: [input(indices), linkBinding], workgroups: workgroupsFor(count) },
  );
  ctx.dispatch(
    { key: 'scatter-add:accumulate', source: () => SCATTER_ACCUMULATE },
    { params, bindings: [input(updates), input(indices), { ...linkBinding, writable: false }, output(out)], workgroups: workgroupsFor(total) },
  );
  // Later commands run after the accumulate pass, so the link buffer can go back at once.
  ctx.release('storage', links);
}

// ---------------------------------------------------------------- oneHot

const ONE_HOT = `${declarations(PARAMS, [read('indices', 'i32'), write('out')])}
${elementwiseMain('params.total', `
  let k = i % params.inner;
  let a = (i / params.inner) % params.axis;
  let o = i / (params.inner * params.axis);
  out[i] = select(0.0, 1.0, indices[o * params.inner + k] == i32(a));`)}`;

/** out[o, a, k] = indices[o, k] == a ? 1 : 0. */
export function runOneHot(ctx: GpuContext, indices: Storage, out: Storage, d: AxisDims): void {
  const total = d.outer * d.axis * d.inner;
  ctx.dispatch(
    { key: 'one-hot', source: () => ONE_HOT },
    { params: indexingParams(d, 0, total), bindings: [input(indices), output(out)], workgroups: workgroupsFor(total) },
  );
}
