/**
 * AttnLRP and CP-LRP on the committed FT-Transformer fixtures: relevances
 * against the independent float64 torch implementation of the published
 * formulas (make_transformer.py), conservation per row against the
 * reference's, exact conservation of CP-LRP on the bias-free model, and
 * PyTorch's own nn.TransformerEncoder at opsets 13 and 17.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { compositeByName, lrp, Model, resolveRules } from '../../src/index.js';
import { relativeToMax } from '../helpers/fixtures.js';
import { arrayTensor, transformerCase, transformerModel } from '../helpers/transformer-fixtures.js';

const be = await createBackend('reference');

const COMPOSITES = [['attnlrp', 'attnlrp'], ['cp-lrp', 'cplrp']] as const;

describe('AttnLRP / CP-LRP on transformers', () => {
  for (const file of ['ft', 'ft17', 'nobias'] as const) {
    const data = file === 'nobias' ? 'nobias' : 'ft';
    for (const [composite, key] of COMPOSITES) {
      it(`${file}.onnx, ${composite}: relevances match the torch reference; conservation per row too`, async () => {
        const c = transformerCase(data);
        const model = transformerModel(be, file);
        const x = arrayTensor(be, c.input);
        const a = await lrp(model, x, { composite, target: c.target });
        const err = relativeToMax(a.values, c[key].data);
        const conservation = Array.from(a.completeness!.sums, (s, r) => s / a.completeness!.expected[r]!);
        const consErr = Math.max(...conservation.map((v, r) => Math.abs(v - c[`${key}_conservation`][r]!)));
        console.log(`${file} ${composite}: relevance max |diff| / max |R| = ${err.toExponential(2)}; conservation (sum R / logit) per row ${conservation.map((v) => v.toFixed(4)).join(' ')}; max |diff| to torch ${consErr.toExponential(2)}`);
        expect(a.shape).toEqual(c.input.shape);
        expect(err).toBeLessThan(1e-4);
        expect(consErr).toBeLessThan(1e-4);
        x.dispose();
        model.dispose();
        expect(be.memory().tensors).toBe(0);
      });
    }
  }

  it('CP-LRP conserves relevance to 1e-4 per row on the bias-free transformer (every rule conservative; stabilisers 1e-9)', async () => {
    const c = transformerCase('nobias');
    const model = transformerModel(be, 'nobias');
    const x = arrayTensor(be, c.input);
    const a = await lrp(model, x, { composite: 'cp-lrp', target: c.target, epsilon: 1e-9, stabilizer: 1e-9 });
    console.log(`nobias cp-lrp (stabilisers 1e-9): max relative conservation error per row ${a.completeness!.maxRelError.toExponential(2)}`);
    for (let r = 0; r < c.target.length; r++) {
      expect(Math.abs(a.completeness!.error[r]!)).toBeLessThan(1e-4 * Math.abs(a.completeness!.expected[r]!));
    }
    x.dispose();
    model.dispose();
  });

  it("PyTorch's nn.TransformerEncoder: the opset 13 and 17 exports give the same finite AttnLRP and CP-LRP relevances", async () => {
    const c = transformerCase('torchenc');
    for (const composite of ['attnlrp', 'cp-lrp']) {
      const results = [];
      for (const file of ['torchenc13', 'torchenc17'] as const) {
        const model = transformerModel(be, file);
        const x = arrayTensor(be, c.input);
        results.push(await lrp(model, x, { composite, target: c.target }));
        x.dispose();
        model.dispose();
      }
      expect(results[0]!.values.every(Number.isFinite)).toBe(true);
      expect(results[0]!.values.some((v) => v !== 0)).toBe(true);
      expect(relativeToMax(results[1]!.values, results[0]!.values)).toBeLessThan(1e-4);
    }
  });

  it('CP-LRP finds attention weights through Dropout / Identity; AttnLRP puts Uniform on every product', () => {
    const model = new Model(be, {
      inputs: [{ name: 'x', shape: [-1, 3, 4] }],
      outputs: ['y'],
      nodes: [
        { name: 'scores', type: 'MatMul', inputs: ['x', 'xt'], outputs: ['s'] },
        { name: 't', type: 'Transpose', inputs: ['x'], outputs: ['xt'], attrs: { perm: [0, 2, 1] } },
        { name: 'sm', type: 'Softmax', inputs: ['s'], outputs: ['a'], attrs: { axis: -1 } },
        { name: 'drop', type: 'Dropout', inputs: ['a'], outputs: ['ad'], attrs: { ratio: 0.1 } },
        { name: 'av', type: 'MatMul', inputs: ['ad', 'x'], outputs: ['y'] },
      ],
    });
    const cp = resolveRules(model, compositeByName('cp-lrp'), null, {});
    expect(cp.byNode.get('av')?.name).toBe('cp-attention');
    expect(cp.byNode.get('scores')?.name).toBe('uniform');
    expect(cp.byNode.has('sm')).toBe(false);
    const attn = resolveRules(model, compositeByName('attnlrp'), null, {});
    expect(attn.byNode.get('av')?.name).toBe('uniform');
    expect(attn.byNode.get('sm')?.name).toBe('softmax');
  });

  it('AttnLRP differs from CP-LRP (the query-key path gets relevance) and from gradient x input', async () => {
    const c = transformerCase('ft');
    const model = transformerModel(be, 'ft');
    const x = arrayTensor(be, c.input);
    const attn = await lrp(model, x, { composite: 'attnlrp', target: c.target });
    const cp = await lrp(model, x, { composite: 'cp-lrp', target: c.target });
    expect(relativeToMax(attn.values, cp.values)).toBeGreaterThan(1e-2);
    // the rule of every attention node is reported under its own node name (the module name 'blocks.0.attn' is shared)
    const rules = (a: typeof attn): Record<string, string> => a.params.rules as Record<string, string>;
    expect(rules(attn)['/blocks.0/attn/Softmax']).toBe('Softmax()');
    expect(rules(attn)['/blocks.0/attn/MatMul_1']).toBe('Uniform(stabilizer=1e-6)');
    expect(rules(cp)['/blocks.0/attn/MatMul_1']).toBe('CpAttention(stabilizer=1e-6)');
    expect(rules(attn)['blocks.0.norm2']).toBe('LayerNorm(stabilizer=1e-6)');
    const gxi = c.gradient.data.map((g, i) => g * c.input.data[i]!);
    expect(relativeToMax(attn.values, gxi)).toBeGreaterThan(1e-2);
    x.dispose();
    model.dispose();
  });
});
