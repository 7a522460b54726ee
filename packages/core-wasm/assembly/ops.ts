/**
 * Operation codes shared with src/backends/wasm/op-codes.ts (the JS side maps
 * the contract's op names to these numbers).
 */

export const UNARY_RELU: i32 = 0;
export const UNARY_LEAKY_RELU: i32 = 1;
export const UNARY_SIGMOID: i32 = 2;
export const UNARY_TANH: i32 = 3;
export const UNARY_EXP: i32 = 4;
export const UNARY_LOG: i32 = 5;
export const UNARY_ABS: i32 = 6;
export const UNARY_SIGN: i32 = 7;
export const UNARY_SQUARE: i32 = 8;
export const UNARY_SQRT: i32 = 9;
export const UNARY_CLAMP: i32 = 10;
export const UNARY_POSITIVE: i32 = 11;
export const UNARY_NEGATIVE: i32 = 12;
export const UNARY_AFFINE: i32 = 13;
export const UNARY_RECIPROCAL: i32 = 14;
export const UNARY_STEP: i32 = 15;

export const BINARY_ADD: i32 = 0;
export const BINARY_SUB: i32 = 1;
export const BINARY_MUL: i32 = 2;
export const BINARY_DIV: i32 = 3;
export const BINARY_MAX: i32 = 4;
export const BINARY_MIN: i32 = 5;
export const BINARY_GREATER: i32 = 6;
export const BINARY_STABILIZED_DIV: i32 = 7;

export const REDUCE_SUM: i32 = 0;
export const REDUCE_MEAN: i32 = 1;
export const REDUCE_MAX: i32 = 2;
export const REDUCE_MIN: i32 = 3;

