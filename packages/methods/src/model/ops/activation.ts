/** Elementwise activations and softmax. */
import type { UnaryOp } from '@relevance/core-wasm';
import { attrNumber, type OpDef } from '../op.js';

function elementwise(type: string, op: UnaryOp, param = (_a: import('../op.js').Attrs): number => 0): OpDef {
  return {
    type,
    arity: { min: 1, max: 1 },
    paramRoles: { required: [], optional: [] },
    activation: true,
    inferShape: ([x]) => [[...x!]],
    forward({ be, attrs }, [x]) {
      return { outputs: [be.unary(op, x!, param(attrs))] };
    },
    backward({ be, attrs }, [x], [y], _s, [dy]) {
      return { inputs: [be.unaryBackward(op, x!, y!, dy!, param(attrs))] };
    },
  };
}

export const ReLU = elementwise('ReLU', 'relu');
export const LeakyReLU = elementwise('LeakyReLU', 'leaky_relu', (a) => attrNumber(a, 'alpha', 0.01));
export const Sigmoid = elementwise('Sigmoid', 'sigmoid');
export const Tanh = elementwise('Tanh', 'tanh');

/** Softmax or log-softmax over attribute `axis` (default -1); one backward kernel for both. */
function softmaxOp(type: 'Softmax' | 'LogSoftmax', log: boolean): OpDef {
  return {
    type,
    arity: { min: 1, max: 1 },
    paramRoles: { required: [], optional: [] },
    inferShape: ([x]) => [[...x!]],
    forward({ be, attrs }, [x]) {
      const axis = attrNumber(attrs, 'axis', -1);
      return { outputs: [log ? be.logSoftmax(x!, axis) : be.softmax(x!, axis)] };
    },
    backward({ be, attrs }, _x, [y], _s, [dy]) {
      return { inputs: [be.softmaxBackward(y!, dy!, attrNumber(attrs, 'axis', -1), log)] };
    },
  };
}

export const Softmax: OpDef = softmaxOp('Softmax', false);

export const LogSoftmax: OpDef = softmaxOp('LogSoftmax', true);
