/** Shape and structure ops: Flatten, Reshape, Identity, Dropout, Add, Concat. */
import type { Tensor } from '@relevance/core-wasm';
import { attrInts, attrNumber, ModelError, type OpDef } from '../op.js';

function flattenShape(x: readonly number[], axis: number): number[] {
  const ax = axis < 0 ? axis + x.length : axis;
  const known = (dims: readonly number[]): number => (dims.some((d) => d < 0) ? -1 : dims.reduce((p, d) => p * d, 1));
  return [known(x.slice(0, ax)), known(x.slice(ax))];
}

export const Flatten: OpDef = {
  type: 'Flatten',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  inferShape: ([x], attrs) => [flattenShape(x!, attrNumber(attrs, 'axis', 1))],
  forward({ be, attrs }, [x]) {
    return { outputs: [be.reshape(x!, flattenShape(x!.shape, attrNumber(attrs, 'axis', 1)))] };
  },
  backward({ be }, [x], _o, _s, [dy]) {
    return { inputs: [be.reshape(dy!, x!.shape)] };
  },
};

/** ONNX Reshape semantics: 0 copies the input dimension, -1 is inferred. */
export function resolveReshape(input: readonly number[], target: readonly number[], node: string): number[] {
  if (target.filter((d) => d === -1).length > 1) throw new ModelError(`Reshape '${node}': at most one dimension may be -1, got [${target.join(', ')}]`);
  const out = target.map((d, i) => (d === 0 ? input[i]! : d));
  const inferIndex = target.indexOf(-1);
  const symbolic = input.findIndex((d) => d < 0);
  if (symbolic >= 0) {
    // a dynamic batch can only be resolved when the target copies it (0) at the same place
    if (target[symbolic] !== 0 || inferIndex < 0) return out;
    const rest = input.reduce((p, d, i) => (i === symbolic ? p : p * d), 1);
    const known = out.reduce((p, d, i) => (i === inferIndex || i === symbolic ? p : p * d), 1);
    if (known === 0 || rest % known !== 0) throw new ModelError(`Reshape '${node}': cannot reshape [${input.join(', ')}] to [${target.join(', ')}]`);
    out[inferIndex] = rest / known;
    return out;
  }
  const total = input.reduce((p, d) => p * d, 1);
  if (inferIndex >= 0) {
    const known = out.reduce((p, d, i) => (i === inferIndex ? p : p * d), 1);
    if (known === 0 || total % known !== 0) throw new ModelError(`Reshape '${node}': cannot reshape [${input.join(', ')}] to [${target.join(', ')}]`);
    out[inferIndex] = total / known;
  } else if (out.reduce((p, d) => p * d, 1) !== total) {
    throw new ModelError(`Reshape '${node}': cannot reshape [${input.join(', ')}] (${total} values) to [${target.join(', ')}]`);
  }
  return out;
}

export const Reshape: OpDef = {
  type: 'Reshape',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  inferShape: ([x], attrs, _p, node) => [resolveReshape(x!, attrInts(attrs, 'shape', [-1]), node)],
  forward({ be, attrs, node }, [x]) {
    return { outputs: [be.reshape(x!, resolveReshape(x!.shape, attrInts(attrs, 'shape', [-1]), node))] };
  },
  backward({ be }, [x], _o, _s, [dy]) {
    return { inputs: [be.reshape(dy!, x!.shape)] };
  },
};

export const Identity: OpDef = {
  type: 'Identity',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  inferShape: ([x]) => [[...x!]],
  forward: ({ be }, [x]) => ({ outputs: [be.reshape(x!, x!.shape)] }),
  backward: ({ be }, _x, _o, _s, [dy]) => ({ inputs: [be.reshape(dy!, dy!.shape)] }),
};

/** Identity at inference; in training mode zeroes with probability `ratio` and rescales by 1 / (1 - ratio). */
export const Dropout: OpDef = {
  type: 'Dropout',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  inferShape: ([x]) => [[...x!]],
  forward({ be, attrs, training, generator, node }, [x]) {
    const ratio = attrNumber(attrs, 'ratio', 0.5);
    if (!training || ratio === 0) return { outputs: [be.reshape(x!, x!.shape)] };
    if (!generator) throw new ModelError(`Dropout '${node}': training mode needs a generator (pass { generator } to forward)`);
    const mask = be.scope(() => be.scale(be.greater(be.randomUniform(x!.shape, generator), be.full([1], ratio)), 1 / (1 - ratio)));
    return { outputs: [be.mul(x!, mask)], saved: [mask] };
  },
  backward({ be }, _x, _o, saved, [dy]) {
    return { inputs: [saved.length ? be.mul(dy!, saved[0]!) : be.reshape(dy!, dy!.shape)] };
  },
};

/** Sum of two inputs (broadcasting), or of one input and a constant parameter 'constant'. */
export const Add: OpDef = {
  type: 'Add',
  arity: { min: 1, max: 2 },
  paramRoles: { required: [], optional: ['constant'] },
  inferShape(inputs, _a, params, node) {
    const a = inputs[0]!;
    const b = inputs[1] ?? params.constant;
    if (!b) throw new ModelError(`Add '${node}': needs two inputs or a 'constant' parameter`);
    const rank = Math.max(a.length, b.length);
    const out: number[] = [];
    for (let i = 0; i < rank; i++) {
      const da = a[a.length - rank + i] ?? 1;
      const db = b[b.length - rank + i] ?? 1;
      out.push(da === 1 ? db : da);
    }
    return [out];
  },
  forward({ be, params }, inputs) {
    const b = inputs[1] ?? params.constant!;
    return { outputs: [be.add(inputs[0]!, b)] };
  },
  backward({ be, params }, inputs, _o, _s, [dy], need) {
    const grads: Array<Tensor | null> = [need.inputs[0] ? be.sumToShape(dy!, inputs[0]!.shape) : null];
    if (inputs.length > 1) grads.push(need.inputs[1] ? be.sumToShape(dy!, inputs[1]!.shape) : null);
    const result: { inputs: Array<Tensor | null>; params?: Record<string, Tensor> } = { inputs: grads };
    if (need.params && params.constant) result.params = { constant: be.sumToShape(dy!, params.constant.shape) };
    return result;
  },
};

export const Concat: OpDef = {
  type: 'Concat',
  arity: { min: 1, max: 64 },
  paramRoles: { required: [], optional: [] },
  inferShape(inputs, attrs, _p, node) {
    const first = inputs[0]!;
    const axis = attrNumber(attrs, 'axis', 1);
    const ax = axis < 0 ? axis + first.length : axis;
    const out = [...first];
    out[ax] = 0;
    for (const s of inputs) {
      if (s.length !== first.length) throw new ModelError(`Concat '${node}': inputs of different ranks`);
      out[ax] = out[ax]! < 0 || s[ax]! < 0 ? -1 : out[ax]! + s[ax]!;
    }
    return [out];
  },
  forward({ be, attrs }, inputs) {
    return { outputs: [be.concat(inputs, attrNumber(attrs, 'axis', 1))] };
  },
  backward({ be, attrs }, inputs, _o, _s, [dy], need) {
    const rank = dy!.rank;
    const axis = attrNumber(attrs, 'axis', 1);
    const ax = axis < 0 ? axis + rank : axis;
    let at = 0;
    const grads: Array<Tensor | null> = [];
    for (let i = 0; i < inputs.length; i++) {
      const len = inputs[i]!.shape[ax]!;
      if (need.inputs[i]) {
        const starts = dy!.shape.map((_, d) => (d === ax ? at : 0));
        const ends = dy!.shape.map((n, d) => (d === ax ? at + len : n));
        grads.push(be.slice(dy!, starts, ends));
      } else grads.push(null);
      at += len;
    }
    return { inputs: grads };
  },
};
