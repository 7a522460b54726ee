/**
 * The classifier the study explains: an MLP trained here (cross-entropy with
 * balanced class weights, Adam, early stopping on a stratified validation
 * split, best weights restored), or a given model checked against the
 * features and classes.
 */
import type { Backend, Generator, Tensor } from '@relevance/core-wasm';
import { argmaxRows, crossEntropyLoss, loadModelFile, mlp, outputWidth, senn, train, trainSenn, treeEnsembleModel, type Model, type RelevanceMetadata, type TrainHistory } from '@relevance/methods';
import { basename } from 'node:path';
import { checkReadableFile } from '../../io/check-file.js';
import { DataError } from '../../io/data-error.js';
import { listNames } from '../../io/closest-match.js';
import { loadAnyModel, loadModel } from '../../io/load-model.js';
import type { Progress } from '../../progress/progress.js';
import { yieldToEventLoop } from '../study-io.js';

export interface TrainSettings {
  hidden: readonly number[];
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  patience: number;
  /** 'mlp' (default) or 'senn': a self-explaining network whose θ network has the hidden sizes. */
  modelType?: 'mlp' | 'senn';
  /** λ of the SENN robustness penalty (trainSenn); 0 or absent trains a SENN on cross-entropy with the common loop. */
  robustness?: number;
}

/** sklearn's 'balanced' weights on the training rows: n / (classes · n_c). */
export function balancedClassWeights(labels: Int32Array, classes: number): Float32Array {
  const counts = new Float64Array(classes);
  for (const l of labels) counts[l]!++;
  return Float32Array.from(counts, (n) => (n > 0 ? labels.length / (classes * n) : 0));
}

function rowsOf(x: Float32Array, width: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(x.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

export async function trainClassifier(
  be: Backend, x: Float32Array, width: number, labels: Int32Array, classes: number,
  split: { train: Int32Array; validation: Int32Array }, settings: TrainSettings, generators: { init: Generator; train: Generator }, progress: Progress,
): Promise<{ model: Model; history: TrainHistory; classWeights: Float32Array }> {
  const trainLabels = Int32Array.from(split.train, (r) => labels[r]!);
  const classWeights = balancedClassWeights(trainLabels, classes);
  const model = settings.modelType === 'senn'
    ? senn(be, { inputs: width, hidden: settings.hidden, outputs: classes, generator: generators.init })
    : mlp(be, { inputs: width, hidden: settings.hidden, outputs: classes, generator: generators.init });
  try {
    progress.start('training', settings.epochs);
    if (settings.modelType === 'senn' && settings.robustness) {
      const history = await trainSenn(
        model,
        { x: rowsOf(x, width, split.train), y: trainLabels },
        { x: rowsOf(x, width, split.validation), y: Int32Array.from(split.validation, (r) => labels[r]!) },
        {
          epochs: settings.epochs, batchSize: settings.batchSize, lr: settings.lr, weightDecay: settings.weightDecay, robustness: settings.robustness, classWeights,
          patience: settings.patience, generator: generators.train,
          onEpoch: (_e, loss, val, penalty) => progress.tick(1, `loss ${loss.toFixed(4)}${val !== null ? ` val ${val.toFixed(4)}` : ''} robustness ${penalty.toFixed(4)}`),
        },
      );
      progress.done(`best epoch ${history.bestEpoch + 1} of ${history.epochs.length}, validation loss ${history.bestLoss.toFixed(4)}${history.stoppedEarly ? ' (stopped early)' : ''}`);
      return { model, history, classWeights };
    }
    const history = await train(
      model,
      { x: rowsOf(x, width, split.train), y: trainLabels },
      {
        generator: generators.train,
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        loss: crossEntropyLoss({ classWeights }),
        optimizer: { type: 'adam' },
        lr: settings.lr,
        weightDecay: settings.weightDecay,
        validation: { x: rowsOf(x, width, split.validation), y: Int32Array.from(split.validation, (r) => labels[r]!) },
        earlyStopping: { patience: settings.patience },
        onEpoch: async (e) => {
          progress.tick(1, `loss ${e.trainLoss.toFixed(4)}${e.valLoss !== null ? ` val ${e.valLoss.toFixed(4)}` : ''}`);
          await yieldToEventLoop(); // Ctrl-C stops training at the next epoch
        },
      },
    );
    progress.done(`best epoch ${history.bestEpoch + 1} of ${history.epochs.length}, validation loss ${history.bestLoss.toFixed(4)}${history.stoppedEarly ? ' (stopped early)' : ''}`);
    return { model, history, classWeights };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Load a given model (.onnx, .relevance with its metadata, weights .json). */
export async function loadGivenModel(be: Backend, path: string, trees = false): Promise<{ model: Model; metadata: RelevanceMetadata | null }> {
  if (path.toLowerCase().endsWith('.relevance')) {
    await checkReadableFile(path);
    return loadModelFile(be, path);
  }
  if (trees && path.toLowerCase().endsWith('.onnx')) {
    // an ONNX-ML tree ensemble becomes a one-node Model (treeEnsembleModel); its class labels name the outputs
    const loaded = await loadAnyModel(be, path);
    if (loaded.kind === 'model') return { model: loaded.model, metadata: null };
    const labels = loaded.trees.classLabels;
    return { model: treeEnsembleModel(be, loaded.trees), metadata: labels ? { classes: labels.map(String) } : null };
  }
  return { model: await loadModel(be, path), metadata: null };
}

/** The given model must take one value per feature and give one output per class; errors name both sides. */
export function checkModelShape(model: Model, path: string, features: readonly string[], classes: readonly string[]): void {
  const rowShape = model.inputs[0]!.shape.slice(1);
  const perRow = rowShape.every((d) => d >= 0) ? rowShape.reduce((p, d) => p * d, 1) : null;
  if (model.inputs.length !== 1) {
    throw new DataError(`${basename(path)}: the model has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}); the study feeds one table row to one input`);
  }
  if (rowShape.length !== 1 || perRow !== features.length) {
    throw new DataError(
      `${basename(path)}: the model takes ${perRow ?? 'an unknown number of'} inputs per row (shape [${rowShape.join(', ')}]), but ${features.length} feature columns were selected (${listNames(features, 8)}); ` +
        `choose the model's ${perRow ?? ''} features with --features`,
    );
  }
  const width = outputWidth(model);
  if (width !== classes.length) {
    throw new DataError(
      `${basename(path)}: the model has ${width} outputs but the labels have ${classes.length} classes (${listNames(classes, 12)}); ` +
        `give the classes in the model's output order with --classes, one per output`,
    );
  }
}

/** argmax of the model's output for every row of x (batched, no tape). */
export async function predictClasses(model: Model, x: Float32Array, width: number, batchSize = 256): Promise<Int32Array> {
  const be = model.be;
  const rows = x.length / width;
  const out = new Int32Array(rows);
  for (let s = 0; s < rows; s += batchSize) {
    const n = Math.min(batchSize, rows - s);
    const logits = await be.asyncScope(async () => {
      const t: Tensor = be.tensor(x.subarray(s * width, (s + n) * width), [n, width]);
      return (await model.predict(t).read()) as Float32Array;
    });
    out.set(argmaxRows(logits, n, logits.length / n), s);
  }
  return out;
}
