/**
 * LayerNormalization over the last axis (what PyTorch's nn.LayerNorm exports):
 * y = (x - mean) / sqrt(var + epsilon) * scale + bias, scale and bias of the
 * last dimension's size. Opset 17's LayerNormalization imports into it, and
 * so does the opset < 17 decomposition (ReduceMean, Sub, Pow, ReduceMean, Add,
 * Sqrt, Div, Mul, Add), which the importer recognises.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { attrNumber, ModelError, type OpDef } from '../op.js';

/** The centred input (x - mean) and the standard deviation sqrt(var + eps), both over the last axis (std keeps the axis as 1). The caller owns both. */
export function layerNormStats(be: Backend, x: Tensor, epsilon: number): { centred: Tensor; std: Tensor } {
  return be.scope(() => {
    const axis = x.rank - 1;
    const centred = be.sub(x, be.mean(x, axis, true));
    const std = be.sqrt(be.affine(be.mean(be.square(centred), axis, true), 1, epsilon));
    return { centred, std };
  });
}

export const LayerNorm: OpDef = {
  type: 'LayerNorm',
  arity: { min: 1, max: 1 },
  paramRoles: { required: ['scale'], optional: ['bias'] },
  inferShape([x], _attrs, params, node) {
    const d = x![x!.length - 1]!;
    if (params.scale!.length !== 1 || params.scale![0] !== d) {
      throw new ModelError(`LayerNorm '${node}': the scale has shape [${params.scale!.join(', ')}]; it must be [${d}] (the last dimension of the input [${x!.join(', ')}])`);
    }
    if (params.bias && (params.bias.length !== 1 || params.bias[0] !== d)) throw new ModelError(`LayerNorm '${node}': the bias has shape [${params.bias.join(', ')}]; it must be [${d}]`);
    return [[...x!]];
  },
  forward({ be, attrs, params }, [x]) {
    const y = be.scope(() => {
      const { centred, std } = layerNormStats(be, x!, attrNumber(attrs, 'epsilon', 1e-5));
      const scaled = be.mul(be.div(centred, std), params.scale!);
      return params.bias ? be.add(scaled, params.bias) : scaled;
    });
    return { outputs: [y] };
  },
  backward({ be, attrs, params }, [x], _o, _s, [dy], need) {
    return be.scope(() => {
      const axis = x!.rank - 1;
      const { centred, std } = layerNormStats(be, x!, attrNumber(attrs, 'epsilon', 1e-5));
      const n = be.div(centred, std);
      const dn = be.mul(dy!, params.scale!);
      // dx = (dn - mean(dn) - n * mean(dn * n)) / std
      const dx = need.inputs[0] ? be.div(be.sub(be.sub(dn, be.mean(dn, axis, true)), be.mul(n, be.mean(be.mul(dn, n), axis, true))), std) : null;
      if (!need.params) return { inputs: [dx] };
      const rows = dy!.size / dy!.shape[axis]!;
      const flatDy = be.reshape(dy!, [rows, dy!.shape[axis]!]);
      const grads: Record<string, Tensor> = { scale: be.sum(be.reshape(be.mul(dy!, n), [rows, dy!.shape[axis]!]), 0) };
      if (params.bias) grads.bias = be.sum(flatDy, 0);
      return { inputs: [dx], params: grads };
    });
  },
};
