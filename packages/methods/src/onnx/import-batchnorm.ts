/** BatchNormalization at inference (running statistics as constants) -> the IR's BatchNorm. */
import type { Tensor } from '@relevance/core-wasm';
import type { ImportContext } from './import-context.js';
import type { NodeAttributes } from './onnx-attributes.js';
import { mainOutput, requireExtraOutputsUnused, type OnnxOpImporter } from './onnx-op-importer.js';
import type { NodeProto } from './onnx-proto-types.js';

const ROLES = [['scale', 'scale'], ['bias', 'B'], ['mean', 'input_mean'], ['var', 'input_var']] as const;

export const importBatchNormalization: OnnxOpImporter = {
  // 'spatial' left with opset 9; 'momentum' only matters for training and is ignored
  attributes: ['epsilon', 'momentum', 'training_mode'],
  inputs: { min: 5, max: 5 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const name = ctx.nodeName(node);
    attrs.requireInt('training_mode', 0, [0], 'only inference is supported: export the model in eval() mode');
    requireExtraOutputsUnused(ctx, node, 'a training-mode running statistic');
    const x = ctx.dataInput(node, 0, 'X');
    if (x.shape.length < 2) ctx.fail(node, `its input has shape [${x.shape.join(', ')}]; it needs a channel axis`);
    const params: Record<string, Tensor> = {};
    const paramNames: Record<string, string> = {};
    ROLES.forEach(([role, onnxRole], k) => {
      const c = ctx.floatConstant(node, k + 1, onnxRole);
      if (c.data.length !== x.shape[1] && x.shape[1]! >= 0) {
        ctx.fail(node, `${onnxRole} '${c.name}' has ${c.data.length} values, the input has ${x.shape[1]} channels`);
      }
      params[role] = ctx.tensor(c.data, [c.data.length]);
      paramNames[role] = ctx.paramName(c.name, name, role);
    });
    ctx.add(node, { type: 'BatchNorm', inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: { epsilon: attrs.float('epsilon', 1e-5) }, params, paramNames });
  },
};
