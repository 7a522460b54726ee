/**
 * The masked predictor (Keyl et al. 2022): an MLP that predicts every protein
 * from the others. Its input is [x * m, (1 - x) * m] so that a hidden value
 * (m = 0, both channels 0) differs from an observed zero (channels 0 and 1).
 * Every epoch each training row gets a fresh visibility q ~ U(0.01, 0.99) and a
 * Bernoulli(q) mask per protein; missing values are always hidden; the loss is
 * the MSE over the hidden, observed entries only.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { mlp, train, type EpochReport, type Model, type TrainHistory } from '@relevance/methods';
import type { StudyData } from './data.js';
import { yieldToEventLoop } from '../study-io.js';

export interface MaskedModelOptions {
  hidden: number[];
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: 'adam' | 'sgd';
  momentum: number;
  weightDecay: number;
  patience: number;
  validationFraction: number;
  seed: number;
}

export interface TrainedMaskedModel {
  model: Model;
  history: TrainHistory;
}

/**
 * Rows as [values with NaN -> 0, observed flags]: the input transform needs
 * both, and a NaN must never reach the device.
 */
export function packRows(values: Float64Array, p: number, rows: readonly number[]): { x: Float32Array; y: Float32Array; observed: Uint8Array } {
  const x = new Float32Array(rows.length * 2 * p);
  const y = new Float32Array(rows.length * p);
  const observed = new Uint8Array(rows.length * p);
  rows.forEach((r, i) => {
    for (let j = 0; j < p; j++) {
      const v = values[r * p + j]!;
      const ok = !Number.isNaN(v);
      x[i * 2 * p + j] = ok ? v : 0;
      x[i * 2 * p + p + j] = ok ? 1 : 0;
      y[i * p + j] = ok ? v : 0;
      observed[i * p + j] = ok ? 1 : 0;
    }
  });
  return { x, y, observed };
}

/** [x * v, (1 - x) * v] with v = observed - lossMask (visible = observed and not hidden). */
export function maskedInputTransform(p: number): (x: Tensor, ctx: { be: Backend; mask: Tensor | null }) => Tensor {
  return (x, { be, mask }) =>
    be.scope(() => {
      const rows = x.shape[0]!;
      const values = be.slice(x, [0, 0], [rows, p]);
      const observed = be.slice(x, [0, p], [rows, 2 * p]);
      const visible = mask ? be.sub(observed, mask) : observed;
      const first = be.mul(values, visible);
      const second = be.mul(be.affine(values, -1, 1), visible);
      return be.concat([first, second], 1);
    });
}

export async function trainMaskedModel(be: Backend, data: StudyData, options: MaskedModelOptions, onEpoch?: (e: EpochReport) => void): Promise<TrainedMaskedModel> {
  const p = data.proteins.length;
  const { x, y, observed } = packRows(data.values, p, data.train);
  const model = mlp(be, { inputs: 2 * p, hidden: options.hidden, outputs: p, activation: 'relu', seed: options.seed });
  try {
    const history = await train(
      model,
      {
        x,
        y,
        xShape: [2 * p],
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
        optimizer: options.optimizer === 'sgd' ? { type: 'sgd', momentum: options.momentum } : { type: 'adam' },
        lr: options.lr,
        weightDecay: options.weightDecay,
        // without a validation split there is nothing to stop on: train every epoch
        ...(options.validationFraction > 0 ? { validation: options.validationFraction, earlyStopping: { patience: options.patience }, restoreBest: true } : {}),
        inputTransform: maskedInputTransform(p),
        onEpoch: async (e) => {
          onEpoch?.(e);
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
