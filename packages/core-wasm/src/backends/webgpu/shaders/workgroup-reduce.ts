/**
 * WGSL for combining one value per thread across a workgroup (sum, max, min,
 * argmax), returning the result to every thread.
 *
 * Two levels instead of a log2(256) = 8 step tree: 16 threads each combine 16
 * partials, then thread 0 combines those 16. That is 3 barriers rather than 9;
 * barriers dominate on software devices (SwiftShader switches all 256
 * invocations at each one), and on GPUs the short serial loops in shared
 * memory cost about the same as the tree.
 *
 * Call only from uniform control flow (every thread of the workgroup), as with
 * any barrier. Values are combined in thread order, so results are deterministic.
 */
import { WORKGROUP_SIZE } from './common.js';

const LANES = 16;
if (LANES * LANES !== WORKGROUP_SIZE) throw new Error('workgroup-reduce assumes 256 threads per workgroup');

function combiner(name: string, combine: string): string {
  return `
fn ${name}(lid: u32, value: f32) -> f32 {
  partial[lid] = value;
  workgroupBarrier();
  if (lid < ${LANES}u) {
    var acc = partial[lid * ${LANES}u];
    for (var j = 1u; j < ${LANES}u; j++) {
      let v = partial[lid * ${LANES}u + j];
      acc = ${combine};
    }
    lanePartial[lid] = acc;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var acc = lanePartial[0];
    for (var j = 1u; j < ${LANES}u; j++) {
      let v = lanePartial[j];
      acc = ${combine};
    }
    reduced = acc;
  }
  workgroupBarrier();
  return reduced;
}`;
}

/** Declares `workgroupSum`, `workgroupMax`, `workgroupMin` (NaN wins, as in the reference) and `workgroupArgmax`. */
export const WORKGROUP_REDUCE_WGSL = `
var<workgroup> partial: array<f32, ${WORKGROUP_SIZE}>;
var<workgroup> partialIndex: array<u32, ${WORKGROUP_SIZE}>;
var<workgroup> lanePartial: array<f32, ${LANES}>;
var<workgroup> laneIndex: array<u32, ${LANES}>;
var<workgroup> reduced: f32;
var<workgroup> reducedIndex: u32;
${combiner('workgroupSum', 'acc + v')}
${combiner('workgroupMax', 'select(select(acc, v, v > acc), v, v != v)')}
${combiner('workgroupMin', 'select(select(acc, v, v < acc), v, v != v)')}

// The largest value, ties to the smallest index; \`index\` 0xffffffff marks a thread without a candidate.
fn better(v: f32, j: u32, best: f32, bestIndex: u32) -> bool {
  return j != 0xffffffffu && (bestIndex == 0xffffffffu || v > best || (v == best && j < bestIndex));
}

fn workgroupArgmax(lid: u32, value: f32, index: u32) -> u32 {
  partial[lid] = value;
  partialIndex[lid] = index;
  workgroupBarrier();
  if (lid < ${LANES}u) {
    var best = partial[lid * ${LANES}u];
    var bestIndex = partialIndex[lid * ${LANES}u];
    for (var j = 1u; j < ${LANES}u; j++) {
      let at = lid * ${LANES}u + j;
      if (better(partial[at], partialIndex[at], best, bestIndex)) {
        best = partial[at];
        bestIndex = partialIndex[at];
      }
    }
    lanePartial[lid] = best;
    laneIndex[lid] = bestIndex;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var best = lanePartial[0];
    var bestIndex = laneIndex[0];
    for (var j = 1u; j < ${LANES}u; j++) {
      if (better(lanePartial[j], laneIndex[j], best, bestIndex)) {
        best = lanePartial[j];
        bestIndex = laneIndex[j];
      }
    }
    reducedIndex = bestIndex;
  }
  workgroupBarrier();
  return reducedIndex;
}`;
