/**
 * The reference fixtures' ONNX files (torch.onnx.export, opset 13): logits
 * against logits.json, the gradient of the target logit against Captum's
 * saliency.json, and equality with the weights.json model.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBackend, type Tensor } from '@relevance/core-wasm';
import { importOnnx, loadOnnxFile, type Model } from '../../src/index.js';
import { FIXTURES, fixtureInputs, fixtureModel, fixtureTargets, fixturesAvailable, readFixture, relativeToMax, type ArrayJson } from '../helpers/fixtures.js';

const be = await createBackend('reference');

function onnxBytes(name: 'mlp' | 'cnn'): Uint8Array {
  return readFileSync(`${FIXTURES}${name}/model.onnx`);
}

function inputTensor(name: 'mlp' | 'cnn'): Tensor {
  const inp = fixtureInputs(name);
  return be.tensor(Float32Array.from(inp.data), inp.shape);
}

/** d logit[target] / d input, row by row, through forward + backward seeded with a one-hot. */
function saliency(model: Model, x: Tensor, targets: number[]): Float32Array {
  return be.scope(() => {
    const pass = model.forward(x);
    const [n, classes] = pass.output.shape as [number, number];
    const seed = new Float32Array(n * classes);
    targets.forEach((t, row) => (seed[row * classes + t] = 1));
    const grads = model.backward(pass, be.tensor(seed, [n, classes]));
    const g = grads.input!.readSync() as Float32Array;
    grads.dispose();
    pass.dispose();
    return g;
  });
}

describe.skipIf(!fixturesAvailable)('ONNX fixtures (torch.onnx.export, opset 13)', () => {
  for (const name of ['mlp', 'cnn'] as const) {
    it(`${name}: logits match logits.json (float32) to 1e-5 relative`, () => {
      const model = importOnnx(be, onnxBytes(name), { source: `${name}/model.onnx` });
      const x = inputTensor(name);
      const y = model.predict(x);
      const ref = readFixture<{ logits_float32: ArrayJson }>(name, 'logits.json').logits_float32;
      expect(y.shape).toEqual(ref.shape);
      const err = relativeToMax(y.readSync(), ref.data);
      console.log(`${name}/model.onnx logits: max |diff| / max |ref| = ${err.toExponential(2)}`);
      expect(err).toBeLessThanOrEqual(1e-5);
      const v = y.readSync();
      for (let i = 0; i < ref.data.length; i++) expect(Math.abs(v[i]! - ref.data[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(ref.data[i]!)));
      y.dispose();
      x.dispose();
      model.dispose();
    });

    it(`${name}: gradient of the target logit matches saliency.json to 1e-4 of the largest value`, () => {
      const model = importOnnx(be, onnxBytes(name), { source: `${name}/model.onnx` });
      const x = inputTensor(name);
      const ref = readFixture<{ attribution: ArrayJson }>(name, 'saliency.json').attribution;
      const g = saliency(model, x, fixtureTargets(name));
      expect(g.length).toBe(ref.data.length);
      const err = relativeToMax(g, ref.data);
      console.log(`${name}/model.onnx saliency: max |diff| / max |ref| = ${err.toExponential(2)}`);
      expect(err).toBeLessThanOrEqual(1e-4);
      x.dispose();
      model.dispose();
    });

    it(`${name}: the imported graph gives the same outputs and gradients as the weights.json model`, () => {
      const fromOnnx = importOnnx(be, onnxBytes(name), { source: `${name}/model.onnx` });
      const fromJson = fixtureModel(be, name);
      const x = inputTensor(name);
      const a = fromOnnx.predict(x);
      const b = fromJson.predict(x);
      expect(Array.from(a.readSync())).toEqual(Array.from(b.readSync()));
      const targets = fixtureTargets(name);
      expect(Array.from(saliency(fromOnnx, x, targets))).toEqual(Array.from(saliency(fromJson, x, targets)));
      // same parameters under the same public names
      const pj = fromJson.parameters();
      for (const [paramName, t] of fromOnnx.parameters()) {
        expect(pj.has(paramName)).toBe(true);
        expect(Array.from(t.readSync())).toEqual(Array.from(pj.get(paramName)!.readSync()));
      }
      expect(fromOnnx.parameterCount()).toBe(fromJson.parameterCount());
      for (const t of [a, b, x]) t.dispose();
      fromOnnx.dispose();
      fromJson.dispose();
    });
  }

  it('keeps ONNX node names, answers to PyTorch module names, and keeps initializer names', () => {
    const cnn = importOnnx(be, onnxBytes('cnn'), { source: 'cnn/model.onnx' });
    expect(cnn.nodes.map((n) => n.name)).toEqual([
      '/conv1/Conv', '/relu1/Relu', '/pool1/MaxPool', '/conv2/Conv', '/relu2/Relu', '/pool2/AveragePool', '/flatten/Flatten', '/fc/Gemm',
    ]);
    expect(cnn.nodes.map((n) => n.type)).toEqual(['Conv2d', 'ReLU', 'MaxPool2d', 'Conv2d', 'ReLU', 'AvgPool2d', 'Flatten', 'Dense']);
    expect(cnn.node('conv2').name).toBe('/conv2/Conv');
    expect(cnn.node('/conv2/Conv').paramNames).toEqual({ weight: 'conv2.weight', bias: 'conv2.bias' });
    expect([...cnn.parameters().keys()].sort()).toEqual(['conv1.bias', 'conv1.weight', 'conv2.bias', 'conv2.weight', 'fc.bias', 'fc.weight']);
    expect(cnn.inputs).toEqual([{ name: 'input', shape: [-1, 1, 16, 16] }]);
    expect(cnn.outputs).toEqual(['logits']);
    expect(cnn.node('pool1').outputShapes).toEqual([[-1, 8, 8, 8]]);
    cnn.dispose();
    const mlp = importOnnx(be, onnxBytes('mlp'), { source: 'mlp/model.onnx' });
    expect(mlp.nodes.map((n) => n.type)).toEqual(['Dense', 'ReLU', 'Dense', 'ReLU', 'Dense']);
    expect(mlp.node('fc1').params.weight!.shape).toEqual([32, 11]);
    mlp.dispose();
  });

  it('loadOnnxFile reads the file (Node) and frees nothing it should keep', async () => {
    const before = be.memory().tensors;
    const model = await loadOnnxFile(be, `${FIXTURES}mlp/model.onnx`);
    expect(model.nodes).toHaveLength(5);
    model.dispose();
    expect(be.memory().tensors).toBe(before);
  });
});
