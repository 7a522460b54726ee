/**
 * Data movement with constant indices: Transpose, Gather (constant indices
 * along one axis), Slice, Split, and Expand (of a computed value, or of a
 * constant parameter to the batch of a reference input, e.g. a CLS token).
 * Their backward only moves (and, for Expand, sums) gradient, so LRP passes
 * relevance through them unchanged in total.
 */
import { attrInts, attrNumber, ModelError, type OpDef } from '../op.js';
import { broadcastShape } from './elementwise.js';

const axisOf = (axis: number, rank: number, what: string): number => {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new ModelError(`${what}: axis ${axis} is out of range for rank ${rank}`);
  return a;
};

export const Transpose: OpDef = {
  type: 'Transpose',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  inferShape([x], attrs, _p, node) {
    const perm = attrInts(attrs, 'perm', [...x!.keys()].reverse());
    if (perm.length !== x!.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) throw new ModelError(`Transpose '${node}': perm [${perm.join(', ')}] is not a permutation of ${x!.length} axes`);
    return [perm.map((p) => x![p]!)];
  },
  forward: ({ be, attrs }, [x]) => ({ outputs: [be.permute(x!, attrInts(attrs, 'perm', [...x!.shape.keys()].reverse()))] }),
  backward({ be, attrs }, [x], _o, _s, [dy]) {
    const perm = attrInts(attrs, 'perm', [...x!.shape.keys()].reverse());
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return { inputs: [be.permute(dy!, inverse)] };
  },
};

/** Gather along `axis` with constant `indices`; attrs.scalar drops the axis (a 0-d index). */
export const Gather: OpDef = {
  type: 'Gather',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  inferShape([x], attrs, _p, node) {
    const ax = axisOf(attrNumber(attrs, 'axis', 0), x!.length, `Gather '${node}'`);
    if (x![ax]! < 0) throw new ModelError(`Gather '${node}': gathering along the batch axis of [${x!.join(', ')}] is not supported`);
    const idx = attrInts(attrs, 'indices', []);
    for (const i of idx) if (i < 0 || i >= x![ax]!) throw new ModelError(`Gather '${node}': index ${i} is outside [0, ${x![ax]})`);
    const out = [...x!];
    if (attrNumber(attrs, 'scalar', 0)) out.splice(ax, 1);
    else out[ax] = idx.length;
    return [out];
  },
  forward({ be, attrs }, [x]) {
    const ax = axisOf(attrNumber(attrs, 'axis', 0), x!.rank, 'Gather');
    const y = be.gather(x!, attrInts(attrs, 'indices', []), ax);
    if (!attrNumber(attrs, 'scalar', 0)) return { outputs: [y] };
    const out = be.reshape(y, x!.shape.filter((_, i) => i !== ax));
    y.dispose();
    return { outputs: [out] };
  },
  backward({ be, attrs }, [x], _o, _s, [dy]) {
    const ax = axisOf(attrNumber(attrs, 'axis', 0), x!.rank, 'Gather');
    const idx = attrInts(attrs, 'indices', []);
    const dx = be.scope(() => {
      const shape = [...x!.shape];
      shape[ax] = idx.length;
      return be.scatterAdd(be.zeros(x!.shape), idx, be.reshape(dy!, shape), ax);
    });
    return { inputs: [dx] };
  },
};

/** Resolved slice bounds of one axis: the kept indices. */
function sliceIndices(n: number, start: number, end: number, step: number): number[] {
  let s = start < 0 ? start + n : start;
  let e = end < 0 ? end + n : end;
  s = Math.min(Math.max(s, 0), n);
  e = Math.min(Math.max(e, 0), n);
  const out: number[] = [];
  for (let i = s; i < e; i += step) out.push(i);
  return out;
}

interface SliceSpec { axes: number[]; starts: number[]; ends: number[]; steps: number[] }

function sliceSpec(attrs: Parameters<OpDef['inferShape']>[1], rank: number, node: string): SliceSpec {
  const starts = [...attrInts(attrs, 'starts', [])];
  const ends = [...attrInts(attrs, 'ends', [])];
  const axes = attrInts(attrs, 'axes', [...starts.keys()]).map((a) => axisOf(a, rank, `Slice '${node}'`));
  const steps = [...attrInts(attrs, 'steps', starts.map(() => 1))];
  if (steps.some((s) => s < 1)) throw new ModelError(`Slice '${node}': steps [${steps.join(', ')}] must be >= 1 (negative steps are not supported)`);
  return { axes, starts, ends, steps };
}

export const Slice: OpDef = {
  type: 'Slice',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  inferShape([x], attrs, _p, node) {
    const s = sliceSpec(attrs, x!.length, node);
    if (s.axes.some((a) => x![a]! < 0)) throw new ModelError(`Slice '${node}': slicing the batch axis of [${x!.join(', ')}] is not supported`);
    const out = [...x!];
    s.axes.forEach((a, i) => (out[a] = sliceIndices(x![a]!, s.starts[i]!, s.ends[i]!, s.steps[i]!).length));
    return [out];
  },
  forward({ be, attrs, node }, [x]) {
    const s = sliceSpec(attrs, x!.rank, node);
    const starts = x!.shape.map(() => 0);
    const ends = [...x!.shape];
    const steps = x!.shape.map(() => 1);
    s.axes.forEach((a, i) => {
      const idx = sliceIndices(x!.shape[a]!, s.starts[i]!, s.ends[i]!, s.steps[i]!);
      starts[a] = idx[0] ?? 0;
      ends[a] = idx.length ? idx[idx.length - 1]! + 1 : 0;
      steps[a] = s.steps[i]!;
    });
    return { outputs: [be.slice(x!, starts, ends, steps)] };
  },
  backward({ be, attrs, node }, [x], _o, _s, [dy]) {
    const s = sliceSpec(attrs, x!.rank, node);
    const dx = be.scope(() => {
      // scatter back one axis at a time, innermost first
      let cur = dy!;
      for (let i = s.axes.length - 1; i >= 0; i--) {
        const a = s.axes[i]!;
        const shape = [...cur.shape];
        shape[a] = x!.shape[a]!;
        cur = be.scatterAdd(be.zeros(shape), sliceIndices(x!.shape[a]!, s.starts[i]!, s.ends[i]!, s.steps[i]!), cur, a);
      }
      return cur === dy ? be.clone(dy!) : cur;
    });
    return { inputs: [dx] };
  },
};

/** Split into consecutive parts of attrs.split sizes along attrs.axis (one output per part). */
export const Split: OpDef = {
  type: 'Split',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  inferShape([x], attrs, _p, node) {
    const ax = axisOf(attrNumber(attrs, 'axis', 0), x!.length, `Split '${node}'`);
    if (x![ax]! < 0) throw new ModelError(`Split '${node}': splitting the batch axis of [${x!.join(', ')}] is not supported`);
    const sizes = attrInts(attrs, 'split', []);
    if (sizes.reduce((p, d) => p + d, 0) !== x![ax]) throw new ModelError(`Split '${node}': parts [${sizes.join(', ')}] do not add up to dimension ${ax} (${x![ax]}) of [${x!.join(', ')}]`);
    return sizes.map((d) => x!.map((v, i) => (i === ax ? d : v)));
  },
  forward({ be, attrs }, [x]) {
    const ax = axisOf(attrNumber(attrs, 'axis', 0), x!.rank, 'Split');
    let at = 0;
    const outputs = attrInts(attrs, 'split', []).map((d) => {
      const starts = x!.shape.map((_, i) => (i === ax ? at : 0));
      const ends = x!.shape.map((n, i) => (i === ax ? at + d : n));
      at += d;
      return be.slice(x!, starts, ends);
    });
    return { outputs };
  },
  backward({ be, attrs }, [x], _o, _s, dys) {
    return { inputs: [be.concat(dys, axisOf(attrNumber(attrs, 'axis', 0), x!.rank, 'Split'))] };
  },
};

/**
 * Expand to attrs.shape (numpy broadcasting; -1 there is the batch, taken from
 * input 0). With a 'constant' parameter the constant is expanded and input 0
 * only supplies the batch size (it gets no gradient).
 */
export const Expand: OpDef = {
  type: 'Expand',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: ['constant'] },
  inferShape([x], attrs, params, node) {
    const data = params.constant ?? x!;
    return [broadcastShape(data, attrInts(attrs, 'shape', []), `Expand '${node}'`)];
  },
  forward({ be, attrs, params }, [x]) {
    const data = params.constant ?? x!;
    const target = attrInts(attrs, 'shape', []).map((d) => (d === -1 ? x!.shape[0]! : d));
    const full = broadcastShape(data.shape, target, 'Expand');
    return { outputs: [be.expand(data, full)] };
  },
  backward({ be, params }, [x], _o, _s, [dy], need) {
    if (params.constant) return { inputs: [null], params: need.params ? { constant: be.sumToShape(dy!, params.constant.shape) } : undefined };
    return { inputs: [be.sumToShape(dy!, x!.shape)] };
  },
};
