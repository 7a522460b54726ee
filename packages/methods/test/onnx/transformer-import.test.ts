/**
 * ONNX import of a PyTorch transformer encoder (the committed FT-Transformer
 * fixtures): forward parity with torch (float32, 1e-5 relative to the largest
 * logit) at opset 13 (LayerNorm and GELU decomposed, dynamic-batch reshapes
 * through Shape/Gather/Concat, a CLS token through Expand/Where) and opset 17
 * (LayerNormalization), PyTorch's own nn.TransformerEncoder (nn.MultiheadAttention:
 * fused in-projection, Slice, sequence-first transposes), and parity of the input gradient.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { relativeToMax } from '../helpers/fixtures.js';
import { arrayTensor, transformerCase, transformerModel, type TransformerCaseName, type TransformerModelName } from '../helpers/transformer-fixtures.js';

const be = await createBackend('reference');

const CASES: Array<[TransformerModelName, TransformerCaseName]> = [['ft', 'ft'], ['ft17', 'ft'], ['nobias', 'nobias'], ['torchenc13', 'torchenc'], ['torchenc17', 'torchenc']];

describe('transformer ONNX import (torch 1.13 export)', () => {
  for (const [file, data] of CASES) {
    it(`${file}.onnx: logits match torch to 1e-5 relative`, () => {
      const c = transformerCase(data);
      const model = transformerModel(be, file);
      const x = arrayTensor(be, c.input);
      const y = model.predict(x);
      const err = relativeToMax(y.readSync(), c.logits_float32.data);
      console.log(`${file}: logits max |diff| / max |logit| = ${err.toExponential(2)}`);
      expect(y.shape).toEqual(c.logits_float32.shape);
      expect(err).toBeLessThan(1e-5);
      y.dispose();
      x.dispose();
      model.dispose();
      expect(be.memory().tensors).toBe(0);
    });

    it(`${file}.onnx: the gradient of the target logit matches torch`, () => {
      const c = transformerCase(data);
      const model = transformerModel(be, file);
      const x = arrayTensor(be, c.input);
      const grad = be.scope(() => {
        const pass = model.forward(x);
        const [n, classes] = pass.output.shape as [number, number];
        const seed = new Float32Array(n * classes);
        c.target.forEach((t, row) => (seed[row * classes + t] = 1));
        const r = model.backward(pass, be.tensor(seed, [n, classes]));
        const g = r.input!.readSync() as Float32Array;
        r.dispose();
        pass.dispose();
        return g;
      });
      const err = relativeToMax(grad, c.gradient.data);
      console.log(`${file}: gradient max |diff| / max |grad| = ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-4);
      x.dispose();
      model.dispose();
    });
  }

  it('the wasm backend predicts like torch too (ft.onnx, 1e-5)', async () => {
    const wasm = await createBackend('wasm');
    const c = transformerCase('ft');
    const model = transformerModel(wasm, 'ft');
    const x = arrayTensor(wasm, c.input);
    const y = model.predict(x);
    const err = relativeToMax(await wasm.readFloat(y), c.logits_float32.data);
    console.log(`ft (wasm): logits max |diff| / max |logit| = ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-5);
    for (const t of [x, y]) t.dispose();
    model.dispose();
  });

  it('keeps the opset 13 decompositions as single IR nodes (LayerNorm, GELU) and folds every shape computation', () => {
    const model = transformerModel(be, 'ft');
    const types = new Map<string, number>();
    for (const n of model.nodes) types.set(n.type, (types.get(n.type) ?? 0) + 1);
    expect(types.get('LayerNorm')).toBe(4);
    expect(types.get('GELU')).toBe(2);
    expect(types.get('MatMul')).toBe(4);
    for (const gone of ['Pow', 'Sqrt', 'Erf', 'ReduceMean']) expect(types.has(gone)).toBe(false);
    model.dispose();
  });
});
