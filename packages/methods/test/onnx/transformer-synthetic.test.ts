/**
 * Import of the transformer ops on hand-built ONNX graphs, against values
 * computed here by hand: Unsqueeze / Squeeze, Split (opset 13 input), Slice
 * with INT64_MAX ends, Where with a constant mask (folded from Equal), Gather
 * with a scalar index, Transpose, Expand of a constant CLS token to a dynamic
 * batch, and a reshape through Shape -> Gather -> Unsqueeze -> Concat.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { importOnnx } from '../../src/index.js';
import { DataType } from '../../src/onnx/onnx-proto-types.js';
import { buildOnnx, f32, i64, intAttr, intsAttr, onnxNode, values } from './onnx-test-models.js';

const be = await createBackend('reference');
const INT64_MAX = 2n ** 63n - 1n;

function int64Max(name: string): import('../../src/onnx/onnx-proto-types.js').TensorProto {
  const raw = new Uint8Array(8);
  new DataView(raw.buffer).setBigInt64(0, INT64_MAX, true);
  return { name, dims: [1], data_type: DataType.INT64, raw_data: raw };
}

function run(bytes: Uint8Array, x: number[], shape: number[]): { y: number[]; shape: number[] } {
  const m = importOnnx(be, bytes, { source: 'synthetic.onnx' });
  const t = be.tensor(Float32Array.from(x), shape);
  const y = m.predict(t);
  const out = { y: Array.from(y.readSync()), shape: [...y.shape] };
  for (const v of [t, y]) v.dispose();
  m.dispose();
  return out;
}

describe('transformer ops on synthetic ONNX graphs', () => {
  it('Unsqueeze -> Mul (tokenizer) -> Split -> Slice (INT64_MAX end) -> Where (mask from Equal) -> Squeeze', () => {
    const w = values(12, 3);
    const bytes = buildOnnx({
      inputs: [['x', [-1, 3]]],
      outputs: [['y', [-1, 3, 1]]],
      initializers: [f32('W', [3, 4], w), i64('ax2', [2]), i64('split', [1, 3]), i64('s1', [1]), i64('axes', [2]), int64Max('end'), i64('a', [1, 0, 1]), i64('b', [1, 1, 1]), f32('fill', [1], [-5])],
      nodes: [
        onnxNode('Unsqueeze', 'u', ['x', 'ax2'], ['xu']),
        onnxNode('Mul', 'm', ['xu', 'W'], ['tok']),
        onnxNode('Split', 'sp', ['tok', 'split'], ['first', 'rest'], [intAttr('axis', 2)]),
        onnxNode('Slice', 'sl', ['rest', 's1', 'end', 'axes'], ['tail']),
        onnxNode('ReduceMean', 'rm', ['tail'], ['mean'], [intsAttr('axes', [2]), intAttr('keepdims', 1)]),
        onnxNode('Equal', 'eq', ['a', 'b'], ['mask']),
        onnxNode('Unsqueeze', 'mu', ['mask', 's1'], ['mask31']),
        onnxNode('Where', 'wh', ['mask31', 'mean', 'fill'], ['y']),
      ],
    });
    const x = [0.5, -1, 2, 1.5, 0.25, -0.75];
    const { y, shape } = run(bytes, x, [2, 3]);
    expect(shape).toEqual([2, 3, 1]);
    const mask = [1, 0, 1];
    for (let r = 0; r < 2; r++) {
      for (let f = 0; f < 3; f++) {
        // tok[f, d] = x_f * W[f, d]; rest = d 1..3; tail = d 2..3; mean over those two
        const expected = mask[f] ? (x[r * 3 + f]! * (w[f * 4 + 2]! + w[f * 4 + 3]!)) / 2 : -5;
        expect(y[r * 3 + f]).toBeCloseTo(expected, 5);
      }
    }
  });

  it('a CLS token expanded to the batch, concatenated, reshaped through Shape/Gather/Concat, transposed and gathered', () => {
    const cls = values(4, 5);
    const graph = buildOnnx({
      inputs: [['x', [-1, 2, 4]]],
      outputs: [['y', [-1, 6]]],
      initializers: [f32('cls', [1, 1, 4], cls), i64('ones', [1, 1]), i64('dims', [2, 6]), i64('ax0', [0])],
      nodes: [
        { input: [], output: ['zero0'], name: 'c0', op_type: 'Constant', attribute: [{ name: 'value', type: 4, t: { dims: [], data_type: DataType.INT64, int64_data: [0] } }] },
        onnxNode('Shape', 'sh', ['x'], ['shape']),
        onnxNode('Gather', 'g', ['shape', 'zero0'], ['batch'], [intAttr('axis', 0)]),
        onnxNode('Unsqueeze', 'ub', ['batch', 'ax0'], ['batch1']),
        onnxNode('Concat', 'cs', ['batch1', 'ones'], ['target'], [intAttr('axis', 0)]),
        onnxNode('Expand', 'ex', ['cls', 'target'], ['clsb']),
        onnxNode('Concat', 'cat', ['clsb', 'x'], ['tokens'], [intAttr('axis', 1)]),
        onnxNode('Concat', 'rs', ['batch1', 'dims'], ['rshape'], [intAttr('axis', 0)]),
        onnxNode('Reshape', 'r', ['tokens', 'rshape'], ['halves']),
        onnxNode('Transpose', 't', ['halves'], ['ht'], [intsAttr('perm', [0, 2, 1])]),
        onnxNode('Gather', 'pick', ['ht', 'zero0'], ['y'], [intAttr('axis', 2)]),
      ],
    });
    const x = values(3 * 8, 9);
    const { y, shape } = run(graph, x, [3, 2, 4]);
    expect(shape).toEqual([3, 6]);
    for (let r = 0; r < 3; r++) {
      const tokens = [...cls, ...x.slice(r * 8, r * 8 + 8)]; // [3 tokens x 4] = 12 values, reshaped to [2, 6]
      // halves[h, j] = tokens[h * 6 + j]; transposed [6, 2]; pick column 0: tokens[j] for j < 6
      for (let j = 0; j < 6; j++) expect(y[r * 6 + j]).toBeCloseTo(tokens[j]!, 6);
    }
  });

  it('the tanh approximation of GELU (as torch exports it) imports as one GELU node with its values', () => {
    const bytes = buildOnnx({
      inputs: [['x', [-1, 4]]],
      outputs: [['y', [-1, 4]]],
      initializers: [f32('a', [], [0.044715]), f32('k', [], [Math.sqrt(2 / Math.PI)]), f32('one', [], [1]), f32('half', [], [0.5])],
      nodes: [
        onnxNode('Mul', '/act/Mul', ['x', 'x'], ['sq']),
        onnxNode('Mul', '/act/Mul_1', ['x', 'sq'], ['cube']),
        onnxNode('Mul', '/act/Mul_2', ['a', 'cube'], ['ac']),
        onnxNode('Add', '/act/Add', ['x', 'ac'], ['inner']),
        onnxNode('Mul', '/act/Mul_3', ['k', 'inner'], ['ki']),
        onnxNode('Tanh', '/act/Tanh', ['ki'], ['t']),
        onnxNode('Add', '/act/Add_1', ['one', 't'], ['p']),
        onnxNode('Mul', '/act/Mul_4', ['x', 'p'], ['xp']),
        onnxNode('Mul', '/act/Mul_5', ['half', 'xp'], ['y']),
      ],
    });
    const m = importOnnx(be, bytes);
    expect(m.nodes.map((n) => n.type)).toEqual(['GELU']);
    m.dispose();
    const x = [-3, -0.7, 0.2, 2.5, 1, -1, 0, 4];
    const { y } = run(bytes, x, [2, 4]);
    x.forEach((v, i) => expect(y[i]).toBeCloseTo(0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))), 6));
  });

  it('opset 18: ReduceMean with an axes input and Split with num_outputs', () => {
    const bytes = buildOnnx({
      opset: 18,
      inputs: [['x', [-1, 6]]],
      outputs: [['y', [-1, 1]]],
      initializers: [i64('ax1', [1])],
      nodes: [
        onnxNode('Split', 'sp', ['x'], ['a', 'b', 'c'], [intAttr('axis', 1), intAttr('num_outputs', 3)]),
        onnxNode('Mul', 'm', ['a', 'c'], ['ac']),
        onnxNode('ReduceMean', 'rm', ['ac', 'ax1'], ['y']),
      ],
    });
    const x = values(12, 4);
    const { y, shape } = run(bytes, x, [2, 6]);
    expect(shape).toEqual([2, 1]);
    for (let r = 0; r < 2; r++) expect(y[r]).toBeCloseTo((x[r * 6]! * x[r * 6 + 4]! + x[r * 6 + 1]! * x[r * 6 + 5]!) / 2, 6);
  });

  it('refusals name the file, the op and the node, and say why', () => {
    const fails = (nodes: ReturnType<typeof onnxNode>[], initializers = [f32('E', [10, 4], values(40, 1))]): string => {
      try {
        importOnnx(be, buildOnnx({ inputs: [['x', [-1, 3]]], outputs: [['y', [-1, 3]]], nodes, initializers }), { source: 'bad.onnx' });
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected the import to fail');
    };
    expect(fails([onnxNode('Gather', 'emb', ['E', 'x'], ['y'])])).toMatch(/^bad\.onnx: Gather node 'emb': gathers from a constant table with computed indices \(an embedding lookup\)/);
    expect(fails([onnxNode('Where', 'w', ['x', 'x', 'x'], ['y'])])).toMatch(/^bad\.onnx: Where node 'w': the condition 'x' is computed from data values/);
    expect(fails([onnxNode('Unsqueeze', 'u', ['x'], ['y'], [intsAttr('axes', [0])])])).toMatch(/^bad\.onnx: Unsqueeze node 'u': inserts an axis before the batch axis/);
    expect(fails([onnxNode('ReduceMean', 'rm', ['x'], ['y'], [intsAttr('axes', [0])])])).toMatch(/^bad\.onnx: ReduceMean node 'rm': .*reducing over the batch axis of \[-1, 3\] mixes rows/);
    expect(fails([onnxNode('Pow', 'p', ['x', 'x'], ['y'])])).toMatch(/^bad\.onnx: Pow node 'p': the exponent 'x' must be a scalar constant/);
  });
});
