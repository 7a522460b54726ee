/**
 * CAM methods without reference fixtures (Grad-CAM++, Ablation-CAM,
 * Score-CAM), checked on a constructed CNN where only one channel matters:
 * each method's map is that channel's activation scaled by the weight its
 * paper's formula gives (computed here in float64), so that channel
 * dominates. Also: batching, re-running the model from a layer with a skip
 * connection, and the error messages.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator, type Tensor } from '@relevance/core-wasm';
import {
  ablationCam, AttributionError, CAM_METHODS, forwardFromLayer, gradCam, gradCamPlusPlus, Model, scoreCam, sequential, type Attribution,
} from '../../../src/index.js';
import { fixtureInputTensor, fixtureModel, fixturesAvailable } from '../../helpers/fixtures.js';

const be = await createBackend('reference');

const SIZE = 8;
const AREA = SIZE * SIZE;
const CHANNELS = 3;
const RELEVANT = 2;
const ALPHA = 40;
const BETA = 4;
const ROWS = 4;

/**
 * conv (identity 1x1, 3 channels) -> relu -> flatten -> fc with 2 classes:
 * logit0 = ALPHA * mean(relu(x_2)) - BETA, logit1 = 0. Only channel 2 matters.
 */
function oneChannelCnn(): Model {
  const identity = new Float32Array(CHANNELS * CHANNELS);
  for (let c = 0; c < CHANNELS; c++) identity[c * CHANNELS + c] = 1;
  const fc = new Float32Array(2 * CHANNELS * AREA);
  for (let i = 0; i < AREA; i++) fc[RELEVANT * AREA + i] = ALPHA / AREA;
  return sequential(be, [-1, CHANNELS, SIZE, SIZE], [
    { type: 'Conv2d', name: 'conv', params: { weight: be.tensor(identity, [CHANNELS, CHANNELS, 1, 1]) } },
    { type: 'ReLU', name: 'relu' },
    { type: 'Flatten', name: 'flatten' },
    { type: 'Dense', name: 'fc', params: { weight: be.tensor(fc, [2, CHANNELS * AREA]), bias: be.tensor([-BETA, 0]) } },
  ]);
}

/** Channel c is non-zero only in quadrant c (so the channels' maps do not overlap). */
function quadrantInputs(seed: number): Float32Array {
  const g = new Generator(seed);
  const x = new Float32Array(ROWS * CHANNELS * AREA);
  for (let n = 0; n < ROWS; n++) {
    for (let c = 0; c < CHANNELS; c++) {
      for (let h = 0; h < SIZE; h++) {
        for (let w = 0; w < SIZE; w++) {
          const quadrant = (h < SIZE / 2 ? 0 : 2) + (w < SIZE / 2 ? 0 : 1);
          // mostly positive inside the channel's quadrant, a few negatives (rectified away)
          x[((n * CHANNELS + c) * SIZE + h) * SIZE + w] = quadrant === c ? 0.5 + g.uniform() - (g.uniform() < 0.1 ? 1.2 : 0) : 0;
        }
      }
    }
  }
  return x;
}

const relu = (v: number): number => (v > 0 ? v : 0);

/** A_c of row n (the relu of input channel c, as the identity conv makes it). */
function activation(x: Float32Array, n: number, c: number): Float64Array {
  return Float64Array.from({ length: AREA }, (_, i) => relu(x[(n * CHANNELS + c) * AREA + i]!));
}

function expectMap(a: Attribution, expected: (n: number) => Float64Array): void {
  expect(a.shape).toEqual([ROWS, 1, SIZE, SIZE]);
  let maxRef = 0;
  let maxErr = 0;
  for (let n = 0; n < ROWS; n++) {
    const e = expected(n);
    for (let i = 0; i < AREA; i++) {
      maxRef = Math.max(maxRef, Math.abs(e[i]!));
      maxErr = Math.max(maxErr, Math.abs(a.values[n * AREA + i]! - e[i]!));
    }
  }
  expect(maxRef).toBeGreaterThan(0);
  expect(maxErr / maxRef).toBeLessThan(1e-5);
}

/** Share of the map's squared mass inside the relevant channel's quadrant. */
function relevantShare(a: Attribution): number {
  let inside = 0;
  let total = 0;
  for (let n = 0; n < ROWS; n++) {
    for (let h = 0; h < SIZE; h++) {
      for (let w = 0; w < SIZE; w++) {
        const v = a.values[n * AREA + h * SIZE + w]! ** 2;
        total += v;
        if ((h < SIZE / 2 ? 0 : 2) + (w < SIZE / 2 ? 0 : 1) === RELEVANT) inside += v;
      }
    }
  }
  return inside / total;
}

describe('CAM methods on a CNN where only one channel matters', () => {
  const model = oneChannelCnn();
  const xs = quadrantInputs(5);
  const x = be.tensor(xs, [ROWS, CHANNELS, SIZE, SIZE]);
  const target = 0;
  const meanRelevant = (n: number): number => activation(xs, n, RELEVANT).reduce((p, v) => p + v, 0) / AREA;

  it('Grad-CAM: w = ALPHA / AREA on the relevant channel, 0 elsewhere', async () => {
    const a = await gradCam(model, x, { layer: 'relu', target });
    expectMap(a, (n) => activation(xs, n, RELEVANT).map((v) => (ALPHA / AREA) * v));
  });

  it('Grad-CAM++: w = sum_ij g^2 / (2 g^2 + S g^3) * g with constant g = ALPHA / AREA', async () => {
    const a = await gradCamPlusPlus(model, x, { layer: 'relu', target });
    const g = ALPHA / AREA;
    expectMap(a, (n) => {
      const s = activation(xs, n, RELEVANT).reduce((p, v) => p + v, 0);
      const w = AREA * (g * g / (2 * g * g + s * g * g * g)) * g;
      return activation(xs, n, RELEVANT).map((v) => w * v);
    });
    expect(relevantShare(a)).toBe(1);
    expect(a.params).toMatchObject({ relu: true, layer: 'relu' });
  });

  it('Ablation-CAM: w = (y - y_c) / y, y_c = -BETA for the relevant channel, 0 elsewhere', async () => {
    const a = await ablationCam(model, x, { layer: 'relu', target });
    expectMap(a, (n) => {
      const y = ALPHA * meanRelevant(n) - BETA;
      const w = (y + BETA) / y;
      return activation(xs, n, RELEVANT).map((v) => relu(w * v));
    });
    expect(relevantShare(a)).toBe(1);
    const batched = await ablationCam(model, x, { layer: 'relu', target, batchSize: 1 });
    expect(Array.from(batched.values)).toEqual(Array.from(a.values));
  });

  it('Score-CAM: w_c = softmax(f(x ⊙ H_c))[t], the relevant channel dominates', async () => {
    const a = await scoreCam(model, x, { layer: 'relu', target });
    expectMap(a, (n) => {
      const map = new Float64Array(AREA);
      for (let c = 0; c < CHANNELS; c++) {
        const ac = activation(xs, n, c);
        const lo = Math.min(...ac);
        const hi = Math.max(...ac);
        if (hi === lo) continue;
        // masked input channel RELEVANT: x_2 * H_c; logit0 = ALPHA mean(relu(.)) - BETA, logit1 = 0
        let m = 0;
        for (let i = 0; i < AREA; i++) m += relu(Math.fround(xs[(n * CHANNELS + RELEVANT) * AREA + i]! * Math.fround((ac[i]! - lo) / (hi - lo))));
        const z = (ALPHA * m) / AREA - BETA;
        const p = 1 / (1 + Math.exp(-z));
        for (let i = 0; i < AREA; i++) map[i] += p * ac[i]!;
      }
      return map.map(relu);
    });
    expect(relevantShare(a)).toBeGreaterThan(0.99);
    const batched = await scoreCam(model, x, { layer: 'relu', target, batchSize: 2 });
    expect(Array.from(batched.values)).toEqual(Array.from(a.values));
  });

  it('no CAM method leaks tensors', async () => {
    const before = be.memory();
    for (const method of Object.values(CAM_METHODS)) {
      await method(model, x, { layer: 'relu', target, batchSize: 2 });
      await method(model, x, { layer: 'conv', upsample: 'bilinear' });
      expect(be.memory()).toEqual(before);
    }
  });

  it('every CAM method is registered under its CLI name and is deterministic', async () => {
    expect(Object.keys(CAM_METHODS).sort()).toEqual(['ablation-cam', 'grad-cam', 'grad-cam-plus-plus', 'score-cam']);
    for (const [name, method] of Object.entries(CAM_METHODS)) {
      const a = await method(model, x, { layer: 'relu', target });
      const b = await method(model, x, { layer: 'relu', target });
      expect(a.method).toBe(name);
      expect(a.layer).toBe('relu');
      expect(Array.from(b.values)).toEqual(Array.from(a.values));
    }
  });
});

describe('re-running the model from a layer', () => {
  it('reproduces predict() on a graph with a skip connection, and ablation-cam runs on it', async () => {
    const g = new Generator(3);
    const t = (shape: number[], scale: number): Tensor => be.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => g.normal() * scale), shape);
    const model = new Model(be, {
      inputs: [{ name: 'x', shape: [-1, 2, 6, 6] }],
      outputs: ['y'],
      nodes: [
        { name: 'conv1', type: 'Conv2d', inputs: ['x'], outputs: ['c1'], attrs: { padding: [1, 1, 1, 1] }, params: { weight: t([4, 2, 3, 3], 0.5), bias: t([4], 0.1) } },
        { name: 'relu1', type: 'ReLU', inputs: ['c1'], outputs: ['r1'] },
        { name: 'conv2', type: 'Conv2d', inputs: ['r1'], outputs: ['c2'], attrs: { padding: [1, 1, 1, 1] }, params: { weight: t([4, 4, 3, 3], 0.3), bias: t([4], 0.1) } },
        { name: 'add', type: 'Add', inputs: ['c2', 'r1'], outputs: ['s'] },
        { name: 'relu2', type: 'ReLU', inputs: ['s'], outputs: ['r2'] },
        { name: 'flat', type: 'Flatten', inputs: ['r2'], outputs: ['f'] },
        { name: 'fc', type: 'Dense', inputs: ['f'], outputs: ['y'], params: { weight: t([3, 144], 0.1), bias: t([3], 0.1) } },
      ],
    });
    const x = t([5, 2, 6, 6], 1);
    const pass = model.forward(x, { keep: 'all', tape: false });
    const layer = model.node('conv2');
    const y = forwardFromLayer(model, layer, pass.value('c2'), (v) => be.reshape(pass.value(v), pass.value(v).shape));
    expect(Array.from(y.readSync())).toEqual(Array.from(pass.output.readSync()));
    y.dispose();
    pass.dispose();
    const a = await ablationCam(model, x, { layer: 'conv2', batchSize: 3 });
    const b = await ablationCam(model, x, { layer: 'conv2', batchSize: 100 });
    expect(a.shape).toEqual([5, 1, 6, 6]);
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    x.dispose();
    model.dispose();
  });
});

describe.skipIf(!fixturesAvailable)('CAM methods on the fixture CNN', () => {
  it('upsample to the input size for every method', async () => {
    const model = fixtureModel(be, 'cnn');
    const x = fixtureInputTensor(be, 'cnn');
    for (const method of Object.values(CAM_METHODS)) {
      const small = await method(model, x, { layer: 'relu2' });
      expect(small.shape).toEqual([8, 1, 8, 8]);
      const up = await method(model, x, { layer: 'relu2', upsample: 'nearest' });
      expect(up.shape).toEqual([8, 1, 16, 16]);
      // nearest upsampling by 2 repeats each value in a 2x2 block
      expect(up.values[0]).toBe(small.values[0]);
      expect(up.values[17]).toBe(small.values[0]);
    }
    x.dispose();
    model.dispose();
  });

  it('errors: missing or unknown layer, a non-4-D layer, unknown options', async () => {
    const model = fixtureModel(be, 'cnn');
    const x = fixtureInputTensor(be, 'cnn');
    await expect(gradCam(model, x, {})).rejects.toThrow(/'layer' option is required; 4-D layers of this model: conv1, relu1, pool1, conv2, relu2, pool2/);
    await expect(gradCam(model, x, { layer: 'conv3' })).rejects.toThrow(/no layer named 'conv3'; layers: conv1, relu1/);
    await expect(scoreCam(model, x, { layer: 'fc' })).rejects.toThrow(/layer 'fc' \(Dense\) has output shape \[batch, 10\]; CAM methods need a 4-D \[N, C, H, W\] layer/);
    await expect(ablationCam(model, x, { layer: 'flatten' })).rejects.toThrow(AttributionError);
    await expect(gradCamPlusPlus(model, x, { layer: 'conv2', upsample: 'cubic' as 'nearest' })).rejects.toThrow(/unknown upsample 'cubic'/);
    await expect(gradCam(model, x, { layer: 'conv2', steps: 3 } as never)).rejects.toThrow(/option 'steps' does not apply/);
    await expect(gradCam(model, x, { layer: 'conv2', target: 10 })).rejects.toThrow(/target 10 \(row 0\) is out of range/);
    x.dispose();
    model.dispose();
  });
});
