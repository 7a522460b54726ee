/**
 * The training loop: seeded minibatch shuffling, a validation split, early
 * stopping with the best weights restored, learning-rate schedules and a
 * progress callback.
 *
 * Design points:
 * - Data go to the device once; a batch is a gather by row indices, and every
 *   per-batch tensor lives in one `be.scope`, so memory stays flat across epochs.
 * - Nothing is read back per batch: losses are accumulated on the device as
 *   (total, count) and read once per epoch (and once for validation), which keeps
 *   WebGPU queues full and makes the epoch loss the exact mean over its entries.
 * - All randomness (split, shuffles, dropout, masks) comes from forks of one
 *   seeded generator, so one seed on one backend gives bit-identical weights.
 */
import { Generator, Tensor, type Backend } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { ModelError } from '../model/op.js';
import { lossByName, type Loss, type LossName } from './losses.js';
import { createOptimizer, type Optimizer, type OptimizerConfig } from './optimizers.js';
import { constantLr, type LearningRateSchedule } from './schedules.js';

export type Split = 'train' | 'validation';

export interface MaskContext {
  /** Row indices (into the data passed to `train`) of the rows to draw masks for. */
  rows: Int32Array;
  /** 0-based epoch; validation masks are drawn once, before training, with epoch 0. */
  epoch: number;
  split: Split;
  /** Draw from this (a fork of the training generator), never from Math.random, to stay reproducible. */
  generator: Generator;
}

/** Returns a row-major mask for exactly `ctx.rows` (rows.length x outputs per row), 1 where the loss counts. */
export type MaskProvider = (ctx: MaskContext) => Float32Array;

export interface InputTransformContext {
  be: Backend;
  /** The batch's loss mask (null without one). */
  mask: Tensor | null;
  rows: Int32Array;
  epoch: number;
  split: Split;
}

/** Builds the model input from a batch of raw features (e.g. [x * m, (1 - x) * m]); the loop disposes the result. */
export type InputTransform = (x: Tensor, ctx: InputTransformContext) => Tensor;

export interface TrainData {
  /** Features: row-major rows x (features per row), or a tensor [rows, ...]. */
  x: Float32Array | Tensor;
  /** Targets: row-major rows x (outputs per row), int32 class indices (cross-entropy), or a tensor. */
  y: Float32Array | Int32Array | Tensor;
  /** Loss mask over the targets (0/1, the targets' layout): fixed, or drawn per batch by a provider. */
  mask?: Float32Array | Tensor | MaskProvider;
  /** One row's feature shape (default: the model input's, without the batch, when the sizes agree; else flat). */
  xShape?: readonly number[];
}

export interface EpochReport {
  /** 0-based. */
  epoch: number;
  trainLoss: number;
  /** null without validation data. */
  valLoss: number | null;
  /** The learning rate at the start of the epoch. */
  lr: number;
  /** Wall-clock seconds of the epoch, validation included. */
  seconds: number;
}

export interface EarlyStoppingOptions {
  /** Epochs without an improvement larger than minDelta before stopping. */
  patience: number;
  minDelta?: number;
}

export interface TrainOptions {
  /** Randomness for the split, the shuffles, dropout and masks: a seed, or a generator. One is required. */
  seed?: number | bigint;
  generator?: Generator;
  /** The most epochs to run. */
  epochs: number;
  batchSize?: number;
  /** Default: cross-entropy for int32 targets, masked MSE when a mask is given, else MSE. */
  loss?: Loss | LossName;
  /** A configuration (default { type: 'adam' }) or an optimiser you own (it is not disposed). */
  optimizer?: OptimizerConfig | Optimizer;
  /** A rate or a schedule (default 1e-3, 1e-2 for SGD). */
  lr?: number | LearningRateSchedule;
  /** Whether the schedule's index is the epoch (default) or the optimiser step. */
  scheduleUnit?: 'epoch' | 'step';
  /** Weight decay for a configured optimiser (L2 for SGD/Adam, decoupled for AdamW). */
  weightDecay?: number;
  /** A fraction of the rows held out (drawn from the generator), or separate validation data. */
  validation?: number | TrainData;
  earlyStopping?: EarlyStoppingOptions;
  /** Put the weights of the best epoch back at the end (default: true with validation data). */
  restoreBest?: boolean;
  /**
   * An exponential moving average of the weights, updated after every epoch:
   * avg = decay * avg + (1 - decay) * weights (the first epoch's weights start
   * it). With a decay in (0, 1), validation, early stopping, `restoreBest` and
   * the returned model use the averaged weights; training goes on from the raw
   * ones. 0 (default) turns it off.
   */
  averageDecay?: number;
  /** Reshuffle the training rows every epoch (default true). */
  shuffle?: boolean;
  inputTransform?: InputTransform;
  /** Batch size for validation (default max(batchSize, 256)). */
  evalBatchSize?: number;
  onEpoch?: (report: EpochReport) => void | Promise<void>;
}

export interface TrainHistory {
  epochs: EpochReport[];
  trainLoss: number[];
  /** Empty without validation data. */
  valLoss: number[];
  /** Which loss chose the best epoch and early stopping. */
  monitored: Split;
  /** 0-based epoch of the best monitored loss (the last improvement larger than minDelta); -1 if none was finite. */
  bestEpoch: number;
  bestLoss: number;
  /** Whether the model holds the best epoch's weights because they were restored. */
  restoredBest: boolean;
  /** The decay of the weights' moving average (0: the model holds the raw weights). */
  averageDecay: number;
  stoppedEarly: boolean;
  stopReason: 'epochs' | 'early_stopping' | 'non_finite_loss';
  seconds: number;
}

/** Data on the device, and which of its rows a split uses. */
interface DeviceSet {
  x: Tensor;
  y: Tensor;
  mask: Tensor | MaskProvider | null;
  /** Indices into x / y / mask. */
  positions: Int32Array;
  /** The row ids reported to callbacks (indices into the caller's data). */
  ids: Int32Array;
  /** Tensors this loop created and must free. */
  owned: Tensor[];
}

function isOptimizer(o: OptimizerConfig | Optimizer | undefined): o is Optimizer {
  return !!o && typeof (o as Optimizer).step === 'function';
}

function range(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

/** The model's first output shape per row, when fully known. */
function perRowShape(shape: readonly number[] | undefined): number[] | null {
  if (!shape || shape.length === 0) return null;
  const rest = shape.slice(1);
  return rest.some((d) => d < 0) ? null : rest;
}

const product = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

function chooseLoss(option: TrainOptions['loss'], data: TrainData): Loss {
  if (option) return typeof option === 'string' ? lossByName(option) : option;
  const intTargets = data.y instanceof Int32Array || (data.y instanceof Tensor && data.y.dtype === 'int32');
  if (intTargets) return lossByName('cross_entropy');
  return lossByName(data.mask ? 'masked_mse' : 'mse');
}

/** Upload `data` (or wrap its tensors), checking sizes against the model and the loss. */
function toDevice(be: Backend, model: Model, data: TrainData, loss: Loss, what: string): DeviceSet {
  const owned: Tensor[] = [];
  try {
    if (loss.masked && !data.mask) throw new ModelError(`train: ${loss.name} needs a mask in the ${what} data`);
    if (!loss.masked && data.mask) throw new ModelError(`train: the ${what} data has a mask but ${loss.name} ignores masks; use loss 'masked_mse'`);
    const outRow = perRowShape(model.valueShapes.get(model.outputs[0]!));
    // targets
    let y: Tensor;
    let rows: number;
    if (data.y instanceof Tensor) {
      y = data.y;
      rows = y.shape[0] ?? 0;
    } else if (loss.targets === 'classes') {
      let labels: Int32Array;
      if (data.y instanceof Int32Array) labels = data.y;
      else {
        const values = data.y;
        labels = Int32Array.from(values);
        if (labels.some((v, i) => v !== values[i])) throw new ModelError(`train: ${loss.name} needs integer class indices as ${what} targets`);
      }
      rows = labels.length;
      y = be.tensor(labels, [rows]);
      owned.push(y);
    } else {
      if (data.y instanceof Int32Array) throw new ModelError(`train: int32 ${what} targets are class indices, but ${loss.name} needs values; pass a Float32Array`);
      if (!outRow) throw new ModelError(`train: the model's output shape per row is not known; pass the ${what} targets as a tensor [rows, ...]`);
      const perRow = product(outRow);
      if (data.y.length % perRow !== 0) throw new ModelError(`train: ${data.y.length} ${what} target values are not a whole number of rows of ${perRow} outputs`);
      rows = data.y.length / perRow;
      y = be.tensor(data.y, [rows, ...outRow]);
      owned.push(y);
    }
    if (rows === 0) throw new ModelError(`train: the ${what} data has no rows`);
    // features
    let x: Tensor;
    if (data.x instanceof Tensor) {
      x = data.x;
      if (x.shape[0] !== rows) throw new ModelError(`train: ${what} features have ${x.shape[0]} rows, the targets ${rows}`);
    } else {
      if (data.x.length % rows !== 0) throw new ModelError(`train: ${data.x.length} ${what} feature values are not a whole number of ${rows} rows`);
      const perRow = data.x.length / rows;
      const modelRow = perRowShape(model.inputs[0]!.shape);
      const xShape = data.xShape ?? (modelRow && product(modelRow) === perRow ? modelRow : [perRow]);
      if (product(xShape) !== perRow) throw new ModelError(`train: xShape [${xShape.join(', ')}] does not hold the ${perRow} ${what} features per row`);
      x = be.tensor(data.x, [rows, ...xShape]);
      owned.push(x);
    }
    // mask
    let mask: Tensor | MaskProvider | null = null;
    if (typeof data.mask === 'function') mask = data.mask;
    else if (data.mask instanceof Tensor) {
      mask = data.mask;
      if (mask.size !== y.size) throw new ModelError(`train: the ${what} mask has ${mask.size} entries, the targets ${y.size}`);
    } else if (data.mask) {
      if (data.mask.length !== y.size) throw new ModelError(`train: the ${what} mask has ${data.mask.length} entries, the targets ${y.size}`);
      mask = be.tensor(data.mask, y.shape);
      owned.push(mask);
    }
    return { x, y, mask, positions: range(rows), ids: range(rows), owned };
  } catch (e) {
    for (const t of owned) t.dispose();
    throw e;
  }
}

function drawMask(be: Backend, provider: MaskProvider, ctx: MaskContext, like: readonly number[]): Tensor {
  const values = provider(ctx);
  const size = product(like);
  if (!(values instanceof Float32Array) || values.length !== size) {
    throw new ModelError(`train: the mask provider returned ${values instanceof Float32Array ? values.length : typeof values} values for ${ctx.rows.length} rows; it must return a Float32Array of ${size} (rows x outputs)`);
  }
  return be.tensor(values, like);
}

/** Copy a subset of rows into their own tensors; a mask provider is drawn once here (fixed validation masks). */
function materialise(be: Backend, set: DeviceSet, positions: Int32Array, split: Split, generator: Generator): DeviceSet {
  return be.scope(() => {
    const idx = be.tensor(positions);
    const x = be.gather(set.x, idx, 0);
    const y = be.gather(set.y, idx, 0);
    const ids = Int32Array.from(positions, (p) => set.ids[p]!);
    let mask: Tensor | null = null;
    if (set.mask instanceof Tensor) mask = be.gather(set.mask, idx, 0);
    else if (set.mask) mask = drawMask(be, set.mask, { rows: ids, epoch: 0, split, generator }, y.shape);
    const owned = mask ? [x, y, mask] : [x, y];
    return { x, y, mask, positions: range(positions.length), ids, owned };
  });
}

interface Batch {
  input: Tensor;
  y: Tensor;
  mask: Tensor | null;
}

/** Gather one batch (inside the caller's scope). */
function batchTensors(
  be: Backend, set: DeviceSet, positions: Int32Array, epoch: number, split: Split, generator: Generator, transform: InputTransform | undefined,
): Batch {
  const idx = be.tensor(positions);
  const x = be.gather(set.x, idx, 0);
  const y = be.gather(set.y, idx, 0);
  const ids = set.positions === positions ? set.ids : Int32Array.from(positions, (p) => set.ids[p]!);
  let mask: Tensor | null = null;
  if (set.mask instanceof Tensor) mask = be.gather(set.mask, idx, 0);
  else if (set.mask) mask = drawMask(be, set.mask, { rows: ids, epoch, split, generator }, y.shape);
  const input = transform ? transform(x, { be, mask, rows: ids, epoch, split }) : x;
  return { input, y, mask };
}

/** (total, count) on the device -> the mean, with one read. */
async function readMean(be: Backend, total: Tensor, count: Tensor): Promise<number> {
  const both = be.concat([total, count], 0);
  try {
    const [t, c] = await be.readFloat(both);
    return c! > 0 ? t! / c! : 0;
  } finally {
    both.dispose();
  }
}

/**
 * Runs `batch` over `positions` in chunks of `batchSize`, accumulating its
 * (total, count) on the device, and reads the mean once at the end.
 */
async function meanOverBatches(
  be: Backend, positions: Int32Array, batchSize: number, batch: (positions: Int32Array) => Tensor[],
): Promise<number> {
  let total = be.keep(be.zeros([1]));
  let count = be.keep(be.zeros([1]));
  try {
    for (let start = 0; start < positions.length; start += batchSize) {
      const chunk = positions.subarray(start, start + batchSize);
      const next = be.scope(() => {
        const [t, c] = batch(chunk) as [Tensor, Tensor];
        return [be.add(total, t), be.add(count, c)];
      });
      total.dispose();
      count.dispose();
      [total, count] = be.keep(next) as [Tensor, Tensor];
    }
    return await readMean(be, total, count);
  } finally {
    total.dispose();
    count.dispose();
  }
}

/** The mean loss of `model` over a device set, in batches, without a tape. */
function meanLoss(
  be: Backend, model: Model, set: DeviceSet, loss: Loss, batchSize: number, epoch: number, generator: Generator, transform: InputTransform | undefined,
): Promise<number> {
  return meanOverBatches(be, set.positions, batchSize, (positions) => {
    const b = batchTensors(be, set, positions, epoch, 'validation', generator, transform);
    const pass = model.forward(b.input, { tape: false, training: false });
    const out = loss.compute(be, pass.output, b.y, { mask: b.mask, grad: false });
    return [out.total, out.count];
  });
}

function generatorFrom(o: { seed?: number | bigint; generator?: Generator }, what: string): Generator {
  if (o.generator) return o.generator;
  if (o.seed !== undefined) return new Generator(o.seed);
  throw new ModelError(`${what}: pass a seed or a generator (randomness is always explicit)`);
}

function positiveInteger(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new ModelError(`train: ${what} must be a positive integer, got ${v}`);
}

/** One fork of the training generator per purpose, so e.g. adding dropout does not change the shuffles. */
interface TrainGenerators { split: Generator; shuffle: Generator; dropout: Generator; mask: Generator }

function trainGenerators(options: TrainOptions): TrainGenerators {
  const root = generatorFrom(options, 'train');
  const split = root.fork();
  const shuffle = root.fork();
  const dropout = root.fork();
  const mask = root.fork();
  return { split, shuffle, dropout, mask };
}

/** The optimiser configuration and learning-rate schedule the options ask for. */
function optimizerPlan(options: TrainOptions): { config: OptimizerConfig; schedule: LearningRateSchedule } {
  if (isOptimizer(options.optimizer) && options.weightDecay !== undefined) {
    throw new ModelError('train: weightDecay configures a new optimiser; set it on the optimiser you passed instead');
  }
  const config: OptimizerConfig = isOptimizer(options.optimizer) ? { type: 'adam' } : options.optimizer ?? { type: 'adam' };
  const schedule: LearningRateSchedule = typeof options.lr === 'function'
    ? options.lr
    : constantLr(options.lr ?? (isOptimizer(options.optimizer) ? options.optimizer.lr : config.type === 'sgd' ? 1e-2 : 1e-3));
  return { config, schedule };
}

/**
 * The training and validation sets on the device: a held-out fraction of the
 * training rows, separate validation data, or none. Every set made is pushed
 * onto `sets` so the caller frees it.
 */
function splitSets(
  be: Backend, model: Model, data: TrainData, options: TrainOptions, loss: Loss, generators: TrainGenerators, sets: DeviceSet[],
): { trainSet: DeviceSet; valSet: DeviceSet | null } {
  const full = toDevice(be, model, data, loss, 'training');
  sets.push(full);
  if (typeof options.validation === 'number') {
    const fraction = options.validation;
    const rows = full.positions.length;
    const held = Math.round(fraction * rows);
    if (!(fraction > 0 && fraction < 1) || held < 1 || held >= rows) {
      throw new ModelError(`train: validation fraction ${fraction} of ${rows} rows must leave at least one row on each side`);
    }
    const order = generators.split.permutation(rows);
    const valSet = materialise(be, full, order.slice(0, held).sort(), 'validation', generators.mask);
    sets.push(valSet);
    return { trainSet: { ...full, positions: order.slice(held).sort(), owned: [] }, valSet };
  }
  if (!options.validation) return { trainSet: full, valSet: null };
  const v = toDevice(be, model, options.validation, loss, 'validation');
  sets.push(v);
  if (typeof v.mask !== 'function') return { trainSet: full, valSet: v };
  const valSet = materialise(be, v, v.positions, 'validation', generators.mask);
  sets.push(valSet);
  return { trainSet: full, valSet };
}

/** What one epoch of training needs besides the model. */
interface EpochContext {
  be: Backend;
  model: Model;
  trainSet: DeviceSet;
  loss: Loss;
  optimizer: Optimizer;
  options: TrainOptions;
  batchSize: number;
  schedule: LearningRateSchedule;
  perStep: boolean;
  generators: TrainGenerators;
}

/** One pass over the (shuffled) training rows; returns the epoch's mean training loss and the next step number. */
async function trainEpoch(c: EpochContext, epoch: number, step: number): Promise<{ trainLoss: number; step: number }> {
  const { be, model, trainSet, loss, optimizer, options } = c;
  let order = trainSet.positions;
  if (options.shuffle ?? true) {
    const p = c.generators.shuffle.permutation(trainSet.positions.length);
    order = Int32Array.from(p, (i) => trainSet.positions[i]!);
  }
  const trainLoss = await meanOverBatches(be, order, c.batchSize, (positions) => {
    if (c.perStep) optimizer.lr = c.schedule(step);
    step++;
    const b = batchTensors(be, trainSet, positions, epoch, 'train', c.generators.mask, options.inputTransform);
    const pass = model.forward(b.input, { tape: true, training: true, generator: c.generators.dropout });
    const out = loss.compute(be, pass.output, b.y, { mask: b.mask, grad: true });
    const grads = model.backward(pass, out.grad!, { params: true, input: false });
    optimizer.step(grads.params);
    return [out.total, out.count];
  });
  return { trainLoss, step };
}

/** Whether training stops after this epoch, and why (recorded on `history`). */
function stopAfter(
  history: TrainHistory, trainLoss: number, valLoss: number | null, sinceBest: number, patience: number | undefined, epoch: number, epochs: number,
): boolean {
  if (!Number.isFinite(trainLoss) || (valLoss !== null && !Number.isFinite(valLoss))) {
    history.stoppedEarly = true;
    history.stopReason = 'non_finite_loss';
    return true;
  }
  if (patience !== undefined && sinceBest >= patience && epoch < epochs - 1) {
    history.stoppedEarly = true;
    history.stopReason = 'early_stopping';
    return true;
  }
  return false;
}

/** Keeps a device copy of every parameter (the best epoch's weights so far), freeing the previous copies. */
function snapshot(be: Backend, parameters: ReturnType<Model['parameters']>, best: Map<string, Tensor>): void {
  for (const t of best.values()) t.dispose();
  for (const [name, p] of parameters) best.set(name, be.keep(be.clone(p)));
}

/** avg <- decay * avg + (1 - decay) * weights on the device (a copy of the weights when `avg` is empty). */
function updateAverage(be: Backend, parameters: ReturnType<Model['parameters']>, avg: Map<string, Tensor>, decay: number): void {
  for (const [name, p] of parameters) {
    const old = avg.get(name);
    avg.set(name, be.keep(old ? be.scope(() => be.add(be.scale(old, decay), be.scale(p, 1 - decay))) : be.clone(p)));
    old?.dispose();
  }
}

/** Overwrite the model's weights with `values` (device copies), returning the previous weights on the host. */
async function swapIn(be: Backend, parameters: ReturnType<Model['parameters']>, values: Map<string, Tensor>): Promise<Map<string, Float32Array>> {
  const previous = new Map<string, Float32Array>();
  for (const [name, p] of parameters) {
    previous.set(name, await be.readFloat(p));
    be.write(p, await be.readFloat(values.get(name)!));
  }
  return previous;
}

function writeAll(be: Backend, parameters: ReturnType<Model['parameters']>, values: Map<string, Float32Array>): void {
  for (const [name, p] of parameters) be.write(p, values.get(name)!);
}

/**
 * The weights train() returns: the best epoch's snapshot when `best` is given and
 * a best epoch exists (unless it is the last epoch's raw weights already), else
 * the weights' moving average when one is kept, else the weights as they are.
 */
async function finalWeights(be: Backend, parameters: ReturnType<Model['parameters']>, history: TrainHistory, best: Map<string, Tensor> | null, average: Map<string, Tensor>): Promise<void> {
  const averaged = history.averageDecay > 0;
  if (best && history.bestEpoch >= 0 && (averaged || history.bestEpoch !== history.epochs.length - 1)) {
    for (const [name, p] of parameters) be.write(p, await be.readFloat(best.get(name)!));
    history.restoredBest = true;
  } else if (averaged && average.size) await swapIn(be, parameters, average);
}

/**
 * Train `model` in place. Returns the per-epoch history; the model is left
 * with the best epoch's weights when `restoreBest` (default with validation),
 * and with the weights' moving average instead of the raw ones when
 * `averageDecay` > 0 (see finalWeights).
 */
export async function train(model: Model, data: TrainData, options: TrainOptions): Promise<TrainHistory> {
  const be = model.be;
  const started = performance.now();
  positiveInteger('epochs', options.epochs);
  const batchSize = options.batchSize ?? 32;
  positiveInteger('batchSize', batchSize);
  const evalBatchSize = options.evalBatchSize ?? Math.max(batchSize, 256);
  positiveInteger('evalBatchSize', evalBatchSize);
  const generators = trainGenerators(options);
  const loss = chooseLoss(options.loss, data);
  const parameters = model.parameters();
  const optimizerOwned = !isOptimizer(options.optimizer);
  const { config, schedule } = optimizerPlan(options);
  const perStep = (options.scheduleUnit ?? 'epoch') === 'step';

  const sets: DeviceSet[] = [];
  let optimizer: Optimizer | null = null;
  const best = new Map<string, Tensor>();
  const average = new Map<string, Tensor>();
  const averageDecay = options.averageDecay ?? 0;
  if (!(averageDecay >= 0 && averageDecay < 1)) throw new ModelError(`train: averageDecay must lie in [0, 1) (0 turns the weight average off), got ${averageDecay}`);
  try {
    const { trainSet, valSet } = splitSets(be, model, data, options, loss, generators, sets);
    const restoreBest = options.restoreBest ?? !!valSet;
    const patience = options.earlyStopping?.patience;
    if (patience !== undefined) positiveInteger('earlyStopping.patience', patience);
    const minDelta = options.earlyStopping?.minDelta ?? 0;

    optimizer = isOptimizer(options.optimizer)
      ? options.optimizer
      : createOptimizer(parameters, { ...config, lr: schedule(0), ...(options.weightDecay !== undefined && config.weightDecay === undefined ? { weightDecay: options.weightDecay } : {}) });
    const context: EpochContext = { be, model, trainSet, loss, optimizer, options, batchSize, schedule, perStep, generators };

    const history: TrainHistory = {
      epochs: [], trainLoss: [], valLoss: [], monitored: valSet ? 'validation' : 'train', bestEpoch: -1, bestLoss: Infinity,
      restoredBest: false, averageDecay, stoppedEarly: false, stopReason: 'epochs', seconds: 0,
    };
    let sinceBest = 0;
    let step = 0;
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const epochStart = performance.now();
      const lr = schedule(perStep ? step : epoch);
      optimizer.lr = lr;
      const done = await trainEpoch(context, epoch, step);
      step = done.step;
      const trainLoss = done.trainLoss;
      history.trainLoss.push(trainLoss);
      if (averageDecay > 0) updateAverage(be, parameters, average, averageDecay);
      // validation and the best snapshot see the averaged weights; training goes on from the raw ones
      const raw = averageDecay > 0 ? await swapIn(be, parameters, average) : null;
      let valLoss: number | null = null;
      if (valSet) {
        valLoss = await meanLoss(be, model, valSet, loss, evalBatchSize, epoch, generators.mask, options.inputTransform);
        history.valLoss.push(valLoss);
      }
      const report: EpochReport = { epoch, trainLoss, valLoss, lr, seconds: (performance.now() - epochStart) / 1000 };
      history.epochs.push(report);
      const current = valLoss ?? trainLoss;
      if (current < history.bestLoss - minDelta) {
        history.bestLoss = current;
        history.bestEpoch = epoch;
        sinceBest = 0;
        if (restoreBest) snapshot(be, parameters, best);
      } else sinceBest++;
      if (raw) writeAll(be, parameters, raw);
      await options.onEpoch?.(report);
      if (stopAfter(history, trainLoss, valLoss, sinceBest, patience, epoch, options.epochs)) break;
    }
    await finalWeights(be, parameters, history, restoreBest ? best : null, average);
    history.seconds = (performance.now() - started) / 1000;
    return history;
  } finally {
    for (const t of best.values()) t.dispose();
    for (const t of average.values()) t.dispose();
    for (const s of sets) for (const t of s.owned) t.dispose();
    if (optimizerOwned) optimizer?.dispose();
  }
}

export interface EvaluateOptions {
  loss?: Loss | LossName;
  batchSize?: number;
  inputTransform?: InputTransform;
  /** Needed only when the data's mask is a provider. */
  seed?: number | bigint;
  generator?: Generator;
}

/** The mean loss of `model` over `data` (the same mean `train` reports), without changing the model. */
export async function evaluate(model: Model, data: TrainData, options: EvaluateOptions = {}): Promise<number> {
  const be = model.be;
  const loss = chooseLoss(options.loss, data);
  const batchSize = options.batchSize ?? 256;
  positiveInteger('batchSize', batchSize);
  const generator = typeof data.mask === 'function' ? generatorFrom(options, 'evaluate') : new Generator(0);
  const set = toDevice(be, model, data, loss, 'evaluation');
  try {
    return await meanLoss(be, model, set, loss, batchSize, 0, generator, options.inputTransform);
  } finally {
    for (const t of set.owned) t.dispose();
  }
}
