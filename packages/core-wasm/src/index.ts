/** @relevance/core-wasm: tensors, three backends, kernels. */
export { Tensor, shapeSize, formatShape } from './tensor.js';
export type { DType, Shape, Storage } from './tensor.js';
export { Backend, broadcastShapes } from './backend.js';
export type { BackendName, GemmOptions, Conv2dOptions, Pool2dOptions, Resize2dOptions, MemoryInfo } from './backend.js';
export { createBackend } from './create-backend.js';
export { isSoftwareAdapter } from './backends/webgpu/adapter.js';
export type { BackendOptions } from './create-backend.js';
export { enableRelaxedSimdFlag } from './backends/wasm/relaxed-flag.js';
export { ShapeError, DTypeError } from './errors.js';
export { Generator, toGenerator, philox4x32, randomElement, uniformFromBits } from './random.js';
export type { HostStream } from './random.js';
export { HistogramTreeKernel, treeKernelFailure } from './trees.js';
export type { TreeNodes } from './trees.js';
export { UNARY_OPS, BINARY_OPS } from './kernels.js';
export type {
  KernelImpl, UnaryOp, BinaryOp, ReduceOp, ResizeMode, RandomKey, AdamParams, SgdParams, GemmParams, GemmEpilogue,
  Conv2dParams, Pool2dParams, Window2dParams, Resize2dParams, AxisDims, StridedView, GatheredGemmEntry,
} from './kernels.js';
