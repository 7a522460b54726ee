/**
 * SennAggregate: the output of a self-explaining network (Alvarez-Melis &
 * Jaakkola 2018) with the inputs as concepts, f_c(x) = Σ_j θ_cj(x) x_j.
 * Inputs: θ [batch, classes · features] (row-major, class-major) and x
 * [batch, features]; output [batch, classes]. Attribute 'classes'.
 */
import type { Tensor } from '@relevance/core-wasm';
import { attrNumber, ModelError, type OpDef } from '../op.js';

function dims(theta: readonly number[], x: readonly number[], classes: number, node: string): number {
  const d = x[1]!;
  if (x.length !== 2 || theta.length !== 2) throw new ModelError(`SennAggregate '${node}': θ and x must be [batch, ...] matrices, got [${theta.join(', ')}] and [${x.join(', ')}]`);
  if (!Number.isInteger(classes) || classes < 1) throw new ModelError(`SennAggregate '${node}': attribute classes must be a positive integer, got ${classes}`);
  if (d > 0 && theta[1]! > 0 && theta[1] !== classes * d) {
    throw new ModelError(`SennAggregate '${node}': θ has ${theta[1]} values per row, but classes (${classes}) x features (${d}) = ${classes * d}; make the θ layer output classes x features values`);
  }
  return d;
}

export const SennAggregate: OpDef = {
  type: 'SennAggregate',
  arity: { min: 2, max: 2 },
  paramRoles: { required: [], optional: [] },
  inferShape([theta, x], attrs, _p, node) {
    const classes = attrNumber(attrs, 'classes', 0);
    dims(theta!, x!, classes, node);
    return [[x![0]!, classes]];
  },
  forward({ be, attrs, node }, [theta, x]) {
    const classes = attrNumber(attrs, 'classes', 0);
    const d = dims(theta!.shape, x!.shape, classes, node);
    const b = x!.shape[0]!;
    const t3 = be.reshape(theta!, [b, classes, d]);
    const x3 = be.reshape(x!, [b, 1, d]);
    const prod = be.mul(t3, x3);
    const out = be.sum(prod, 2);
    for (const t of [t3, x3, prod]) t.dispose();
    return { outputs: [out] };
  },
  backward({ be, attrs }, [theta, x], _o, _s, [dy], need) {
    const classes = attrNumber(attrs, 'classes', 0);
    const b = x!.shape[0]!;
    const d = x!.shape[1]!;
    const dy3 = be.reshape(dy!, [b, classes, 1]);
    const grads: Array<Tensor | null> = [null, null];
    if (need.inputs[0]) {
      const x3 = be.reshape(x!, [b, 1, d]);
      const g = be.mul(dy3, x3);
      grads[0] = be.reshape(g, [b, classes * d]);
      g.dispose();
      x3.dispose();
    }
    if (need.inputs[1]) {
      const t3 = be.reshape(theta!, [b, classes, d]);
      const g = be.mul(dy3, t3);
      grads[1] = be.sum(g, 1);
      g.dispose();
      t3.dispose();
    }
    dy3.dispose();
    return { inputs: grads };
  },
};
