/** ReduceMean over a set of axes (ONNX ReduceMean; mean pooling over tokens). */
import { attrInts, attrNumber, ModelError, type OpDef } from '../op.js';

function axesOf(rank: number, axes: readonly number[], node: string): number[] {
  const out = (axes.length ? axes : [...Array(rank).keys()]).map((a) => (a < 0 ? a + rank : a));
  for (const a of out) if (a < 0 || a >= rank) throw new ModelError(`ReduceMean '${node}': axis ${a} is out of range for rank ${rank}`);
  return [...new Set(out)].sort((a, b) => a - b);
}

function reducedShape(x: readonly number[], axes: readonly number[], keep: boolean): number[] {
  return keep ? x.map((d, i) => (axes.includes(i) ? 1 : d)) : x.filter((_, i) => !axes.includes(i));
}

export const ReduceMean: OpDef = {
  type: 'ReduceMean',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  inferShape([x], attrs, _p, node) {
    const axes = axesOf(x!.length, attrInts(attrs, 'axes', []), node);
    if (axes.some((a) => x![a]! < 0)) throw new ModelError(`ReduceMean '${node}': reducing over the batch axis of [${x!.join(', ')}] mixes rows; only other axes are supported`);
    return [reducedShape(x!, axes, attrNumber(attrs, 'keepdims', 1) !== 0)];
  },
  forward({ be, attrs, node }, [x]) {
    const axes = axesOf(x!.rank, attrInts(attrs, 'axes', []), node);
    const keep = attrNumber(attrs, 'keepdims', 1) !== 0;
    const y = be.scope(() => {
      let cur = x!;
      for (const a of axes) cur = be.mean(cur, a, true);
      return be.reshape(cur, reducedShape(x!.shape, axes, keep));
    });
    return { outputs: [y] };
  },
  backward({ be, attrs, node }, [x], _o, _s, [dy]) {
    const axes = axesOf(x!.rank, attrInts(attrs, 'axes', []), node);
    const count = axes.reduce((p, a) => p * x!.shape[a]!, 1);
    const dx = be.scope(() => be.expand(be.scale(be.reshape(dy!, reducedShape(x!.shape, axes, true)), 1 / count), x!.shape));
    return { inputs: [dx] };
  },
};
