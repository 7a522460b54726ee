/**
 * Unary elementwise kernels and their backward: one pipeline per op, over
 * `count` contiguous elements, with two scalar parameters p0, p1.
 */
import type { UnaryOp } from '../../../kernels.js';
import type { Storage } from '../../../tensor.js';
import type { GpuContext } from '../device.js';
import { Params } from '../params.js';
import { declarations, elementwiseMain, input, output, read, workgroupsFor, write } from './common.js';

/** f(x) in WGSL. */
const FORWARD: Record<UnaryOp, string> = {
  relu: 'max(x, 0.0)',
  leaky_relu: 'select(p0 * x, x, x > 0.0)',
  sigmoid: '1.0 / (1.0 + exp(-x))',
  // tanh through exp overflows to inf/inf on some drivers; tanh(+-15) is +-1 in float32 anyway.
  tanh: 'tanh(clamp(x, -15.0, 15.0))',
  exp: 'exp(x)',
  log: 'log(x)',
  abs: 'abs(x)',
  sign: 'sign(x)',
  square: 'x * x',
  sqrt: 'sqrt(x)',
  clamp: 'min(max(x, p0), p1)',
  positive: 'max(x, 0.0)',
  negative: 'min(x, 0.0)',
  affine: 'p0 * x + p1',
  reciprocal: '1.0 / x',
  step: 'select(0.0, 1.0, x > 0.0)',
};

/** dy * f'(x) in WGSL, from x, y = f(x) and dy. */
const BACKWARD: Record<UnaryOp, string> = {
  relu: 'select(0.0, dy, x > 0.0)',
  leaky_relu: 'select(p0 * dy, dy, x > 0.0)',
  sigmoid: 'dy * y * (1.0 - y)',
  tanh: 'dy * (1.0 - y * y)',
  exp: 'dy * y',
  log: 'dy / x',
  abs: 'dy * sign(x)',
  sign: '0.0',
  square: '2.0 * x * dy',
  sqrt: '0.5 * dy / y',
  clamp: 'select(0.0, dy, x >= p0 && x <= p1)',
  positive: 'select(0.0, dy, x > 0.0)',
  negative: 'select(0.0, dy, x < 0.0)',
  affine: 'p0 * dy',
  reciprocal: '-dy * y * y',
  step: '0.0',
};

const PARAMS = `
  count: u32,
  p0: f32,
  p1: f32,
  pad: u32,`;

function forwardSource(op: UnaryOp): string {
  return `${declarations(PARAMS, [read('xs'), write('out')])}
${elementwiseMain('params.count', `
  let x = xs[i];
  let p0 = params.p0;
  let p1 = params.p1;
  out[i] = ${FORWARD[op]};`)}`;
}

function backwardSource(op: UnaryOp): string {
  // Every binding must be referenced for the 'auto' layout: the lets below do that even where the op ignores them.
  return `${declarations(PARAMS, [read('xs'), read('ys'), read('dys'), write('out')])}
${elementwiseMain('params.count', `
  let x = xs[i];
  let y = ys[i];
  let dy = dys[i];
  let p0 = params.p0;
  let p1 = params.p1;
  out[i] = ${BACKWARD[op]};`)}`;
}

function unaryParams(size: number, p0: number, p1: number): Params {
  return new Params().u32(size, 'size').f32(p0).f32(p1).u32(0);
}

export function runUnary(ctx: GpuContext, op: UnaryOp, x: Storage, out: Storage, size: number, p0: number, p1: number): void {
  ctx.dispatch(
    { key: `unary:${op}`, source: () => forwardSource(op) },
    { params: unaryParams(size, p0, p1), bindings: [input(x), output(out)], workgroups: workgroupsFor(size) },
  );
}

export function runUnaryBackward(
  ctx: GpuContext, op: UnaryOp, x: Storage, y: Storage, dy: Storage, out: Storage, size: number, p0: number, p1: number,
): void {
  ctx.dispatch(
    { key: `unary-backward:${op}`, source: () => backwardSource(op) },
    { params: unaryParams(size, p0, p1), bindings: [input(x), input(y), input(dy), output(out)], workgroups: workgroupsFor(size) },
  );
}
