/**
 * Training losses: value and gradient with respect to the predictions,
 * computed on the device in one pass so the training loop never reads
 * anything back but (at most) the loss scalar.
 *
 * Every loss is a mean over "counted" entries: all entries (MSE), the entries
 * whose mask is 1 (masked MSE), or the rows weighted by their target class's
 * weight (cross-entropy, PyTorch's weighted mean). `total` and `count` are
 * returned next to the mean so a caller can combine batches exactly
 * (epoch loss = sum of totals / sum of counts).
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { ModelError } from '../model/op.js';

export interface LossOptions {
  /** 0/1 weights over the prediction entries (same shape as the predictions); masked losses only. */
  mask?: Tensor | null;
  /** Compute the gradient (default true). */
  grad?: boolean;
}

export interface LossOutput {
  /** The mean loss over the counted entries, shape [1]; 0 when nothing is counted. */
  value: Tensor;
  /** The sum of the (weighted) per-entry losses, shape [1]. */
  total: Tensor;
  /** The denominator of the mean (entries counted, or the sum of the targets' class weights), shape [1]. */
  count: Tensor;
  /** d value / d predictions (the predictions' shape); null when not requested. */
  grad: Tensor | null;
}

export interface Loss {
  readonly name: string;
  /** What the targets are: values shaped like the predictions, or int32 class indices [N]. */
  readonly targets: 'values' | 'classes';
  /** Whether the loss reads `options.mask` (and requires it). */
  readonly masked: boolean;
  /** The caller owns every tensor of the result. */
  compute(be: Backend, predictions: Tensor, targets: Tensor, options?: LossOptions): LossOutput;
}

function sameShape(a: Tensor, b: Tensor): boolean {
  return a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);
}

function expectSameShape(loss: string, what: string, predictions: Tensor, other: Tensor): void {
  if (!sameShape(predictions, other)) {
    throw new ModelError(`${loss}: ${what} [${other.shape.join(', ')}] must have the predictions' shape [${predictions.shape.join(', ')}]`);
  }
}

/** count where it is positive, else 1: a mean over nothing is 0 (its total is 0), never NaN. */
function safeDenominator(be: Backend, count: Tensor): Tensor {
  return be.scope(() => be.where(be.greater(count, be.zeros([1])), count, be.ones([1])));
}

/** Squared error, masked or not: the masked form divides by the number of masked entries. */
function squaredError(name: string, masked: boolean): Loss {
  return {
    name,
    targets: 'values',
    masked,
    compute(be, predictions, targets, options = {}) {
      expectSameShape(name, 'the targets', predictions, targets);
      const mask = options.mask ?? null;
      if (masked && !mask) throw new ModelError(`${name}: needs options.mask (0/1 over the prediction entries)`);
      if (!masked && mask) throw new ModelError(`${name}: got a mask; use maskedMseLoss() to average over masked entries only`);
      if (mask) expectSameShape(name, 'the mask', predictions, mask);
      const wantGrad = options.grad ?? true;
      return be.scope(() => {
        const diff = be.sub(predictions, targets);
        const kept = mask ? be.mul(diff, mask) : diff;
        // mask entries are 0/1, so (m d)^2 = m d^2 and the gradient 2 m d / count
        const total = be.sumAll(be.square(kept));
        if (!mask) {
          const n = predictions.size;
          const count = be.full([1], n);
          const value = be.scale(total, n > 0 ? 1 / n : 0);
          return { value, total, count, grad: wantGrad ? be.scale(kept, n > 0 ? 2 / n : 0) : null };
        }
        const count = be.sumAll(mask);
        const denominator = safeDenominator(be, count);
        const value = be.div(total, denominator);
        const grad = wantGrad ? be.div(be.scale(kept, 2), denominator) : null;
        return { value, total, count, grad };
      });
    },
  };
}

/** Mean squared error over every entry (PyTorch's MSELoss, reduction 'mean'). */
export function mseLoss(): Loss {
  return squaredError('mseLoss', false);
}

/**
 * Mean squared error over the entries where `options.mask` is 1, divided by
 * the number of such entries; a batch without masked entries gives loss 0 and
 * gradient 0 (not NaN).
 */
export function maskedMseLoss(): Loss {
  return squaredError('maskedMseLoss', true);
}

export interface CrossEntropyOptions {
  /** One weight per class (PyTorch's `weight`): the mean divides by the sum of the targets' weights. */
  classWeights?: readonly number[] | Float32Array;
}

/**
 * Cross-entropy on logits [N, C] with int32 class targets [N] (PyTorch's
 * CrossEntropyLoss, reduction 'mean'), numerically stable through log-softmax:
 * loss = -sum_n w[y_n] log softmax(z_n)[y_n] / sum_n w[y_n].
 */
export function crossEntropyLoss(options: CrossEntropyOptions = {}): Loss {
  const name = 'crossEntropyLoss';
  const weights = options.classWeights ? Float32Array.from(options.classWeights) : null;
  if (weights && weights.some((w) => !Number.isFinite(w) || w < 0)) {
    throw new ModelError(`${name}: class weights must be finite and non-negative, got [${[...weights].join(', ')}]`);
  }
  return {
    name,
    targets: 'classes',
    masked: false,
    compute(be, logits, targets, lossOptions = {}) {
      if (logits.rank !== 2) throw new ModelError(`${name}: logits must be [batch, classes], got [${logits.shape.join(', ')}]`);
      const [n, classes] = logits.shape as [number, number];
      if (targets.dtype !== 'int32' || targets.rank !== 1 || targets.shape[0] !== n) {
        throw new ModelError(`${name}: targets must be int32 class indices [${n}], got ${targets.dtype} [${targets.shape.join(', ')}]; build them with be.tensor(Int32Array.from(labels))`);
      }
      if (weights && weights.length !== classes) throw new ModelError(`${name}: ${weights.length} class weights for ${classes} classes`);
      if (lossOptions.mask) throw new ModelError(`${name}: does not take a mask; give unwanted rows a class weight of 0 instead`);
      const wantGrad = lossOptions.grad ?? true;
      return be.scope(() => {
        const logProbabilities = be.logSoftmax(logits, 1);
        const oneHot = be.oneHot(targets, classes, 1);
        // per-entry weight: w[y_n] at the target class, 0 elsewhere
        const entryWeights = weights ? be.mul(oneHot, be.tensor(weights, [1, classes])) : oneHot;
        const total = be.scale(be.sumAll(be.mul(entryWeights, logProbabilities)), -1);
        const count = be.sumAll(entryWeights);
        const denominator = safeDenominator(be, count);
        const value = be.div(total, denominator);
        let grad: Tensor | null = null;
        if (wantGrad) {
          // d/dz[n, j] = (w[y_n] softmax(z_n)[j] - w[y_n] [j == y_n]) / sum w[y]
          const rowWeights = be.sum(entryWeights, 1, true);
          const probabilities = be.exp(logProbabilities);
          grad = be.div(be.sub(be.mul(probabilities, rowWeights), entryWeights), denominator);
        }
        return { value, total, count, grad };
      });
    },
  };
}

export type LossName = 'mse' | 'masked_mse' | 'cross_entropy';

/** A loss from its name (cross-entropy without class weights). */
export function lossByName(name: LossName): Loss {
  switch (name) {
    case 'mse': return mseLoss();
    case 'masked_mse': return maskedMseLoss();
    case 'cross_entropy': return crossEntropyLoss();
    default: throw new ModelError(`unknown loss '${String(name)}'; choose 'mse', 'masked_mse' or 'cross_entropy'`);
  }
}
