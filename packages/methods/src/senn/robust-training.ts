/**
 * Training a SENN with a robustness penalty (Alvarez-Melis & Jaakkola 2018
 * regularise θ so that f is locally linear in its concepts). The paper's
 * penalty ||∇ₓf(x) − θ(x)ᵀJₕ(x)|| needs second derivatives, which the engine
 * does not have; this loop uses a stochastic finite-difference penalty on
 * the same object instead:
 *   R(x) = ||θ(x + εv) − θ(x)||² / ε²,  v ~ N(0, I) per row,
 * whose expectation is ||J_θ(x)||_F² (for small ε): θ is pushed towards being
 * locally constant, which is what the Lipschitz estimate of the explanation
 * measures. Loss = cross-entropy (optionally class-weighted) + λ · mean R.
 *
 * Minibatches from a seeded shuffle, Adam, early stopping on the validation
 * cross-entropy with the best weights restored. Gradients of R reach the
 * parameters through the θ part of the model (modelUpTo shares them).
 */
import { Generator, type Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { ModelError } from '../model/op.js';
import { crossEntropyLoss } from '../training/losses.js';
import { createOptimizer } from '../training/optimizers.js';
import type { TrainHistory } from '../training/train.js';
import { modelUpTo } from '../understanding/truncate-model.js';
import { readFloat } from '../attribution/common.js';

export interface SennTrainingOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay?: number;
  /** λ of the robustness penalty (default 0.01; 0 trains on cross-entropy alone). */
  robustness?: number;
  /** Finite-difference step ε (default 0.01, in input units). */
  epsilon?: number;
  classWeights?: Float32Array;
  patience?: number;
  generator: Generator;
  onEpoch?: (epoch: number, trainLoss: number, valLoss: number | null, penalty: number) => void;
}

export interface SennData {
  x: Float32Array;
  y: Int32Array;
}

function thetaNodeName(model: Model): string {
  const agg = model.nodes.find((n) => n.type === 'SennAggregate');
  if (!agg) throw new ModelError('trainSenn: the model has no SennAggregate node (build it with senn())');
  const producer = model.nodes.find((n) => n.outputs.includes(agg.inputs[0]!));
  if (!producer) throw new ModelError('trainSenn: the SennAggregate input θ is not produced by a node');
  return producer.name;
}

/** sum[name] += scale · grads[name]; every tensor in `sum` is created here (the scope around the step frees them). */
function addInto(be: Model['be'], sum: Map<string, Tensor>, grads: ReadonlyMap<string, Tensor>, scale = 1): void {
  for (const [name, g] of grads) {
    const scaled = scale === 1 ? be.clone(g) : be.scale(g, scale);
    const prev = sum.get(name);
    if (prev) {
      sum.set(name, be.add(prev, scaled));
      prev.dispose();
      scaled.dispose();
    } else sum.set(name, scaled);
  }
}

/** The rows `idx` of `data` as a contiguous batch. */
function gatherBatch(data: SennData, idx: Int32Array, d: number): { xb: Float32Array; yb: Int32Array } {
  const xb = new Float32Array(idx.length * d);
  const yb = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    xb.set(data.x.subarray(r * d, (r + 1) * d), i * d);
    yb[i] = data.y[r]!;
  });
  return { xb, yb };
}

/** What one SENN training step needs besides the batch. */
interface SennStep {
  model: Model;
  thetaModel: Model;
  thetaName: string;
  loss: ReturnType<typeof crossEntropyLoss>;
  optimizer: ReturnType<typeof createOptimizer>;
  lambda: number;
  eps: number;
  d: number;
}

/**
 * R = mean_rows ||θ(xp) − θ(x)||² / ε² (computed also with λ = 0, to report it);
 * with λ > 0 its parameter gradients, times λ, are added to `grads`.
 */
async function robustnessPenalty(c: SennStep, x: Tensor, xp: Float32Array, b: number, grads: Map<string, Tensor>): Promise<number> {
  const { model, thetaModel, lambda, eps } = c;
  const be = model.be;
  const pass0 = thetaModel.forward(x);
  const pass1 = thetaModel.forward(be.tensor(xp, [b, c.d]));
  const t0v = await readFloat(pass0.output);
  const t1v = await readFloat(pass1.output);
  // R = mean_rows ||θ1 − θ0||² / ε²;  dR/dθ1 = 2 (θ1 − θ0) / (ε² b) = −dR/dθ0
  const diff = Float32Array.from(t1v, (v, i) => v - t0v[i]!);
  let penaltyValue = 0;
  for (const v of diff) penaltyValue += (v * v) / (eps * eps * b);
  const seed1 = be.tensor(Float32Array.from(diff, (v) => (2 * v) / (eps * eps * b)), pass1.output.shape);
  const seed0 = be.tensor(Float32Array.from(diff, (v) => (-2 * v) / (eps * eps * b)), pass0.output.shape);
  if (lambda > 0) {
    addInto(be, grads, thetaModel.backward(pass1, seed1, { params: true, input: false }).params, lambda);
    addInto(be, grads, thetaModel.backward(pass0, seed0, { params: true, input: false }).params, lambda);
  }
  return penaltyValue;
}

/** One optimiser step on a batch: cross-entropy plus λ · R; returns the batch's loss and penalty. */
function sennStep(c: SennStep, xb: Float32Array, yb: Int32Array, xp: Float32Array): Promise<{ value: number; penalty: number }> {
  const { model, loss } = c;
  const be = model.be;
  const b = yb.length;
  return be.asyncScope(async () => {
    const x = be.tensor(xb, [b, c.d]);
    const pass = model.forward(x, { keep: [c.thetaName], training: true });
    const l = loss.compute(be, pass.output, be.tensor(yb, [b]));
    const grads = new Map<string, Tensor>();
    const g = model.backward(pass, l.grad!, { params: true, input: false });
    addInto(be, grads, g.params);
    const penalty = await robustnessPenalty(c, x, xp, b, grads);
    c.optimizer.step(grads);
    return { value: (await readFloat(l.value))[0]!, penalty };
  });
}

/** The cross-entropy on the validation data, without a tape. */
function validationLoss(model: Model, loss: SennStep['loss'], validation: SennData, d: number): Promise<number> {
  const be = model.be;
  return be.asyncScope(async () => {
    const m = validation.y.length;
    const out = model.predict(be.tensor(validation.x, [m, d]));
    return (await readFloat(loss.compute(be, out, be.tensor(validation.y, [m]), { grad: false }).value))[0]!;
  });
}

/** One epoch over a seeded shuffle of the rows; returns the cross-entropy and penalty summed over rows. */
async function sennEpoch(c: SennStep, data: SennData, o: SennTrainingOptions): Promise<{ total: number; penaltyTotal: number }> {
  const n = data.y.length;
  const order = o.generator.permutation(n);
  let total = 0;
  let penaltyTotal = 0;
  for (let s = 0; s < n; s += o.batchSize) {
    const idx = order.subarray(s, Math.min(n, s + o.batchSize));
    const { xb, yb } = gatherBatch(data, idx, c.d);
    const xp = Float32Array.from(xb, (v) => v + c.eps * o.generator.normal());
    const { value, penalty } = await sennStep(c, xb, yb, xp);
    total += value * idx.length;
    penaltyTotal += penalty * idx.length;
  }
  return { total, penaltyTotal };
}

export async function trainSenn(model: Model, data: SennData, validation: SennData | null, o: SennTrainingOptions): Promise<TrainHistory & { penalty: number[] }> {
  const be = model.be;
  const d = model.inputs[0]!.shape[1]!;
  const n = data.y.length;
  if (data.x.length !== n * d) throw new ModelError(`trainSenn: x has ${data.x.length} values for ${n} labels of ${d} features`);
  const lambda = o.robustness ?? 0.01;
  const eps = o.epsilon ?? 0.01;
  const patience = o.patience ?? Infinity;
  const loss = crossEntropyLoss(o.classWeights ? { classWeights: o.classWeights } : {});
  const thetaName = thetaNodeName(model);
  const thetaModel = modelUpTo(model, thetaName);
  const optimizer = createOptimizer(model, { type: 'adam', lr: o.lr, ...(o.weightDecay ? { weightDecay: o.weightDecay } : {}) });
  const step: SennStep = { model, thetaModel, thetaName, loss, optimizer, lambda, eps, d };
  const history: TrainHistory & { penalty: number[] } = {
    epochs: [], trainLoss: [], valLoss: [], monitored: validation ? 'validation' : 'train', bestEpoch: -1, bestLoss: Infinity,
    restoredBest: false, averageDecay: 0, stoppedEarly: false, stopReason: 'epochs', seconds: 0, penalty: [],
  };
  const started = Date.now();
  let best: Map<string, Float32Array> | null = null;
  let sinceBest = 0;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const t0 = Date.now();
      const { total, penaltyTotal } = await sennEpoch(step, data, o);
      const trainLoss = total / n + (lambda * penaltyTotal) / n;
      const penalty = penaltyTotal / n;
      const valLoss = validation ? await validationLoss(model, loss, validation, d) : null;
      history.epochs.push({ epoch, trainLoss, valLoss, lr: o.lr, seconds: (Date.now() - t0) / 1000 });
      history.trainLoss.push(trainLoss);
      if (valLoss !== null) history.valLoss.push(valLoss);
      history.penalty.push(penalty);
      o.onEpoch?.(epoch, trainLoss, valLoss, penalty);
      const monitored = valLoss ?? trainLoss;
      if (!Number.isFinite(monitored)) {
        history.stopReason = 'non_finite_loss';
        break;
      }
      if (monitored < history.bestLoss) {
        history.bestLoss = monitored;
        history.bestEpoch = epoch;
        sinceBest = 0;
        best = new Map();
        for (const [name, p] of model.parameters()) best.set(name, Float32Array.from(await readFloat(p)));
      } else if (++sinceBest >= patience) {
        history.stoppedEarly = true;
        history.stopReason = 'early_stopping';
        break;
      }
    }
    if (best) {
      for (const [name, p] of model.parameters()) be.write(p, best.get(name)!);
      history.restoredBest = true;
    }
  } finally {
    optimizer.dispose();
    if (thetaModel !== model) thetaModel.dispose();
  }
  history.seconds = (Date.now() - started) / 1000;
  return history;
}
