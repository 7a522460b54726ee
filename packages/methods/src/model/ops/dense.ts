/**
 * Dense (fully connected): y = x W^T + b, W of shape [out, in] (PyTorch's
 * nn.Linear layout). ONNX Gemm and MatMul+Add import into this op.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { ModelError, type OpDef } from '../op.js';

/**
 * x Wᵀ (+ bias): the one Dense forward. `stored: 'transposed'` takes W as [in, out]
 * (the LRP fast path's compact layers), computing x W (+ bias). The bias is added in
 * the GEMM's store loop (the same rounding as a separate add, one pass less).
 */
export function denseForward(be: Backend, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, stored: 'out-in' | 'transposed' = 'out-in'): Tensor {
  return be.gemm(x, weight, { transB: stored !== 'transposed', ...(bias ? { bias } : {}) });
}

export const Dense: OpDef = {
  type: 'Dense',
  arity: { min: 1, max: 1 },
  paramRoles: { required: ['weight'], optional: ['bias'] },
  linear: true,
  inferShape([x], _attrs, params, node) {
    const w = params.weight!;
    if (x!.length !== 2) throw new ModelError(`Dense '${node}': input must be [batch, features], got [${x!.join(', ')}]; add a Flatten before it`);
    if (x![1] !== -1 && x![1] !== w[1]) throw new ModelError(`Dense '${node}': input has ${x![1]} features but the weight [${w.join(', ')}] expects ${w[1]}`);
    return [[x![0]!, w[0]!]];
  },
  forward({ be, params }, [x]) {
    return { outputs: [denseForward(be, x!, params.weight!, params.bias)] };
  },
  backward({ be, params }, [x], _outputs, _saved, [dy], need) {
    const dx = need.inputs[0] ? be.gemm(dy!, params.weight!) : null;
    if (!need.params) return { inputs: [dx] };
    const grads: Record<string, Tensor> = { weight: be.gemm(dy!, x!, { transA: true }) };
    if (params.bias) grads.bias = be.biasGrad(dy!, 1);
    return { inputs: [dx], params: grads };
  },
};
