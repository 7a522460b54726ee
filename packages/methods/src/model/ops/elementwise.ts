/**
 * Elementwise arithmetic beyond Add: Mul, Sub, Div (two computed operands, or
 * one and a constant parameter), Pow with a constant exponent, Sqrt, Erf and
 * GELU (the exact, erf form PyTorch exports). Written from the backend's
 * primitives; erf is the Chebyshev fit of erfc (Numerical Recipes, 2nd ed.,
 * §6.2: fractional error below 1.2e-7 everywhere).
 */
import type { Backend, BinaryOp, Tensor } from '@relevance/core-wasm';
import { attrBool, attrNumber, ModelError, type OpDef } from '../op.js';

/** Broadcast output shape of two shapes (-1 is the dynamic batch). */
export function broadcastShape(a: readonly number[], b: readonly number[], what: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1 && da >= 0 && db >= 0) throw new ModelError(`${what}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * a op b, with b a computed input or the 'constant' parameter; with
 * attrs.constantFirst the constant is the left operand (1 - x, 1 / x).
 */
function binary(type: string, op: BinaryOp): OpDef {
  const operands = (inputs: readonly Tensor[], params: Readonly<Record<string, Tensor>>, constantFirst: boolean): [Tensor, Tensor] => {
    if (inputs.length === 2) return [inputs[0]!, inputs[1]!];
    return constantFirst ? [params.constant!, inputs[0]!] : [inputs[0]!, params.constant!];
  };
  return {
    type,
    arity: { min: 1, max: 2 },
    paramRoles: { required: [], optional: ['constant'] },
    inferShape(inputs, _attrs, params, node) {
      const b = inputs[1] ?? params.constant;
      if (!b) throw new ModelError(`${type} '${node}': needs two inputs or a 'constant' parameter`);
      return [broadcastShape(inputs[0]!, b, `${type} '${node}'`)];
    },
    forward({ be, params, attrs }, inputs) {
      const [a, b] = operands(inputs, params, attrBool(attrs, 'constantFirst', false));
      return { outputs: [be.binary(op, a, b)] };
    },
    backward({ be, params, attrs }, inputs, _o, _s, [dy], need) {
      const first = attrBool(attrs, 'constantFirst', false);
      const [a, b] = operands(inputs, params, first);
      const { da, db } = be.binaryBackward(op, a, b, dy!);
      if (inputs.length === 2) return { inputs: [need.inputs[0] ? da : (da.dispose(), null), need.inputs[1] ? db : (db.dispose(), null)] };
      const [mine, other] = first ? [db, da] : [da, db];
      const dx = need.inputs[0] ? mine : (mine.dispose(), null);
      if (need.params) return { inputs: [dx], params: { constant: other } };
      other.dispose();
      return { inputs: [dx] };
    },
  };
}

export const Mul = binary('Mul', 'mul');
export const Sub = binary('Sub', 'sub');
export const Div = binary('Div', 'div');

/** A unary op written from primitives: forward f(x), backward dy * f'(x, y). */
function unaryOp(type: string, f: (be: Backend, x: Tensor, e: number) => Tensor, df: (be: Backend, x: Tensor, y: Tensor, e: number) => Tensor, activation = false): OpDef {
  return {
    type,
    arity: { min: 1, max: 1 },
    paramRoles: { required: [], optional: [] },
    activation,
    inferShape: ([x]) => [[...x!]],
    forward: ({ be, attrs }, [x]) => ({ outputs: [be.scope(() => f(be, x!, attrNumber(attrs, 'exponent', 1)))] }),
    backward: ({ be, attrs }, [x], [y], _s, [dy]) => ({ inputs: [be.scope(() => be.mul(dy!, df(be, x!, y!, attrNumber(attrs, 'exponent', 1))))] }),
  };
}

const ERFC = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];

/** erf(x) = sign(x) (1 - erfc(|x|)), erfc(z) = t exp(-z² + P(t)), t = 1 / (1 + z/2). */
export function erf(be: Backend, x: Tensor): Tensor {
  return be.scope(() => {
    const z = be.abs(x);
    const t = be.reciprocal(be.affine(z, 0.5, 1));
    let p = be.full([1], ERFC[ERFC.length - 1]!);
    for (let i = ERFC.length - 2; i >= 0; i--) p = be.affine(be.mul(p, t), 1, ERFC[i]!);
    const erfc = be.mul(t, be.exp(be.sub(p, be.square(z))));
    return be.mul(be.sign(x), be.affine(erfc, -1, 1));
  });
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const Erf = unaryOp('Erf', (be, x) => erf(be, x), (be, x) => be.scale(be.exp(be.scale(be.square(x), -1)), TWO_OVER_SQRT_PI));

const GELU_TANH_A = 0.044715;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** tanh(√(2/π) (x + 0.044715 x³)), the inner part of the tanh approximation. */
function geluTanhInner(be: Backend, x: Tensor): Tensor {
  return be.tanh(be.scale(be.add(x, be.scale(be.mul(be.square(x), x), GELU_TANH_A)), SQRT_2_OVER_PI));
}

/**
 * GELU(x) = x Φ(x) = 0.5 x (1 + erf(x / √2)); GELU'(x) = Φ(x) + x φ(x). With
 * attrs.approximate = 'tanh': 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))).
 */
export const GELU: OpDef = {
  type: 'GELU',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  activation: true,
  inferShape: ([x]) => [[...x!]],
  forward({ be, attrs }, [x]) {
    const tanh = attrs.approximate === 'tanh';
    return { outputs: [be.scope(() => be.mul(x!, be.affine(tanh ? geluTanhInner(be, x!) : erf(be, be.scale(x!, Math.SQRT1_2)), 0.5, 0.5)))] };
  },
  backward({ be, attrs }, [x], _o, _s, [dy]) {
    const dx = be.scope(() => {
      if (attrs.approximate === 'tanh') {
        const t = geluTanhInner(be, x!);
        // 0.5 (1 + t) + 0.5 x (1 - t²) √(2/π) (1 + 3 a x²)
        const slope = be.scale(be.affine(be.square(x!), 3 * GELU_TANH_A, 1), 0.5 * SQRT_2_OVER_PI);
        return be.mul(dy!, be.add(be.affine(t, 0.5, 0.5), be.mul(be.mul(x!, be.affine(be.square(t), -1, 1)), slope)));
      }
      const cdf = be.affine(erf(be, be.scale(x!, Math.SQRT1_2)), 0.5, 0.5);
      const pdf = be.scale(be.exp(be.scale(be.square(x!), -0.5)), 1 / Math.sqrt(2 * Math.PI));
      return be.mul(dy!, be.add(cdf, be.mul(x!, pdf)));
    });
    return { inputs: [dx] };
  },
};

export const Sqrt = unaryOp('Sqrt', (be, x) => be.sqrt(x), (be, _x, y) => be.scale(be.reciprocal(y), 0.5));

/** x ** exponent for a constant exponent (attrs.exponent); 2 and 0.5 use square and sqrt exactly. */
function power(be: Backend, x: Tensor, e: number): Tensor {
  if (e === 1) return be.clone(x);
  if (e === 2) return be.square(x);
  if (e === 0.5) return be.sqrt(x);
  if (Number.isInteger(e) && e > 0) {
    let y = be.clone(x);
    for (let i = 1; i < e; i++) y = be.mul(y, x);
    return y;
  }
  // general exponents: exp(e log x), defined for x > 0 only (as ONNX Pow on floats is, up to NaN)
  return be.exp(be.scale(be.log(x), e));
}

export const Pow = unaryOp('Pow', power, (be, x, _y, e) => (e === 0 ? be.zeros(x.shape) : be.scale(power(be, x, e - 1), e)));

/**
 * Where(condition, a, b) with a constant condition (the 'condition'
 * parameter, 1 where true, 0 where false; an attention mask): a and b are
 * computed inputs, or one of them is the 'constant' parameter
 * (attrs.constantSide 0 or 1 says which).
 */
export const Where: OpDef = {
  type: 'Where',
  arity: { min: 1, max: 2 },
  paramRoles: { required: ['condition'], optional: ['constant'] },
  inferShape(inputs, attrs, params, node) {
    const what = `Where '${node}'`;
    const side = attrNumber(attrs, 'constantSide', -1);
    const [a, b] = inputs.length === 2 ? [inputs[0]!, inputs[1]!] : side === 0 ? [params.constant!, inputs[0]!] : [inputs[0]!, params.constant!];
    if (!a || !b) throw new ModelError(`${what}: needs two inputs or one and a 'constant' parameter`);
    return [broadcastShape(broadcastShape(params.condition!, a, what), b, what)];
  },
  forward({ be, attrs, params }, inputs) {
    const [a, b] = whereOperands(inputs, params, attrNumber(attrs, 'constantSide', -1));
    return { outputs: [be.where(params.condition!, a, b)] };
  },
  backward({ be, attrs, params }, inputs, _o, _s, [dy], need) {
    const side = attrNumber(attrs, 'constantSide', -1);
    const [a, b] = whereOperands(inputs, params, side);
    const grads = be.scope(() => {
      const zero = be.zeros([1]);
      return [be.sumToShape(be.where(params.condition!, dy!, zero), a.shape), be.sumToShape(be.where(params.condition!, zero, dy!), b.shape)];
    });
    const mine = inputs.length === 2 ? grads : side === 0 ? [grads[1]!] : [grads[0]!];
    const other = grads.find((g) => !mine.includes(g));
    const result: { inputs: Array<Tensor | null>; params?: Record<string, Tensor> } = { inputs: mine.map((g, i) => (need.inputs[i] ? g : (g.dispose(), null))) };
    // the mask is constant (no gradient); a constant operand gets its share
    if (other && need.params) result.params = { constant: other };
    else other?.dispose();
    return result;
  },
};

function whereOperands(inputs: readonly Tensor[], params: Readonly<Record<string, Tensor>>, side: number): [Tensor, Tensor] {
  if (inputs.length === 2) return [inputs[0]!, inputs[1]!];
  return side === 0 ? [params.constant!, inputs[0]!] : [inputs[0]!, params.constant!];
}
