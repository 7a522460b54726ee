/**
 * The training loop's contract: reproducibility from the seed, early stopping
 * that restores the best epoch, flat memory across epochs, per-batch mask
 * providers and input transforms (the proteomics study's masked MLP),
 * schedules, validation options and errors.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator, type Backend } from '@relevance/core-wasm';
import { wasmBackendOrNull } from '../helpers/backends.js';
import {
  evaluate, maskedMseLoss, mlp, stepLr, train, type MaskContext, type Model, type TrainOptions,
} from '../../src/index.js';

const be: Backend = await createBackend('reference');

function snapshot(model: Model): Map<string, Float32Array> {
  return new Map([...model.parameters()].map(([k, t]) => [k, (t.readSync() as Float32Array).slice()]));
}

function uniformRows(rows: number, cols: number, seed: number, low = -1, high = 1): Float32Array {
  const g = new Generator(seed);
  return Float32Array.from({ length: rows * cols }, () => low + (high - low) * g.uniform());
}

/** Two noisy nonlinear targets of four features. */
function smallRegression(rows: number, seed: number): { x: Float32Array; y: Float32Array } {
  const x = uniformRows(rows, 4, seed);
  const g = new Generator(seed + 1000);
  const y = new Float32Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const [a, b, c, d] = x.subarray(r * 4, r * 4 + 4);
    y[r * 2] = Math.tanh(a! + b!) + 0.1 * g.normal();
    y[r * 2 + 1] = c! * d! + 0.1 * g.normal();
  }
  return { x, y };
}

describe('reproducibility', () => {
  const data = smallRegression(300, 1);
  const run = async (trainSeed: number): Promise<{ weights: Map<string, Float32Array>; losses: number[] }> => {
    const model = mlp(be, { inputs: 4, hidden: [16, 16], outputs: 2, dropout: 0.2, seed: 11 });
    const h = await train(model, data, {
      seed: trainSeed, epochs: 3, batchSize: 32, validation: 0.25,
      optimizer: { type: 'sgd', momentum: 0.9, nesterov: true }, lr: 0.05, weightDecay: 1e-3,
    });
    const weights = snapshot(model);
    model.dispose();
    return { weights, losses: [...h.trainLoss, ...h.valLoss] };
  };

  it('the same seed gives bit-identical weights and losses; another seed gives other weights', async () => {
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    for (const [name, w] of a.weights) {
      expect(Buffer.from(w.buffer).equals(Buffer.from(b.weights.get(name)!.buffer)), `${name} bit-identical`).toBe(true);
    }
    expect(a.losses).toEqual(b.losses);
    expect(a.weights.get('fc1.weight')).not.toEqual(c.weights.get('fc1.weight'));
  });
});

describe('early stopping', () => {
  // A linear model trained towards y = sum(x) while the validation targets are 0.5 sum(x):
  // the validation loss (w - 0.5)^2-shaped falls, bottoms out as w passes 0.5, then rises.
  const x = uniformRows(200, 4, 2);
  const y = Float32Array.from({ length: 200 }, (_, r) => x[r * 4]! + x[r * 4 + 1]! + x[r * 4 + 2]! + x[r * 4 + 3]!);
  const xVal = uniformRows(100, 4, 3);
  const yVal = Float32Array.from({ length: 100 }, (_, r) => 0.5 * (xVal[r * 4]! + xVal[r * 4 + 1]! + xVal[r * 4 + 2]! + xVal[r * 4 + 3]!));
  const linear = (): Model => {
    const m = mlp(be, { inputs: 4, hidden: [], outputs: 1, seed: 1 });
    be.write(m.parameters().get('fc1.weight')!, Float32Array.from([-1, -1, -1, -1]));
    return m;
  };

  it('stops `patience` epochs after the best one and restores its weights', async () => {
    const model = linear();
    const perEpoch: Array<Map<string, Float32Array>> = [];
    const h = await train(model, { x, y }, {
      seed: 1, epochs: 100, batchSize: 32, optimizer: { type: 'sgd' }, lr: 0.05,
      validation: { x: xVal, y: yVal }, earlyStopping: { patience: 3, minDelta: 1e-6 },
      onEpoch: () => void perEpoch.push(snapshot(model)),
    });
    expect(h.stoppedEarly).toBe(true);
    expect(h.stopReason).toBe('early_stopping');
    expect(h.bestEpoch).toBeGreaterThan(1);
    expect(h.epochs.length).toBe(h.bestEpoch + 3 + 1);
    expect(h.bestLoss).toBe(Math.min(...h.valLoss));
    expect(h.valLoss[h.valLoss.length - 1]).toBeGreaterThan(h.bestLoss);
    expect(h.restoredBest).toBe(true);
    expect(snapshot(model)).toEqual(perEpoch[h.bestEpoch]);
    expect(await evaluate(model, { x: xVal, y: yVal })).toBeCloseTo(h.bestLoss, 6);
    console.log(`early stopping: best epoch ${h.bestEpoch} (validation ${h.bestLoss.toFixed(4)}), stopped after ${h.epochs.length} epochs`);
    model.dispose();
  });

  it('restoreBest: false keeps the last weights', async () => {
    const model = linear();
    let last: Map<string, Float32Array> | null = null;
    const h = await train(model, { x, y }, {
      seed: 1, epochs: 100, batchSize: 32, optimizer: { type: 'sgd' }, lr: 0.05, restoreBest: false,
      validation: { x: xVal, y: yVal }, earlyStopping: { patience: 3 }, onEpoch: () => void (last = snapshot(model)),
    });
    expect(h.stoppedEarly).toBe(true);
    expect(h.restoredBest).toBe(false);
    expect(snapshot(model)).toEqual(last);
    model.dispose();
  });
});

describe('the weights\' moving average (averageDecay)', () => {
  const { x, y } = smallRegression(200, 5);
  const { x: xVal, y: yVal } = smallRegression(80, 6);
  const net = (): Model => mlp(be, { inputs: 4, hidden: [8], outputs: 2, seed: 3 });
  /** avg <- d * avg + (1 - d) * w over the raw weights `onEpoch` saw, in float32 as the device computes it. */
  function average(perEpoch: Array<Map<string, Float32Array>>, d: number, upTo = perEpoch.length - 1): Map<string, Float32Array> {
    const avg = new Map([...perEpoch[0]!].map(([k, v]) => [k, v.slice()]));
    for (let e = 1; e <= upTo; e++) {
      for (const [k, a] of avg) {
        const w = perEpoch[e]!.get(k)!;
        for (let i = 0; i < a.length; i++) a[i] = Math.fround(Math.fround(a[i]! * d) + Math.fround(w[i]! * Math.fround(1 - d)));
      }
    }
    return avg;
  }
  const expectClose = (a: Map<string, Float32Array>, b: Map<string, Float32Array>): void => {
    for (const [k, v] of a) v.forEach((value, i) => expect(value).toBeCloseTo(b.get(k)![i]!, 6));
  };

  it('without validation, the trained model holds the average of every epoch\'s raw weights, and training goes on from the raw ones', async () => {
    const perEpoch: Array<Map<string, Float32Array>> = [];
    const model = net();
    const h = await train(model, { x, y }, { seed: 2, epochs: 6, batchSize: 32, lr: 0.01, averageDecay: 0.7, onEpoch: () => void perEpoch.push(snapshot(model)) });
    expect(h.averageDecay).toBe(0.7);
    expectClose(snapshot(model), average(perEpoch, 0.7));
    // the raw trajectory is that of plain training: the average never feeds back into the steps
    const plain = net();
    const rawEpochs: Array<Map<string, Float32Array>> = [];
    await train(plain, { x, y }, { seed: 2, epochs: 6, batchSize: 32, lr: 0.01, onEpoch: () => void rawEpochs.push(snapshot(plain)) });
    expect(perEpoch).toEqual(rawEpochs);
    expect(snapshot(model)).not.toEqual(rawEpochs[5]);
    model.dispose();
    plain.dispose();
  });

  it('validation and the restored best epoch use the averaged weights', async () => {
    const perEpoch: Array<Map<string, Float32Array>> = [];
    const model = net();
    const h = await train(model, { x, y }, {
      seed: 2, epochs: 40, batchSize: 32, lr: 0.05, averageDecay: 0.8, validation: { x: xVal, y: yVal }, earlyStopping: { patience: 4 },
      onEpoch: () => void perEpoch.push(snapshot(model)),
    });
    expect(h.restoredBest).toBe(true);
    expectClose(snapshot(model), average(perEpoch, 0.8, h.bestEpoch));
    expect(await evaluate(model, { x: xVal, y: yVal })).toBeCloseTo(h.bestLoss, 6);
    model.dispose();
  });

  it('a decay outside [0, 1) is an error naming the option', async () => {
    const model = net();
    await expect(train(model, { x, y }, { seed: 1, epochs: 1, averageDecay: 1 })).rejects.toThrow(/averageDecay must lie in \[0, 1\)/);
    await expect(train(model, { x, y }, { seed: 1, epochs: 1, averageDecay: -0.1 })).rejects.toThrow(/averageDecay/);
    model.dispose();
  });
});

describe('masks and input transforms (the proteomics study\'s masked MLP)', () => {
  // predict hidden entries of a row from the visible ones; the rows have a low-rank structure
  const rows = 240;
  const g = new Generator(4);
  const x = new Float32Array(rows * 6);
  for (let r = 0; r < rows; r++) {
    const a = g.uniform();
    const b = g.uniform();
    x.set([a, b, (a + b) / 2, a * 0.8, b * 0.6 + 0.2, 1 - a], r * 6);
  }
  // loss on the hidden entries m; the input is [x * (1 - m), 1 - m] (values and which are visible)
  const inputTransform: TrainOptions['inputTransform'] = (batch, { be: b, mask }) => b.scope(() => {
    const visible = b.affine(mask!, -1, 1);
    return b.concat([b.mul(batch, visible), visible], 1);
  });
  const maskProvider = (calls: MaskContext[]) => (ctx: MaskContext): Float32Array => {
    calls.push({ ...ctx, rows: ctx.rows.slice() });
    const m = new Float32Array(ctx.rows.length * 6);
    for (let i = 0; i < m.length; i++) m[i] = ctx.generator.uniform() < 0.3 ? 1 : 0;
    return m;
  };

  it('draws fresh training masks per batch, fixed validation masks once, and learns', async () => {
    const calls: MaskContext[] = [];
    const model = mlp(be, { inputs: 12, hidden: [32], outputs: 6, seed: 5 });
    const h = await train(model, { x, y: x, mask: maskProvider(calls) }, {
      seed: 6, epochs: 6, batchSize: 40, lr: 1e-2, validation: 0.25, inputTransform,
    });
    const validationCalls = calls.filter((c) => c.split === 'validation');
    const trainCalls = calls.filter((c) => c.split === 'train');
    expect(validationCalls.length).toBe(1);
    expect(validationCalls[0]!.rows.length).toBe(60);
    expect(trainCalls.length).toBe(6 * Math.ceil(180 / 40));
    expect(new Set(trainCalls.map((c) => c.epoch))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    // every epoch covers the 180 training rows once, none of them a validation row
    const epochRows = trainCalls.filter((c) => c.epoch === 2).flatMap((c) => [...c.rows]).sort((a, b) => a - b);
    expect(new Set(epochRows).size).toBe(180);
    const validationRows = new Set(validationCalls[0]!.rows);
    expect(epochRows.some((r) => validationRows.has(r))).toBe(false);
    expect(h.trainLoss[5]).toBeLessThan(h.trainLoss[0]! / 2);
    expect(h.valLoss.every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it('the reported masked loss is the mean over the masked entries only', async () => {
    const model = mlp(be, { inputs: 12, hidden: [8], outputs: 6, seed: 7 });
    const mask = Float32Array.from({ length: rows * 6 }, (_, i) => ((i * 7) % 5 === 0 ? 1 : 0));
    const loss = await evaluate(model, { x, y: x, mask }, { inputTransform, batchSize: 50 });
    // by hand: predict, then average the squared error where the mask is 1
    const xt = be.tensor(x, [rows, 6]);
    const mt = be.tensor(mask, [rows, 6]);
    const input = inputTransform!(xt, { be, mask: mt, rows: new Int32Array(0), epoch: 0, split: 'validation' });
    const p = model.predict(input).readSync() as Float32Array;
    let total = 0;
    let count = 0;
    for (let i = 0; i < p.length; i++) {
      if (mask[i]) {
        total += (p[i]! - x[i]!) ** 2;
        count++;
      }
    }
    expect(loss).toBeCloseTo(total / count, 5);
    for (const t of [xt, mt, input]) t.dispose();
    model.dispose();
  });

  it('memory stays flat across epochs and returns to its level after training', async () => {
    const model = mlp(be, { inputs: 12, hidden: [16], outputs: 6, dropout: 0.1, seed: 8 });
    const before = be.memory();
    const perEpoch: Array<{ tensors: number; bytes: number }> = [];
    await train(model, { x, y: x, mask: maskProvider([]) }, {
      seed: 9, epochs: 5, batchSize: 32, validation: 0.2, inputTransform, earlyStopping: { patience: 10 },
      optimizer: { type: 'adamw' }, onEpoch: () => void perEpoch.push({ tensors: be.memory().tensors, bytes: be.memory().bytes }),
    });
    // live between epochs: the data, the validation copy, the optimiser state, the best-weights snapshot
    expect(new Set(perEpoch.map((m) => m.tensors)).size).toBe(1);
    expect(new Set(perEpoch.map((m) => m.bytes)).size).toBe(1);
    expect(be.memory()).toEqual(before);
    model.dispose();
  });
});

describe('options', () => {
  const data = smallRegression(128, 7);

  it('a per-epoch schedule sets the learning rate each epoch; per-step schedules advance every batch', async () => {
    const model = mlp(be, { inputs: 4, hidden: [8], outputs: 2, seed: 1 });
    const h = await train(model, data, { seed: 1, epochs: 5, batchSize: 32, lr: stepLr(0.01, { stepSize: 2, gamma: 0.5 }) });
    expect(h.epochs.map((e) => e.lr)).toEqual([0.01, 0.01, 0.005, 0.005, 0.0025]);
    expect(h.monitored).toBe('train');
    expect(h.restoredBest).toBe(false);
    const steps = await train(model, data, { seed: 1, epochs: 3, batchSize: 32, lr: (step) => 0.01 / (1 + step), scheduleUnit: 'step' });
    // 4 batches per epoch: epochs start at steps 0, 4, 8
    expect(steps.epochs.map((e) => e.lr)).toEqual([0.01, 0.01 / 5, 0.01 / 9]);
    model.dispose();
  });

  it('classification targets default to cross-entropy; tensors work as data', async () => {
    const model = mlp(be, { inputs: 4, hidden: [8], outputs: 3, seed: 2 });
    const labels = Int32Array.from({ length: 128 }, (_, r) => (data.x[r * 4]! > 0.3 ? 2 : data.x[r * 4]! > -0.3 ? 1 : 0));
    const xt = be.tensor(data.x, [128, 4]);
    const yt = be.tensor(labels);
    const h = await train(model, { x: xt, y: yt }, { seed: 2, epochs: 8, batchSize: 16, lr: 1e-2 });
    expect(h.trainLoss[7]).toBeLessThan(h.trainLoss[0]!);
    // the caller's tensors are not freed
    expect(xt.isDisposed || yt.isDisposed).toBe(false);
    for (const t of [xt, yt]) t.dispose();
    model.dispose();
  });

  it('explains misuse', async () => {
    const model = mlp(be, { inputs: 4, hidden: [], outputs: 2, seed: 3 });
    const before = be.memory().tensors;
    await expect(train(model, data, { epochs: 1 })).rejects.toThrow(/seed or a generator/);
    await expect(train(model, { ...data, mask: new Float32Array(256) }, { seed: 1, epochs: 1, loss: 'mse' })).rejects.toThrow(/masked_mse/);
    await expect(train(model, data, { seed: 1, epochs: 1, loss: maskedMseLoss() })).rejects.toThrow(/needs a mask/);
    await expect(train(model, data, { seed: 1, epochs: 1, validation: 1.5 })).rejects.toThrow(/validation fraction/);
    await expect(train(model, { x: data.x.subarray(0, 100), y: data.y }, { seed: 1, epochs: 1 })).rejects.toThrow(/not a whole number/);
    await expect(train(model, { ...data, mask: () => new Float32Array(3) }, { seed: 1, epochs: 1 })).rejects.toThrow(/mask provider returned 3 values/);
    expect(be.memory().tensors).toBe(before);
    model.dispose();
  });
});

describe('training on the wasm backend', async () => {
  const wasm = await wasmBackendOrNull();
  // timing is reported, not asserted (speed belongs to the benchmarks)
  it.skipIf(!wasm)('a 64 -> 256 -> 256 -> 64 MLP trains on 4000 rows on the wasm backend', async () => {
    const b = wasm!;
    const x = uniformRows(4000, 64, 1);
    const y = uniformRows(4000, 64, 2);
    const model = mlp(b, { inputs: 64, hidden: [256, 256], outputs: 64, seed: 1 });
    const h = await train(model, { x, y }, { seed: 1, epochs: 2, batchSize: 64 });
    const perEpoch = h.seconds / h.epochs.length;
    console.log(`wasm (${b.threads} threads): ${perEpoch.toFixed(2)} s per epoch for 64-256-256-64 on 4000 rows`);
    expect(h.epochs.every((e) => Number.isFinite(e.trainLoss))).toBe(true);
    expect(h.epochs[1]!.trainLoss).toBeLessThan(h.epochs[0]!.trainLoss);
    model.dispose();
    b.destroy();
  });
});
