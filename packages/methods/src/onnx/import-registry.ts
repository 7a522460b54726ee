/** ONNX op type -> importer: the list of what Relevance can import. */
import { importLeakyRelu, importLogSoftmax, importRelu, importSigmoid, importSoftmax, importTanh } from './import-activation.js';
import { importBatchNormalization } from './import-batchnorm.js';
import { importAveragePool, importConv, importGlobalAveragePool, importMaxPool } from './import-conv-pool.js';
import { importGemm, importMatMul } from './import-dense.js';
import { importAdd, importConcat, importConstant, importDropout, importFlatten, importIdentity, importReshape } from './import-structure.js';
import { importCast, importWhere, importDiv, importErf, importMul, importPow, importSqrt, importSub } from './import-elementwise.js';
import { importExpand, importGather, importSlice, importSplit, importSqueeze, importTranspose, importUnsqueeze, shapeOnly } from './import-indexing.js';
import { importLayerNormalization, importReduceMean } from './import-layernorm.js';
import type { OnnxOpImporter } from './onnx-op-importer.js';

export const ONNX_IMPORTERS: ReadonlyMap<string, OnnxOpImporter> = new Map([
  ['Gemm', importGemm],
  ['MatMul', importMatMul],
  ['Conv', importConv],
  ['MaxPool', importMaxPool],
  ['AveragePool', importAveragePool],
  ['GlobalAveragePool', importGlobalAveragePool],
  ['Flatten', importFlatten],
  ['Reshape', importReshape],
  ['Relu', importRelu],
  ['LeakyRelu', importLeakyRelu],
  ['Sigmoid', importSigmoid],
  ['Tanh', importTanh],
  ['Softmax', importSoftmax],
  ['LogSoftmax', importLogSoftmax],
  ['BatchNormalization', importBatchNormalization],
  ['Dropout', importDropout],
  ['Add', importAdd],
  ['Concat', importConcat],
  ['Identity', importIdentity],
  ['Constant', importConstant],
  ['Mul', importMul],
  ['Sub', importSub],
  ['Div', importDiv],
  ['Pow', importPow],
  ['Sqrt', importSqrt],
  ['Erf', importErf],
  ['Cast', importCast],
  ['LayerNormalization', importLayerNormalization],
  ['ReduceMean', importReduceMean],
  ['Transpose', importTranspose],
  ['Gather', importGather],
  ['Slice', importSlice],
  ['Split', importSplit],
  ['Expand', importExpand],
  ['Unsqueeze', importUnsqueeze],
  ['Squeeze', importSqueeze],
  ['Shape', shapeOnly('Shape of a value whose shape is unknown')],
  ['Equal', shapeOnly('Equal')],
  ['ConstantOfShape', shapeOnly('ConstantOfShape')],
  ['Where', importWhere],
]);

/** The ONNX ops the importer understands, for error messages and docs. */
export const SUPPORTED_ONNX_OPS: readonly string[] = [...ONNX_IMPORTERS.keys()];
