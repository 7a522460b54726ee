/**
 * Op names of the kernel contract mapped to the numeric codes of
 * assembly/ops.ts (the Record types make the tables complete).
 */
import type { BinaryOp, ReduceOp, UnaryOp } from '../../kernels.js';

export const UNARY_CODES: Readonly<Record<UnaryOp, number>> = {
  relu: 0,
  leaky_relu: 1,
  sigmoid: 2,
  tanh: 3,
  exp: 4,
  log: 5,
  abs: 6,
  sign: 7,
  square: 8,
  sqrt: 9,
  clamp: 10,
  positive: 11,
  negative: 12,
  affine: 13,
  reciprocal: 14,
  step: 15,
};

export const BINARY_CODES: Readonly<Record<BinaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  max: 4,
  min: 5,
  greater: 6,
  stabilized_div: 7,
};

export const REDUCE_CODES: Readonly<Record<ReduceOp, number>> = {
  sum: 0,
  mean: 1,
  max: 2,
  min: 3,
};
