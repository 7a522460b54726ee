/** Conv2d over NCHW with stride, asymmetric padding [top, left, bottom, right], dilation and groups. */
import type { Conv2dOptions, Tensor } from '@relevance/core-wasm';
import { attrInts, attrNumber, ModelError, type Attrs, type OpDef } from '../op.js';

export function convOptions(attrs: Attrs): Conv2dOptions {
  const stride = attrInts(attrs, 'stride', [1, 1]);
  const pad = attrInts(attrs, 'padding', [0, 0, 0, 0]);
  const dilation = attrInts(attrs, 'dilation', [1, 1]);
  return {
    stride: [stride[0]!, stride[1] ?? stride[0]!],
    padding: pad.length === 4 ? [pad[0]!, pad[1]!, pad[2]!, pad[3]!] : [pad[0]!, pad[1] ?? pad[0]!],
    dilation: [dilation[0]!, dilation[1] ?? dilation[0]!],
    groups: attrNumber(attrs, 'groups', 1),
  };
}

export const Conv2d: OpDef = {
  type: 'Conv2d',
  arity: { min: 1, max: 1 },
  paramRoles: { required: ['weight'], optional: ['bias'] },
  linear: true,
  inferShape([x], attrs, params, node) {
    const w = params.weight!;
    if (x!.length !== 4) throw new ModelError(`Conv2d '${node}': input must be [N, C, H, W], got [${x!.join(', ')}]`);
    const o = convOptions(attrs);
    const [sh, sw] = o.stride as [number, number];
    const p = o.padding as readonly number[];
    const [pt, pl, pb, pr] = p.length === 4 ? p : [p[0]!, p[1]!, p[0]!, p[1]!];
    const [dh, dw] = o.dilation as [number, number];
    if (x![1] !== w[1]! * (o.groups ?? 1)) throw new ModelError(`Conv2d '${node}': input has ${x![1]} channels, the weight [${w.join(', ')}] with groups=${o.groups} expects ${w[1]! * (o.groups ?? 1)}`);
    const oh = Math.floor((x![2]! + pt! + pb! - dh * (w[2]! - 1) - 1) / sh) + 1;
    const ow = Math.floor((x![3]! + pl! + pr! - dw * (w[3]! - 1) - 1) / sw) + 1;
    return [[x![0]!, w[0]!, oh, ow]];
  },
  forward({ be, params, attrs }, [x]) {
    return { outputs: [be.conv2d(x!, params.weight!, params.bias ?? null, convOptions(attrs))] };
  },
  backward({ be, params, attrs }, [x], _outputs, _saved, [dy], need) {
    const o = convOptions(attrs);
    const dx = need.inputs[0] ? be.conv2dBackwardInput(dy!, params.weight!, x!.shape, o) : null;
    if (!need.params) return { inputs: [dx] };
    const grads: Record<string, Tensor> = { weight: be.conv2dBackwardWeight(x!, dy!, params.weight!.shape, o) };
    if (params.bias) grads.bias = be.biasGrad(dy!, 1);
    return { inputs: [dx], params: grads };
  },
};
