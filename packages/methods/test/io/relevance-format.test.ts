/** The .relevance model file: round trips, layout, atomic file writes, and every error path. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, Generator, type Tensor } from '@relevance/core-wasm';
import {
  importOnnx, loadModel, loadModelFile, Model, RELEVANCE_FORMAT_VERSION, saveModel, saveModelFile, sequential,
} from '../../src/index.js';
import { FIXTURES, fixtureInputTensor, fixtureModel, fixturesAvailable } from '../helpers/fixtures.js';

const be = await createBackend('reference');
const gen = new Generator(7);
const tmp = mkdtempSync(join(tmpdir(), 'relevance-format-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const randn = (shape: number[], std = 0.5): Tensor => be.randomNormal(shape, gen, 0, std);

function outputsOf(model: Model, x: Tensor): number[] {
  const y = model.predict(x);
  const v = Array.from(y.readSync());
  y.dispose();
  return v;
}

function smallCnn(): Model {
  return sequential(be, [-1, 1, 6, 6], [
    { type: 'Conv2d', name: 'conv', attrs: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 }, params: { weight: randn([3, 1, 3, 3]), bias: randn([3]) } },
    { type: 'BatchNorm', name: 'bn', attrs: { epsilon: 1e-5 }, params: { scale: randn([3]), bias: randn([3]), mean: randn([3]), var: be.full([3], 0.8) } },
    { type: 'ReLU', name: 'relu' },
    { type: 'MaxPool2d', name: 'pool', attrs: { kernel: [2, 2], stride: [2, 2] } },
    { type: 'Flatten', name: 'flatten' },
    { type: 'Dense', name: 'fc', params: { weight: randn([4, 27]), bias: randn([4]) } },
  ]);
}

function loadError(bytes: Uint8Array, source = 'bad.relevance'): Error {
  const before = be.memory().tensors;
  let error: unknown;
  try {
    loadModel(be, bytes, { source }).model.dispose();
  } catch (e) {
    error = e;
  }
  expect(error, 'loading should have failed').toBeInstanceOf(Error);
  expect((error as Error).message.startsWith(source)).toBe(true);
  expect(be.memory().tensors).toBe(before);
  return error as Error;
}

/** Rewrite the JSON header of a saved file, moving the weights to stay 4-byte aligned (for version and corruption tests). */
function withHeader(bytes: Uint8Array, edit: (header: Record<string, unknown>) => unknown): Uint8Array {
  const align4 = (n: number): number => Math.ceil(n / 4) * 4;
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(10, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(14, 14 + length))) as Record<string, unknown>;
  const weights = bytes.subarray(align4(14 + length));
  const text = new TextEncoder().encode(JSON.stringify(edit(header)));
  const start = align4(14 + text.length);
  const out = new Uint8Array(start + weights.length);
  out.set(bytes.subarray(0, 10));
  new DataView(out.buffer).setUint32(10, text.length, true);
  out.set(text, 14);
  out.set(weights, start);
  return out;
}

describe('.relevance format', () => {
  it('round trip: identical outputs, graph, names, attributes and metadata', async () => {
    const model = smallCnn();
    const metadata = { training: { optimizer: 'adam', lr: 1e-3, epochs: 12, seed: 7 }, dataset: 'synthetic', accuracy: 0.91 };
    const bytes = await saveModel(model, metadata);
    const { model: back, metadata: meta } = loadModel(be, bytes, { source: 'cnn.relevance' });
    expect(meta).toEqual(metadata);
    const x = randn([2, 1, 6, 6], 1);
    expect(outputsOf(back, x)).toEqual(outputsOf(model, x));
    expect(back.nodes.map((n) => [n.name, n.type, n.attrs, n.paramNames, n.inputs, n.outputs])).toEqual(
      model.nodes.map((n) => [n.name, n.type, n.attrs, n.paramNames, n.inputs, n.outputs]),
    );
    expect(back.inputs).toEqual(model.inputs);
    expect(back.outputs).toEqual(model.outputs);
    for (const [name, t] of model.parameters()) expect(Array.from(back.parameters().get(name)!.readSync())).toEqual(Array.from(t.readSync()));
    // without metadata, an empty object comes back
    const plain = loadModel(be, await saveModel(model));
    expect(plain.metadata).toEqual({});
    plain.model.dispose();
    back.dispose();
    model.dispose();
    x.dispose();
  });

  it('layout: magic, u32 header length, JSON header, 4-byte aligned little-endian float32 weights', async () => {
    const model = sequential(be, [-1, 3], [{ type: 'Dense', name: 'fc', params: { weight: be.tensor([1, 2, 3, 4, 5, 6], [2, 3]), bias: be.tensor([0.5, -0.25]) } }]);
    const bytes = await saveModel(model);
    expect(new TextDecoder().decode(bytes.subarray(0, 10))).toBe('RELEVANCE\0');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = view.getUint32(10, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(14, 14 + headerLength)));
    expect(header.format).toBe('relevance');
    expect(header.version).toBe(RELEVANCE_FORMAT_VERSION);
    expect(header.graph.nodes[0].params).toEqual({
      weight: { name: 'fc.weight', shape: [2, 3], offset: 0, length: 6 },
      bias: { name: 'fc.bias', shape: [2], offset: 24, length: 2 },
    });
    expect(header.weights).toEqual({ dtype: 'float32', byteOrder: 'little', bytes: 32 });
    const dataStart = Math.ceil((14 + headerLength) / 4) * 4;
    expect(bytes.length).toBe(dataStart + 32);
    expect(view.getFloat32(dataStart + 4 * 5, true)).toBe(6);
    expect(view.getFloat32(dataStart + 24 + 4, true)).toBe(-0.25);
    model.dispose();
  });

  it.skipIf(!fixturesAvailable)('the ONNX-imported and weights.json fixture models round trip (ONNX node names and aliases kept)', async () => {
    const onnx = importOnnx(be, readFileSync(`${FIXTURES}cnn/model.onnx`), { source: 'cnn/model.onnx' });
    const json = fixtureModel(be, 'cnn');
    const x = fixtureInputTensor(be, 'cnn');
    for (const model of [onnx, json]) {
      const { model: back } = loadModel(be, await saveModel(model));
      expect(outputsOf(back, x)).toEqual(outputsOf(model, x));
      expect(back.nodes.map((n) => n.name)).toEqual(model.nodes.map((n) => n.name));
      expect(back.node('conv2').paramNames.weight).toBe('conv2.weight');
      back.dispose();
    }
    onnx.dispose();
    json.dispose();
    x.dispose();
  });

  it('saveModelFile writes atomically (no temporary file left) and overwrites; loadModelFile reads it', async () => {
    const model = smallCnn();
    const path = join(tmp, 'model.relevance');
    await saveModelFile(model, path, { note: 'first' });
    await saveModelFile(model, path, { note: 'second' });
    expect(readdirSync(tmp).filter((f) => f.startsWith('model.relevance'))).toEqual(['model.relevance']);
    const { model: back, metadata } = await loadModelFile(be, path);
    expect(metadata).toEqual({ note: 'second' });
    const x = randn([1, 1, 6, 6], 1);
    expect(outputsOf(back, x)).toEqual(outputsOf(model, x));
    // a failing write (missing directory) leaves nothing behind and names the path
    const missing = join(tmp, 'no-such-dir', 'model.relevance');
    await expect(saveModelFile(model, missing)).rejects.toThrow(`cannot write '${missing}'`);
    expect(existsSync(join(tmp, 'no-such-dir'))).toBe(false);
    await expect(loadModelFile(be, join(tmp, 'absent.relevance'))).rejects.toThrow(`cannot read the model '${join(tmp, 'absent.relevance')}': no such file`);
    back.dispose();
    model.dispose();
    x.dispose();
  });

  it('wrong magic, too short, truncated header, truncated weights: clear errors naming the file', async () => {
    const model = smallCnn();
    const bytes = await saveModel(model);
    model.dispose();
    expect(loadError(new TextEncoder().encode('PK\x03\x04 this is a zip file'), 'weights.relevance').message).toBe(
      'weights.relevance is not a .relevance model file (wrong magic bytes; expected "RELEVANCE\\0"; for ONNX files use importOnnx / loadOnnxFile)',
    );
    expect(loadError(bytes.subarray(0, 8), 'short.relevance').message).toBe('short.relevance is not a .relevance model file: it has only 8 bytes (truncated?)');
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(10, true);
    expect(loadError(bytes.subarray(0, 14 + Math.floor(headerLength / 2)), 'cut.relevance').message).toBe(
      `cut.relevance is truncated: its header needs ${14 + headerLength} bytes, the file has ${14 + Math.floor(headerLength / 2)}`,
    );
    expect(loadError(bytes.subarray(0, bytes.length - 5), 'cut.relevance').message).toBe(`cut.relevance is truncated: it should have ${bytes.length} bytes, it has ${bytes.length - 5}`);
    // a file cut at any point fails cleanly
    for (let n = 0; n < bytes.length; n += 97) loadError(bytes.subarray(0, n));
  });

  it('unknown versions, corrupt headers and corrupt parameter tables are rejected', async () => {
    const model = smallCnn();
    const bytes = await saveModel(model);
    model.dispose();
    expect(loadError(withHeader(bytes, (h) => ({ ...h, version: 2 })), 'new.relevance').message).toBe(
      'new.relevance: .relevance format version 2 is not supported; this build reads version 1 (the file was written by a newer Relevance: upgrade)',
    );
    expect(loadError(withHeader(bytes, (h) => ({ ...h, version: 'one' }))).message).toMatch(/format version "one" is not supported/);
    const broken = Uint8Array.from(bytes);
    broken[14] = 0x5b; // '[' instead of '{'
    expect(loadError(broken).message).toMatch(/^bad\.relevance: the header is not valid JSON \(corrupt file\)/);
    expect(loadError(withHeader(bytes, (h) => ({ ...h, format: 'other' }))).message).toBe('bad.relevance: the header does not describe a relevance model (corrupt file)');
    expect(loadError(withHeader(bytes, (h) => ({ ...h, graph: { ...(h.graph as object), nodes: undefined } }))).message).toMatch(/the header is incomplete/);
    const badParam = withHeader(bytes, (h) => {
      const g = structuredClone(h.graph) as { nodes: Array<{ params: Record<string, { length: number }> }> };
      g.nodes[0]!.params.weight!.length = 5;
      return { ...h, graph: g };
    });
    expect(loadError(badParam).message).toBe("bad.relevance: parameter 'conv.weight' of node 'conv' has an invalid shape or location (corrupt file)");
    const badGraph = withHeader(bytes, (h) => {
      const g = structuredClone(h.graph) as { nodes: Array<{ type: string }> };
      g.nodes[2]!.type = 'Swish';
      return { ...h, graph: g };
    });
    expect(loadError(badGraph).message).toMatch(/^bad\.relevance: node 'relu' has op type 'Swish', which is not supported/);
  });

  it('saveModel refuses what JSON cannot hold exactly', async () => {
    const model = sequential(be, [-1, 2], [{ type: 'LeakyReLU', name: 'act', attrs: { alpha: Number.NaN } }]);
    await expect(saveModel(model)).rejects.toThrow("saveModel: node 'act' attribute 'alpha' = NaN cannot be stored (not a finite number)");
    const ok = sequential(be, [-1, 2], [{ type: 'ReLU', name: 'act' }]);
    await expect(saveModel(ok, { step: 10n } as unknown as Record<string, unknown>)).rejects.toThrow(/saveModel: the metadata cannot be stored as JSON/);
    model.dispose();
    ok.dispose();
  });

  it('writes files other processes can read while a save is under way (temp name, then rename)', async () => {
    const model = smallCnn();
    const path = join(tmp, 'busy.relevance');
    writeFileSync(path, await saveModel(model, { v: 1 }));
    const pending = saveModelFile(model, path, { v: 2 });
    // until the rename, the old complete file is what readers see
    expect(loadModel(be, readFileSync(path)).metadata).toEqual({ v: 1 });
    await pending;
    const { model: back, metadata } = loadModel(be, readFileSync(path));
    expect(metadata).toEqual({ v: 2 });
    back.dispose();
    model.dispose();
  });
});
