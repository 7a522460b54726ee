/**
 * BatchNorm at inference: y = (x - mean) / sqrt(var + eps) * scale + bias along
 * axis 1. Attribution methods first merge it into the preceding Dense or Conv
 * (see canonize.ts); this op is what runs when it cannot be merged.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { attrNumber, ModelError, type OpDef, type Params } from '../op.js';

/** Per-channel a = scale / sqrt(var + eps) and b = bias - mean * a. */
export function batchNormAffine(be: Backend, params: Params, eps: number): { a: Tensor; b: Tensor } {
  return be.scope(() => {
    const a = be.mul(params.scale!, be.reciprocal(be.sqrt(be.affine(params.var!, 1, eps))));
    const b = be.sub(params.bias!, be.mul(params.mean!, a));
    return { a, b };
  });
}

function channelShape(rank: number, c: number): number[] {
  return Array.from({ length: rank }, (_, i) => (i === 1 ? c : 1));
}

export const BatchNorm: OpDef = {
  type: 'BatchNorm',
  arity: { min: 1, max: 1 },
  paramRoles: { required: ['scale', 'bias', 'mean', 'var'], optional: [] },
  linear: true,
  inferShape([x], _a, params, node) {
    if (x!.length < 2) throw new ModelError(`BatchNorm '${node}': input needs a channel axis, got [${x!.join(', ')}]`);
    if (x![1] !== -1 && x![1] !== params.scale![0]) throw new ModelError(`BatchNorm '${node}': input has ${x![1]} channels, parameters have ${params.scale![0]}`);
    return [[...x!]];
  },
  forward({ be, params, attrs }, [x]) {
    return {
      outputs: [be.scope(() => {
        const { a, b } = batchNormAffine(be, params, attrNumber(attrs, 'epsilon', 1e-5));
        const shape = channelShape(x!.rank, a.size);
        return be.add(be.mul(x!, be.reshape(a, shape)), be.reshape(b, shape));
      })],
    };
  },
  backward({ be, params, attrs }, [x], _o, _s, [dy], need) {
    return be.scope(() => {
      const eps = attrNumber(attrs, 'epsilon', 1e-5);
      const { a } = batchNormAffine(be, params, eps);
      const c = a.size;
      const shape = channelShape(x!.rank, c);
      const dx = need.inputs[0] ? be.mul(dy!, be.reshape(a, shape)) : null;
      if (!need.params) return { inputs: [dx] };
      // per channel: inv = 1/sqrt(var+eps), xc = x - mean
      const inv = be.reciprocal(be.sqrt(be.affine(params.var!, 1, eps)));
      const xc = be.sub(x!, be.reshape(params.mean!, shape));
      const perChannel = (t: Tensor): Tensor => be.reshape(be.sumToShape(t, shape), [c]);
      const sumDy = perChannel(dy!);
      const sumDyXc = perChannel(be.mul(dy!, xc));
      const grads: Record<string, Tensor> = {
        bias: sumDy,
        scale: be.mul(sumDyXc, inv),
        mean: be.scale(be.mul(sumDy, a), -1),
        var: be.scale(be.mul(be.mul(sumDyXc, params.scale!), be.mul(inv, be.square(inv))), -0.5),
      };
      return { inputs: [dx], params: grads };
    });
  },
};
