/**
 * Every ONNX import error path: corrupt and truncated files, unsupported ops,
 * attributes and attribute values, external data, non-float32 tensors,
 * opsets out of range. Each must fail with an OnnxError that names the file
 * (and the op type and node where there is one), and leak no tensors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { importOnnx, loadOnnxFile, OnnxError } from '../../src/index.js';
import { floatValueInfo } from '../../src/onnx/onnx-build.js';
import { encodeOnnxModel } from '../../src/onnx/onnx-codec.js';
import type { TensorProto } from '../../src/onnx/onnx-proto-types.js';
import { FIXTURES, fixturesAvailable } from '../helpers/fixtures.js';
import { buildOnnx, f32, i64, intAttr, intsAttr, onnxNode, stringAttr, type TestModel } from './onnx-test-models.js';

const be = await createBackend('reference');

function importError(bytes: Uint8Array, source = 'bad.onnx'): OnnxError {
  const before = be.memory().tensors;
  let error: unknown;
  try {
    importOnnx(be, bytes, { source }).dispose();
  } catch (e) {
    error = e;
  }
  expect(error, 'the import should have failed').toBeInstanceOf(OnnxError);
  expect((error as Error).message.startsWith(source)).toBe(true);
  expect(be.memory().tensors, 'a failed import must free what it created').toBe(before);
  return error as OnnxError;
}

const dense: Pick<TestModel, 'inputs' | 'outputs'> = { inputs: [['x', [-1, 2]]], outputs: [['y', [-1, 2]]] };
/** A dense model of one Gemm node (x times the initializer W, transB) whose W is `weight`. */
const gemmWithWeight = (weight: TensorProto, node = 'g'): Uint8Array =>
  buildOnnx({ ...dense, nodes: [onnxNode('Gemm', node, ['x', 'W'], ['y'], [intAttr('transB', 1)])], initializers: [weight] });
const image: Pick<TestModel, 'inputs' | 'outputs'> = { inputs: [['x', [-1, 1, 4, 4]]], outputs: [['y', [-1, 1, 2, 2]]] };

describe.skipIf(!fixturesAvailable)('corrupt and truncated fixture files', () => {
  const bytes = fixturesAvailable ? new Uint8Array(readFileSync(`${FIXTURES}cnn/model.onnx`)) : new Uint8Array(0);

  it('a truncated file fails naming the file and the byte where decoding stopped', () => {
    for (const length of [1, 10, 100, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const e = importError(bytes.subarray(0, length), 'cnn/model.onnx');
      expect(e.message).toMatch(/^cnn\/model\.onnx is not a valid ONNX model \(truncated or corrupt protobuf at byte \d+ of \d+/);
    }
  });

  it('an empty file, and bytes that are not a Uint8Array, fail clearly', () => {
    expect(importError(new Uint8Array(0), 'empty.onnx').message).toBe('empty.onnx is empty (0 bytes); it is not an ONNX model');
    expect(() => importOnnx(be, 'model.onnx' as unknown as Uint8Array, { source: 'x.onnx' })).toThrow(/x\.onnx: expected the file's bytes as a Uint8Array/);
  });

  it('a flipped tag byte makes the protobuf invalid', () => {
    const flipped = Uint8Array.from(bytes);
    flipped[2] = 0xff; // a field tag turns into wire type 7, which does not exist
    expect(importError(flipped, 'cnn/model.onnx').message).toMatch(/^cnn\/model\.onnx is not a valid ONNX model \(truncated or corrupt protobuf at byte [2-4] of 16547: invalid wire type 7/);
  });

  it('a text file is not taken for a model', () => {
    const text = new TextEncoder().encode('{"this": "is json, not onnx"}');
    expect(importError(text, 'weights.json').message).toMatch(/^weights\.json is not a valid ONNX model/);
  });

  it('byte flips anywhere either still load or fail with an OnnxError naming the file (never a crash inside)', () => {
    for (let pos = 0; pos < bytes.length; pos += 17) {
      for (const value of [0x00, 0xff, bytes[pos]! ^ 0x20]) {
        const b = Uint8Array.from(bytes);
        b[pos] = value;
        try {
          importOnnx(be, b, { source: 'cnn/model.onnx' }).dispose();
        } catch (e) {
          expect(e, `flip at byte ${pos}`).toBeInstanceOf(OnnxError);
          expect((e as Error).message.startsWith('cnn/model.onnx')).toBe(true);
        }
      }
    }
    expect(be.memory().tensors).toBe(0);
  });
});

describe('unsupported content', () => {
  it('an unsupported op names the op type, the node and the supported ops', () => {
    const e = importError(buildOnnx({ ...dense, nodes: [onnxNode('Gelu', '/act/Gelu', ['x'], ['y'])] }), 'gelu.onnx');
    expect(e.message).toMatch(/^gelu\.onnx: Gelu node '\/act\/Gelu': op type 'Gelu' is not supported; supported ONNX ops: Gemm, MatMul, Conv, .*LayerNormalization/);
  });

  it('a Shape whose result reaches a data op is refused; a reshape target with two batch-dependent dimensions too', () => {
    const e = importError(buildOnnx({
      ...dense,
      nodes: [onnxNode('Shape', 's', ['x'], ['shape']), onnxNode('Cast', 'c', ['shape'], ['y'], [intAttr('to', 1)])],
    }));
    expect(e.message).toMatch(/Cast node 'c': casts the batch size to float/);
    const r = importError(buildOnnx({
      ...dense,
      nodes: [
        onnxNode('Shape', 's', ['x'], ['shape']),
        onnxNode('Concat', 'cat', ['shape', 'shape', 'shape'], ['twice'], [intAttr('axis', 0)]),
        onnxNode('Reshape', 'r', ['x', 'twice'], ['y']),
      ],
    }));
    expect(r.message).toMatch(/Reshape node 'r': the target shape depends on the batch size in more than one place \(\[batch, 2, batch, 2, batch, 2\]\)/);
  });

  it('an unsupported attribute names the attribute, the op, the node and the supported attributes', () => {
    const e = importError(buildOnnx({
      ...image,
      nodes: [onnxNode('Conv', '/conv1/Conv', ['x', 'W'], ['y'], [intsAttr('strides', [2, 2]), intAttr('fancy', 1)])],
      initializers: [f32('W', [1, 1, 1, 1], [1])],
    }), 'conv.onnx');
    expect(e.message).toBe("conv.onnx: Conv node '/conv1/Conv': attribute 'fancy' is not supported; supported attributes of Conv: auto_pad, dilations, group, kernel_shape, pads, strides");
    // AveragePool's dilations came with opset 19
    const d = importError(buildOnnx({
      ...image,
      nodes: [onnxNode('AveragePool', 'ap', ['x'], ['y'], [intsAttr('kernel_shape', [2, 2]), intsAttr('dilations', [2, 2])])],
    }));
    expect(d.message).toMatch(/AveragePool node 'ap': attribute 'dilations' is not supported; supported attributes of AveragePool: auto_pad, ceil_mode, count_include_pad, kernel_shape, pads, strides/);
  });

  it('unsupported attribute values: storage_order, training_mode, allowzero, transA, auto_pad', () => {
    expect(importError(buildOnnx({
      ...image,
      nodes: [onnxNode('MaxPool', 'mp', ['x'], ['y'], [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2]), intAttr('storage_order', 1)])],
    })).message).toMatch(/MaxPool node 'mp': attribute storage_order=1 is not supported \(only row-major indices/);
    expect(importError(buildOnnx({
      opset: 15,
      inputs: [['x', [-1, 1, 4, 4]]],
      outputs: [['y', [-1, 1, 4, 4]]],
      nodes: [onnxNode('BatchNormalization', 'bn', ['x', 's', 'b', 'm', 'v'], ['y'], [intAttr('training_mode', 1)])],
      initializers: ['s', 'b', 'm', 'v'].map((n) => f32(n, [1], [1])),
    })).message).toMatch(/BatchNormalization node 'bn': attribute training_mode=1 is not supported \(only inference/);
    expect(importError(buildOnnx({
      ...dense,
      opset: 14,
      nodes: [onnxNode('Reshape', 'r', ['x', 's'], ['y'], [intAttr('allowzero', 1)])],
      initializers: [i64('s', [0, 2])],
    })).message).toMatch(/Reshape node 'r': allowzero=1 with a 0 in the shape/);
    expect(importError(buildOnnx({
      ...dense,
      nodes: [onnxNode('Gemm', 'g', ['x', 'W'], ['y'], [intAttr('transA', 1)])],
      initializers: [f32('W', [2, 2], [1, 2, 3, 4])],
    })).message).toMatch(/Gemm node 'g': transA=1/);
    expect(importError(buildOnnx({
      ...image,
      nodes: [onnxNode('Conv', 'c', ['x', 'W'], ['y'], [stringAttr('auto_pad', 'SAME_SIDEWAYS')])],
      initializers: [f32('W', [1, 1, 1, 1], [1])],
    })).message).toMatch(/Conv node 'c': auto_pad='SAME_SIDEWAYS' is not supported; supported: NOTSET, VALID, SAME_UPPER, SAME_LOWER/);
  });

  it('axes out of range and pool padding as large as the window are rejected at import', () => {
    expect(importError(buildOnnx({ ...dense, nodes: [onnxNode('Softmax', 'sm', ['x'], ['y'], [intAttr('axis', 2)])] })).message).toBe(
      "bad.onnx: Softmax node 'sm': axis=2 is out of range for an input of shape [-1, 2]",
    );
    expect(importError(buildOnnx({ ...dense, nodes: [onnxNode('Concat', 'cat', ['x', 'x'], ['y'], [intAttr('axis', -3)])] })).message).toMatch(/Concat node 'cat': axis=-3 is out of range/);
    expect(importError(buildOnnx({
      ...image,
      nodes: [onnxNode('MaxPool', 'mp', ['x'], ['y'], [intsAttr('kernel_shape', [2, 2]), intsAttr('pads', [2, 0, 0, 0])])],
    })).message).toBe("bad.onnx: MaxPool node 'mp': pads [2, 0, 0, 0] must be smaller than the kernel [2, 2]");
  });

  it('an attribute of the wrong type is named', () => {
    expect(importError(buildOnnx({
      ...image,
      nodes: [onnxNode('Conv', 'c', ['x', 'W'], ['y'], [intAttr('strides', 2)])],
      initializers: [f32('W', [1, 1, 1, 1], [1])],
    })).message).toMatch(/Conv node 'c': attribute 'strides' must be INTS, got INT/);
  });

  it('Softmax before opset 13 over more than one trailing dimension is rejected', () => {
    const e = importError(buildOnnx({
      opset: 11,
      inputs: [['x', [-1, 2, 3]]],
      outputs: [['y', [-1, 2, 3]]],
      nodes: [onnxNode('Softmax', '/sm/Softmax', ['x'], ['y'], [intAttr('axis', 1)])],
    }), 'sm.onnx');
    expect(e.message).toMatch(/^sm\.onnx: Softmax node '\/sm\/Softmax': before opset 13, Softmax normalises over all dimensions from axis 1 on .*re-export with opset_version >= 13/);
    // the same node at opset 13 is a plain axis
    const ok = importOnnx(be, buildOnnx({
      opset: 13,
      inputs: [['x', [-1, 2, 3]]],
      outputs: [['y', [-1, 2, 3]]],
      nodes: [onnxNode('Softmax', '/sm/Softmax', ['x'], ['y'], [intAttr('axis', 1)])],
    }));
    expect(ok.nodes[0]!.attrs.axis).toBe(1);
    ok.dispose();
  });

  it('Gemm and MatMul need a constant weight', () => {
    expect(importError(buildOnnx({
      ...dense,
      nodes: [onnxNode('Relu', 'r', ['x'], ['w']), onnxNode('Gemm', '/fc/Gemm', ['x', 'w'], ['y'])],
    }), 'gemm.onnx').message).toBe(
      "gemm.onnx: Gemm node '/fc/Gemm': the weight B 'w' is computed by the graph, not an initializer; only a constant weight B (a graph initializer) is supported here",
    );
    expect(importError(buildOnnx({
      ...dense,
      nodes: [onnxNode('Relu', 'r', ['x'], ['w']), onnxNode('MatMul', 'mm', ['x', 'w'], ['y'])],
    })).message).toMatch(/MatMul node 'mm': .*the right operand \[-1, 2\] is \[batch, n\]; contracting over the batch axis/);
    expect(importError(buildOnnx({
      ...dense,
      nodes: [onnxNode('MatMul', 'mm', ['W', 'x'], ['y'])],
      initializers: [f32('W', [2, 2], [1, 2, 3, 4])],
    })).message).toMatch(/MatMul node 'mm': the constant 'W' is the left operand/);
  });

  it('a MaxPool whose Indices output is used, and a node of another operator domain, are rejected', () => {
    expect(importError(buildOnnx({
      inputs: [['x', [-1, 1, 4, 4]]],
      outputs: [['y', [-1, 1, 2, 2]], ['i', [-1, 1, 2, 2]]],
      nodes: [onnxNode('MaxPool', 'mp', ['x'], ['y', 'i'], [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2])])],
    })).message).toMatch(/MaxPool node 'mp': its output 'i' \(the arg-max Indices\) is used/);
    const custom = { ...onnxNode('FusedGelu', 'fg', ['x'], ['y']), domain: 'com.microsoft' };
    expect(importError(buildOnnx({ ...dense, nodes: [custom] })).message).toMatch(/FusedGelu node 'fg': belongs to the operator domain 'com\.microsoft', which is not supported/);
  });

  it('external data and non-float32 initializers', () => {
    const external: TensorProto = { name: 'W', dims: [2, 2], data_type: 1, data_location: 1, external_data: [{ key: 'location', value: 'weights.bin' }, { key: 'offset', value: '0' }] };
    expect(importError(gemmWithWeight(external), 'ext.onnx').message).toBe(
      "ext.onnx: initializer 'W' stores its data in an external file ('weights.bin'), which is not supported; save the model with the data inside: onnx.save_model(model, path, save_as_external_data=False)",
    );
    const float64: TensorProto = { name: 'W', dims: [2, 2], data_type: 11, double_data: [1, 2, 3, 4] };
    expect(importError(gemmWithWeight(float64, '/fc/Gemm'), 'f64.onnx').message).toBe(
      "f64.onnx: Gemm node '/fc/Gemm': weight B 'W' has data type DOUBLE; only FLOAT (float32) parameters are supported (and INT64 for shape tensors): convert the model to float32 (model.float()) before exporting",
    );
    expect(importError(buildOnnx({
      ...dense,
      nodes: [onnxNode('Reshape', 'r', ['x', 's'], ['y'])],
      initializers: [f32('s', [2], [0, 2])],
    })).message).toMatch(/Reshape node 'r': shape 's' has data type FLOAT; an INT64 tensor is expected here/);
    const short: TensorProto = { name: 'W', dims: [2, 2], data_type: 1, raw_data: new Uint8Array(12) };
    expect(importError(gemmWithWeight(short)).message).toMatch(/Gemm node 'g': weight B 'W': raw_data has 12 bytes, shape \[2, 2\] needs 16 \(corrupt file\?\)/);
  });

  it('opsets outside 11 to 18, a missing opset, non-float inputs and dynamic non-batch dimensions', () => {
    const relu = { ...dense, nodes: [onnxNode('Relu', 'r', ['x'], ['y'])] };
    expect(importError(buildOnnx({ ...relu, opset: 10 }), 'old.onnx').message).toBe(
      'old.onnx: opset 10 is not supported; Relevance imports opsets 11 to 18: re-export with torch.onnx.export(..., opset_version=13)',
    );
    expect(importError(buildOnnx({ ...relu, opset: 19 })).message).toMatch(/opset 19 is not supported/);
    for (const opset of [11, 12, 14, 15, 16, 17, 18]) importOnnx(be, buildOnnx({ ...relu, opset })).dispose();
    const bytes = buildOnnx(relu);
    const noOpset = importError(bytes.subarray(0, bytes.length - 4));
    expect(noOpset.message).toMatch(/^bad\.onnx: the model declares no opset for the default ONNX domain|^bad\.onnx is not a valid ONNX model/);
    const intInput = encodeOnnxModel({
      opset_import: [{ domain: '', version: 13 }],
      graph: {
        node: [onnxNode('Relu', 'r', ['x'], ['y'])],
        input: [{ name: 'x', type: { tensor_type: { elem_type: 7, shape: { dim: [{ dim_value: 2 }] } } } }],
        output: [floatValueInfo('y', [2])],
      },
    });
    expect(importError(intInput).message).toBe("bad.onnx: graph input 'x' has element type INT64; only FLOAT (float32) inputs are supported");
    const dynamic = buildOnnx({ inputs: [['x', [-1, -1]]], outputs: [['y', [-1, -1]]], nodes: [onnxNode('Relu', 'r', ['x'], ['y'])] });
    expect(importError(dynamic).message).toMatch(/graph input 'x' has a dynamic dimension 1 \('batch'\); only the batch dimension \(0\) may be dynamic/);
  });

  it('loadOnnxFile names a missing path', async () => {
    await expect(loadOnnxFile(be, '/nonexistent/dir/model.onnx')).rejects.toThrow("cannot read the ONNX model '/nonexistent/dir/model.onnx': no such file");
  });
});
