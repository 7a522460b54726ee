/**
 * ONNX-ML TreeEnsembleRegressor / TreeEnsembleClassifier import: raw scores,
 * probabilities and labels against scikit-learn's own predictions (written by
 * test/fixtures/trees/make_fixtures.py), and errors that name the file, node
 * and attribute.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeOnnxModelForTest, encodeOnnxModelForTest,
} from './proto-helpers.js';
import { importTreeEnsemble, isTreeEnsembleOnnx, predictTrees, predictTreesClass, predictTreesRaw, treeMaxDepth, withCoversFromData } from '../../src/index.js';
import { FIXTURE_NAMES, loadFixture, TREE_FIXTURES } from './helpers.js';

function maxRelative(got: ArrayLike<number>, want: number[][]): number {
  const flat = want.flat();
  let scale = 1e-12;
  for (const v of flat) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < flat.length; i++) worst = Math.max(worst, Math.abs(got[i]! - flat[i]!) / scale);
  return worst;
}

describe('tree ensemble import: prediction parity with scikit-learn', () => {
  for (const name of FIXTURE_NAMES) {
    it(`${name}: raw scores match to 1e-5 relative`, () => {
      const f = loadFixture(name);
      expect(f.ensemble.features).toBe(6);
      const raw = predictTreesRaw(f.ensemble, f.x, f.rows);
      expect(raw.length).toBe(f.raw.flat().length);
      console.log(`tree import ${name}: max relative error of raw scores vs scikit-learn ${maxRelative(raw, f.raw).toExponential(2)}${f.probabilities ? `, probabilities ${maxRelative(predictTrees(f.ensemble, f.x, f.rows), f.probabilities).toExponential(2)}` : ''}`);
      expect(maxRelative(raw, f.raw)).toBeLessThan(1e-5);
      if (f.probabilities) expect(maxRelative(predictTrees(f.ensemble, f.x, f.rows), f.probabilities)).toBeLessThan(1e-5);
      if (f.label) {
        const cls = predictTreesClass(f.ensemble, f.x, f.rows);
        expect(Array.from(cls, (c) => f.ensemble.classLabels![c])).toEqual(f.label);
      }
    });
  }

  it('recognises tree files, reads covers (nodes_hitrates) and depth', () => {
    expect(isTreeEnsembleOnnx(readFileSync(`${TREE_FIXTURES}dt_reg.onnx`))).toBe(true);
    const f = loadFixture('dt_reg');
    expect(f.ensemble.cover).toBeDefined();
    expect(f.ensemble.cover![f.ensemble.roots[0]!]).toBe(400);
    expect(treeMaxDepth(f.ensemble)).toBe(4);
    expect(loadFixture('gbm_reg').ensemble.cover).toBeUndefined();
  });

  it('withCoversFromData counts the rows reaching each node (root = all rows, children add up)', () => {
    const f = loadFixture('gbm_reg');
    const e = withCoversFromData(f.ensemble, f.x, f.rows);
    for (const root of e.roots) expect(e.cover![root]).toBe(f.rows);
    for (let n = 0; n < e.feature.length; n++) if (e.feature[n]! >= 0) expect(e.cover![e.yes[n]!]! + e.cover![e.no[n]!]!).toBe(e.cover![n]);
  });
});

describe('tree ensemble import: errors', () => {
  const bytes = readFileSync(`${TREE_FIXTURES}dt_reg.onnx`);

  function mutate(edit: (node: Record<string, unknown> & { attribute: Array<Record<string, unknown>> }) => void): Uint8Array {
    const model = decodeOnnxModelForTest(bytes);
    edit(model.graph.node[0] as never);
    return encodeOnnxModelForTest(model);
  }

  it('a child id that does not exist names the node, tree and attribute', () => {
    const b = mutate((n) => {
      const a = n.attribute.find((x) => x.name === 'nodes_truenodeids')!;
      (a.ints as number[])[0] = 999;
    });
    expect(() => importTreeEnsemble(b, { source: 'bad.onnx' })).toThrow(/bad\.onnx: TreeEnsembleRegressor node .*true child 999 does not exist/);
  });

  it('an unknown split mode lists the supported ones', () => {
    const b = mutate((n) => {
      const a = n.attribute.find((x) => x.name === 'nodes_modes')!;
      (a.strings as Uint8Array[])[0] = new TextEncoder().encode('BRANCH_SOMETIMES');
    });
    expect(() => importTreeEnsemble(b, { source: 'bad.onnx' })).toThrow(/nodes_modes\[0\] is 'BRANCH_SOMETIMES'; expected LEAF or one of BRANCH_LEQ/);
  });

  it('MIN aggregation is refused with the reason', () => {
    const b = mutate((n) => {
      const a = n.attribute.find((x) => x.name === 'aggregate_function')!;
      a.s = new TextEncoder().encode('MIN');
    });
    expect(() => importTreeEnsemble(b, { source: 'bad.onnx' })).toThrow(/aggregate_function MIN is not supported.*not additive/);
  });

  it('an unknown attribute is named', () => {
    const b = mutate((n) => {
      n.attribute.push({ name: 'nodes_colour', type: 1, f: 1 });
    });
    expect(() => importTreeEnsemble(b, { source: 'bad.onnx' })).toThrow(/attribute 'nodes_colour' is not supported/);
  });

  it('a graph model is not a tree ensemble', () => {
    const b = mutate((n) => {
      n.op_type = 'Relu';
      n.domain = '';
    });
    expect(isTreeEnsembleOnnx(b)).toBe(false);
    expect(() => importTreeEnsemble(b, { source: 'mlp.onnx' })).toThrow(/mlp\.onnx: holds no ONNX-ML TreeEnsembleRegressor/);
  });
});
