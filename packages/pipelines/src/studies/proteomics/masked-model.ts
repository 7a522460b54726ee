/**
 * The masked predictor (Keyl et al. 2022): an MLP that predicts every protein
 * from the others. Its input is [x * m, (1 - x) * m] so that a hidden value
 * (m = 0, both channels 0) differs from an observed zero (channels 0 and 1).
 * Every epoch each training row gets a fresh visibility q ~ U(0.01, 0.99) and a
 * Bernoulli(q) mask per protein; missing values are always hidden; the loss is
 * the MSE over the hidden, observed entries only.
 *
 * With class inputs (`classInput: 'auto'` and a cohort with classes) the input
 * also carries the patient's class as one-hot columns after the two channels,
 * always visible and never explained: [x * m, (1 - x) * m, onehot(class)]. The
 * predictor can then learn relations that hold in one class only (a module
 * active in one cancer type), which a protein-only input sees diluted by the
 * other classes.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { cosineLr, mlp, train, type EpochReport, type Model, type TrainHistory } from '@relevance/methods';
import type { StudyData } from './data.js';
import { yieldToEventLoop } from '../study-io.js';
import { DataError } from '../../io/data-error.js';

export type ClassInput = 'auto' | 'off';

export interface MaskedModelOptions {
  hidden: number[];
  /** auto: the class as one-hot inputs when the data have two or more classes; off: proteins only (Keyl et al.). */
  classInput: ClassInput;
  epochs: number;
  batchSize: number;
  lr: number;
  /** adam (L2 penalty `weightDecay`), adamw (decoupled decay `weightDecay`) or sgd with `momentum`. */
  optimizer: 'adam' | 'adamw' | 'sgd';
  momentum: number;
  weightDecay: number;
  patience: number;
  validationFraction: number;
  /** Keep the best validation epoch's weights (default true); false keeps the weights at the stop. */
  restoreBest?: boolean;
  /**
   * Decay per epoch of the weights' moving average (train()'s `averageDecay`):
   * validation, early stopping and the trained model use the averaged weights;
   * 0 turns it off (the model of the best epoch, as before).
   */
  averageDecay: number;
  /** constant (default) or cosine: lr decays to lr / 100 over `epochs` (exploration; not a CLI option). */
  lrSchedule?: 'constant' | 'cosine';
  seed: number;
}

export interface TrainedMaskedModel {
  model: Model;
  history: TrainHistory;
}

/**
 * The classes the predictor takes as one-hot inputs (in `data.classNames`
 * order), or [] for a protein-only input.
 */
export function inputClasses(data: Pick<StudyData, 'classNames' | 'labels'>, classInput: ClassInput): string[] {
  return classInput === 'auto' && data.labels && data.classNames.length >= 2 ? [...data.classNames] : [];
}

/**
 * The classes a trained predictor takes as inputs, read from its input width
 * (2 x proteins, plus one column per class with class inputs). A model whose
 * width fits neither this data's proteins nor its classes is an error naming both.
 */
export function modelClasses(model: Model, data: Pick<StudyData, 'classNames' | 'labels' | 'proteins'>): string[] {
  const shape = model.inputs[0]!.shape;
  const width = shape[shape.length - 1]!;
  const p = data.proteins.length;
  const k = width - 2 * p;
  if (k === 0) return [];
  if (data.labels && k === data.classNames.length) return [...data.classNames];
  throw new DataError(`the masked predictor takes ${width} inputs, which is neither 2 x ${p} proteins nor that plus one per class (${data.labels ? `${data.classNames.length} classes` : 'no class column'}); use the model trained on this data with the same --class-column`);
}

/** What model.relevance records of the predictor's input: its layout and the classes of its one-hot part. */
export function modelInputMetadata(model: Model, data: Pick<StudyData, 'classNames' | 'labels' | 'proteins'>): { input: string; classes: string[] } {
  const classes = modelClasses(model, data);
  return { input: classes.length ? '[x*m, (1-x)*m, class one-hot]' : '[x*m, (1-x)*m]', classes };
}

/** The one-hot class context of one row (empty without class inputs). */
export function classContext(data: Pick<StudyData, 'labels'>, classes: readonly string[], row: number): Float32Array {
  const out = new Float32Array(classes.length);
  if (classes.length) out[classes.indexOf(data.labels![row]!)] = 1;
  return out;
}

/**
 * Rows as [values with NaN -> 0, observed flags, class one-hot]: the input
 * transform needs all three, and a NaN must never reach the device.
 */
export function packRows(values: Float64Array, p: number, rows: readonly number[], context: (row: number) => Float32Array = () => new Float32Array(0)): { x: Float32Array; y: Float32Array; observed: Uint8Array; width: number } {
  const k = rows.length ? context(rows[0]!).length : 0;
  const width = 2 * p + k;
  const x = new Float32Array(rows.length * width);
  const y = new Float32Array(rows.length * p);
  const observed = new Uint8Array(rows.length * p);
  rows.forEach((r, i) => {
    for (let j = 0; j < p; j++) {
      const v = values[r * p + j]!;
      const ok = !Number.isNaN(v);
      x[i * width + j] = ok ? v : 0;
      x[i * width + p + j] = ok ? 1 : 0;
      y[i * p + j] = ok ? v : 0;
      observed[i * p + j] = ok ? 1 : 0;
    }
    if (k) x.set(context(r), i * width + 2 * p);
  });
  return { x, y, observed, width };
}

/** [x * v, (1 - x) * v, class one-hot] with v = observed - lossMask (visible = observed and not hidden). */
export function maskedInputTransform(p: number, classes = 0): (x: Tensor, ctx: { be: Backend; mask: Tensor | null }) => Tensor {
  return (x, { be, mask }) =>
    be.scope(() => {
      const rows = x.shape[0]!;
      const values = be.slice(x, [0, 0], [rows, p]);
      const observed = be.slice(x, [0, p], [rows, 2 * p]);
      const visible = mask ? be.sub(observed, mask) : observed;
      const first = be.mul(values, visible);
      const second = be.mul(be.affine(values, -1, 1), visible);
      return be.concat(classes ? [first, second, be.slice(x, [0, 2 * p], [rows, 2 * p + classes])] : [first, second], 1);
    });
}

export async function trainMaskedModel(be: Backend, data: StudyData, options: MaskedModelOptions, onEpoch?: (e: EpochReport, model: Model) => void | Promise<void>): Promise<TrainedMaskedModel> {
  const p = data.proteins.length;
  const classes = inputClasses(data, options.classInput);
  const { x, y, observed, width } = packRows(data.values, p, data.train, (r) => classContext(data, classes, r));
  const model = mlp(be, { inputs: 2 * p + classes.length, hidden: options.hidden, outputs: p, activation: 'relu', seed: options.seed });
  try {
    const history = await train(
      model,
      {
        x,
        y,
        xShape: [width],
        // 1 where the loss counts: hidden (not visible) and observed
        mask: ({ rows, generator }) => {
          const m = new Float32Array(rows.length * p);
          rows.forEach((r, i) => {
            const q = 0.01 + 0.98 * generator.uniform();
            for (let j = 0; j < p; j++) {
              const visible = generator.uniform() < q;
              m[i * p + j] = observed[r * p + j]! && !visible ? 1 : 0;
            }
          });
          return m;
        },
      },
      {
        seed: options.seed,
        epochs: options.epochs,
        batchSize: options.batchSize,
        loss: 'masked_mse',
        optimizer: options.optimizer === 'sgd' ? { type: 'sgd', momentum: options.momentum } : { type: options.optimizer },
        lr: options.lrSchedule === 'cosine' ? cosineLr(options.lr, { period: options.epochs, minLr: options.lr / 100 }) : options.lr,
        weightDecay: options.weightDecay,
        averageDecay: options.averageDecay,
        // without a validation split there is nothing to stop on: train every epoch
        ...(options.validationFraction > 0 ? { validation: options.validationFraction, earlyStopping: { patience: options.patience }, restoreBest: options.restoreBest ?? true } : {}),
        inputTransform: maskedInputTransform(p, classes.length),
        onEpoch: async (e) => {
          await onEpoch?.(e, model);
          await yieldToEventLoop(); // Ctrl-C stops training at the next epoch
        },
      },
    );
    return { model, history };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
