/**
 * ONNX export: export -> import gives identical outputs (MLP and CNN, and a
 * graph with every exportable node type), names survive, and what cannot be
 * expressed is rejected with a clear error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, Generator, type Tensor } from '@relevance/core-wasm';
import { exportOnnx, importOnnx, loadOnnxFile, Model, OnnxError, saveOnnxFile, sequential, type LayerSpec } from '../../src/index.js';
import { decodeOnnxModel } from '../../src/onnx/onnx-codec.js';
import { fixtureInputTensor, fixtureModel, fixturesAvailable, readFixture, relativeToMax, type ArrayJson } from '../helpers/fixtures.js';

const be = await createBackend('reference');
const gen = new Generator(20240601);
const tmp = mkdtempSync(join(tmpdir(), 'relevance-onnx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function randn(shape: number[], std = 0.5): Tensor {
  return be.randomNormal(shape, gen, 0, std);
}

function outputsOf(model: Model, x: Tensor): number[] {
  const y = model.predict(x);
  const v = Array.from(y.readSync());
  y.dispose();
  return v;
}

async function roundTrip(model: Model, x: Tensor, opset = 13): Promise<Model> {
  const back = importOnnx(be, await exportOnnx(model, { opset }), { source: 'exported.onnx' });
  expect(outputsOf(back, x)).toEqual(outputsOf(model, x));
  return back;
}

describe('exportOnnx', () => {
  it('an MLP built with sequential: identical outputs after export -> import, names kept', async () => {
    const layers: LayerSpec[] = [
      { type: 'Dense', name: 'fc1', params: { weight: randn([16, 5]), bias: randn([16]) } },
      { type: 'ReLU', name: 'relu1' },
      { type: 'Dropout', name: 'drop', attrs: { ratio: 0.2 } },
      { type: 'Dense', name: 'fc2', params: { weight: randn([3, 16]) } },
      { type: 'Softmax', name: 'probs', attrs: { axis: -1 } },
    ];
    const mlp = sequential(be, [-1, 5], layers);
    const x = randn([7, 5], 1);
    const bytes = await exportOnnx(mlp);
    const proto = decodeOnnxModel(bytes, 'mlp.onnx');
    expect(proto.opset_import).toEqual([{ version: 13 }]);
    expect(proto.ir_version).toBe(7);
    expect(proto.graph!.node!.map((n) => [n.name, n.op_type])).toEqual([['fc1', 'Gemm'], ['relu1', 'Relu'], ['drop', 'Identity'], ['fc2', 'Gemm'], ['probs', 'Softmax']]);
    expect(proto.graph!.input!.map((i) => i.name)).toEqual(['input']);
    expect(proto.graph!.output!.map((o) => o.name)).toEqual(['logits']);
    expect(proto.graph!.input![0]!.type!.tensor_type!.shape!.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 5 }]);
    expect(proto.graph!.output![0]!.type!.tensor_type!.shape!.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 3 }]);
    expect(proto.graph!.initializer!.map((t) => t.name)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight']);
    const back = await roundTrip(mlp, x);
    expect(back.nodes.map((n) => n.name)).toEqual(['fc1', 'relu1', 'drop', 'fc2', 'probs']);
    expect(back.node('drop').type).toBe('Identity');
    expect([...back.parameters().keys()]).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight']);
    expect(back.inputs).toEqual([{ name: 'input', shape: [-1, 5] }]);
    expect(back.outputs).toEqual(['logits']);
    // opset 11 (Softmax over the last axis has the same meaning there)
    const back11 = await roundTrip(mlp, x, 11);
    back11.dispose();
    back.dispose();
    mlp.dispose();
    x.dispose();
  });

  it.skipIf(!fixturesAvailable)('the fixture CNN (weights.json): identical outputs, and they match logits.json', async () => {
    const cnn = fixtureModel(be, 'cnn');
    const x = fixtureInputTensor(be, 'cnn');
    const back = await roundTrip(cnn, x);
    expect(back.nodes.map((n) => n.type)).toEqual(['Conv2d', 'ReLU', 'MaxPool2d', 'Conv2d', 'ReLU', 'AvgPool2d', 'Flatten', 'Dense']);
    expect(back.node('conv2').paramNames).toEqual({ weight: 'conv2.weight', bias: 'conv2.bias' });
    const ref = readFixture<{ logits_float32: ArrayJson }>('cnn', 'logits.json').logits_float32.data;
    expect(relativeToMax(outputsOf(back, x), ref)).toBeLessThanOrEqual(1e-5);
    // exporting the imported model again gives the same bytes (the export is deterministic)
    expect(await exportOnnx(back)).toEqual(await exportOnnx(cnn));
    back.dispose();
    cnn.dispose();
    x.dispose();
  });

  // ONNX stores float attributes (epsilon, alpha) as float32: values exact in float32 make the round trip bit-identical
  it('a graph with every exportable node type survives export -> import at opsets 13 and 18', async () => {
    const model = new Model(be, {
      inputs: [{ name: 'image', shape: [-1, 2, 7, 7] }],
      outputs: ['scores'],
      nodes: [
        { name: 'conv', type: 'Conv2d', inputs: ['image'], outputs: ['c'], attrs: { stride: [2, 1], padding: [1, 0, 2, 1], dilation: [1, 2], groups: 2 }, params: { weight: randn([4, 1, 3, 2]), bias: randn([4]) } },
        { name: 'bn', type: 'BatchNorm', inputs: ['c'], outputs: ['b'], attrs: { epsilon: 2 ** -10 }, params: { scale: randn([4]), bias: randn([4]), mean: randn([4]), var: be.full([4], 0.7) } },
        { name: 'act', type: 'LeakyReLU', inputs: ['b'], outputs: ['a'], attrs: { alpha: 0.125 } },
        { name: 'maxpool', type: 'MaxPool2d', inputs: ['a'], outputs: ['m'], attrs: { kernel: [2, 2], stride: [2, 2], padding: [1, 1, 1, 1], ceilMode: true } },
        { name: 'avgpool', type: 'AvgPool2d', inputs: ['a'], outputs: ['p'], attrs: { kernel: [3, 3], stride: [2, 2], padding: [1, 1, 1, 1], countIncludePad: false } },
        { name: 'gap', type: 'GlobalAveragePool', inputs: ['m'], outputs: ['g'] },
        { name: 'flat_g', type: 'Flatten', inputs: ['g'], outputs: ['fg'], attrs: { axis: 1 } },
        { name: 'flat_p', type: 'Reshape', inputs: ['p'], outputs: ['fp'], attrs: { shape: [0, -1] } },
        { name: 'sig', type: 'Sigmoid', inputs: ['fg'], outputs: ['s'] },
        { name: 'tanh', type: 'Tanh', inputs: ['fp'], outputs: ['t'] },
        { name: 'cat', type: 'Concat', inputs: ['s', 't'], outputs: ['ct'], attrs: { axis: 1 } },
        { name: 'fc', type: 'Dense', inputs: ['ct'], outputs: ['f'], params: { weight: randn([3, 4 + 4 * 2 * 3]), bias: randn([3]) } },
        { name: 'shift', type: 'Add', inputs: ['f'], outputs: ['sh'], params: { constant: randn([3]) } },
        { name: 'sum', type: 'Add', inputs: ['sh', 'f'], outputs: ['sm'] },
        { name: 'keep', type: 'Identity', inputs: ['sm'], outputs: ['k'] },
        { name: 'logp', type: 'LogSoftmax', inputs: ['k'], outputs: ['scores'], attrs: { axis: 1 } },
      ],
    });
    const x = randn([3, 2, 7, 7], 1);
    for (const opset of [13, 18]) {
      const back = await roundTrip(model, x, opset);
      expect(back.nodes.map((n) => n.type).sort()).toEqual(model.nodes.map((n) => n.type).sort());
      expect(back.outputs).toEqual(['scores']);
      expect(back.node('flat_p').attrs.shape).toEqual([0, -1]);
      back.dispose();
    }
    model.dispose();
    x.dispose();
  });

  it('saveOnnxFile writes a file that loadOnnxFile reads back', async () => {
    const mlp = sequential(be, [-1, 3], [{ type: 'Dense', name: 'fc', params: { weight: randn([2, 3]), bias: randn([2]) } }]);
    const path = join(tmp, 'mlp.onnx');
    await saveOnnxFile(mlp, path, { outputName: 'scores' });
    const back = await loadOnnxFile(be, path);
    expect(back.outputs).toEqual(['scores']);
    const x = randn([4, 3], 1);
    expect(outputsOf(back, x)).toEqual(outputsOf(mlp, x));
    back.dispose();
    mlp.dispose();
    x.dispose();
  });

  it('rejects opsets out of range, what an opset cannot express, and unknown node types', async () => {
    const mlp = sequential(be, [-1, 3], [{ type: 'Dense', name: 'fc', params: { weight: randn([2, 3]) } }]);
    await expect(exportOnnx(mlp, { opset: 10 })).rejects.toThrow('exportOnnx: opset 10 is not supported; choose 11 to 18');
    await expect(exportOnnx(mlp, { opset: 19 })).rejects.toThrow(OnnxError);
    const sm = sequential(be, [-1, 2, 3], [{ type: 'Softmax', name: 'sm', attrs: { axis: 1 } }]);
    await expect(exportOnnx(sm, { opset: 11 })).rejects.toThrow(/Softmax node 'sm' over axis 1 of \[-1, 2, 3\] has no opset 11 equivalent/);
    const back = importOnnx(be, await exportOnnx(sm, { opset: 13 }));
    expect(back.nodes[0]!.attrs.axis).toBe(1);
    back.dispose();
    const dilated = sequential(be, [-1, 1, 6, 6], [{ type: 'AvgPool2d', name: 'ap', attrs: { kernel: [2, 2], dilation: [2, 2] } }]);
    await expect(exportOnnx(dilated)).rejects.toThrow(/AvgPool2d node 'ap' has dilation \[2, 2\], which AveragePool supports only from opset 19/);
    // a node type added to the IR later, without an exporter
    const future = Object.create(mlp, { nodes: { value: [{ ...mlp.nodes[0]!, type: 'Gelu', name: 'act' }] } }) as Model;
    await expect(exportOnnx(future)).rejects.toThrow(/exportOnnx: node 'act' has type 'Gelu', which cannot be exported to ONNX; exportable types: Dense, Conv2d/);
    await expect(exportOnnx(mlp, { inputName: 'x', outputName: 'x' })).rejects.toThrow("exportOnnx: the input and the output cannot both be named 'x'");
    const two = sequential(be, [-1, 3], [{ type: 'ReLU', name: 'r' }, { type: 'Dense', name: 'fc', params: { weight: randn([2, 3]) } }]);
    await expect(exportOnnx(two, { outputName: 'r:out' })).rejects.toThrow("exportOnnx: cannot name 'output' 'r:out': the graph already has a value called 'r:out'; pass another inputName/outputName");
    two.dispose();
    mlp.dispose();
    sm.dispose();
    dilated.dispose();
  });
});
