/** The op registry: every op type the model graph understands. */
import type { OpDef } from '../op.js';
import { LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from './activation.js';
import { BatchNorm } from './batchnorm.js';
import { Conv2d } from './conv.js';
import { Dense } from './dense.js';
import { AvgPool2d, GlobalAveragePool, MaxPool2d } from './pool.js';
import { Add, Concat, Dropout, Flatten, Identity, Reshape } from './shape.js';
import { SennAggregate } from './senn.js';
import { Div, Erf, GELU, Mul, Pow, Sqrt, Sub, Where } from './elementwise.js';
import { Expand, Gather, Slice, Split, Transpose } from './indexing.js';
import { LayerNorm } from './layernorm.js';
import { MatMul } from './matmul.js';
import { ReduceMean } from './reduce.js';
import { TreeEnsembleOp } from '../../trees/tree-op.js';

export const OPS: ReadonlyMap<string, OpDef> = new Map(
  [Dense, Conv2d, MaxPool2d, AvgPool2d, GlobalAveragePool, Flatten, Reshape, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, LogSoftmax, BatchNorm, Dropout, Add, Concat, Identity, SennAggregate, TreeEnsembleOp,
    MatMul, LayerNorm, Mul, Sub, Div, Pow, Sqrt, Erf, GELU, ReduceMean, Transpose, Gather, Slice, Split, Expand, Where].map((op) => [op.type, op]),
);

export function opDef(type: string): OpDef | undefined {
  return OPS.get(type);
}

export { Dense, Conv2d, MaxPool2d, AvgPool2d, GlobalAveragePool, Flatten, Reshape, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, LogSoftmax, BatchNorm, Dropout, Add, Concat, Identity, SennAggregate };
export { convOptions } from './conv.js';
export { poolOptions } from './pool.js';
export { batchNormAffine } from './batchnorm.js';
export { resolveReshape } from './shape.js';
export { MatMul, LayerNorm, Mul, Sub, Div, Pow, Sqrt, Erf, GELU, ReduceMean, Transpose, Gather, Slice, Split, Expand, Where };
export { layerNormStats } from './layernorm.js';
