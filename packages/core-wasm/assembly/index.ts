/**
 * Entry point of the core wasm module: every kernel the JS side calls.
 * All kernels work on raw byte addresses in the (imported, shared) memory;
 * nothing here allocates, so one instance per thread can run concurrently.
 */
export { heapBase } from './memory';
export { simdPeak, simdPeakFlops } from './peak';
export { relaxedSimd } from './fma';
export { gemm, gemmFused, gemmPackB, gemmPackedB, gemmPackedBFloats, gemmPrepackFloats, gemmWorkFloats } from './gemm';
export { gatheredGemm } from './gathered';
export { conv2dForward, conv2dBackwardInput, conv2dBackwardWeight, convWorkFloats, flipWeights } from './conv';
export { unary, unaryBackward, binary, where, copy, fill32 } from './elementwise';
export { reduce, argmax, softmax, softmaxBackward } from './reduce';
export { gather, scatterAdd, oneHot } from './indexing';
export { maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward } from './pool';
export { resize2d, resize2dBackward } from './resize';
export { random, philoxBlock } from './random';
export { adamStep, sgdStep } from './optim';
