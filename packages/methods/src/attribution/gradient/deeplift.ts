/**
 * DeepLIFT with the rescale rule (Shrikumar et al. 2017), as Captum 0.7.0's
 * DeepLift computes it:
 *
 *   attribution = (x - baseline) ⊙ m,
 *
 * where m is the "multiplier" backpropagated with modified chain-rule terms:
 * - elementwise activations (ReLU, LeakyReLU, Sigmoid, Tanh): the secant
 *   slope (f(z) - f(z_ref)) / (z - z_ref), z_ref being the node's input when
 *   the model runs on the baseline (bias-propagated, not zero); where
 *   |z - z_ref| < eps (1e-10) the ordinary derivative is used instead;
 * - max pooling, `maxPool` option:
 *   - 'gradient' (default): the ordinary gradient (route to the arg-max), the
 *     default of the DeepLIFT authors' implementation. It is also what
 *     Captum 0.7.0 actually returns when a ReLU feeds the pool (the usual
 *     conv -> ReLU -> MaxPool block, and the reference fixture): there the
 *     ReLU's hook captures the pool's unmodified input gradient, so Captum's
 *     maxpool rule is computed and then lost (Captum issue #1104). With a
 *     baseline that is constant within each pooling window (a zero baseline
 *     behind conv + ReLU) it keeps summation-to-delta exact.
 *   - 'captum': Captum's intended rule (deep_lift.py `maxpool`): with
 *     y = pool(x), y_ref = pool(x_ref) and y_max = max(y, y_ref), the
 *     difference y - y_ref is split as (y_max - y_ref) routed to x's arg-max
 *     plus (y - y_max) routed to the baseline's arg-max; the routed sums
 *     divided by x - x_ref give the multiplier (the ordinary gradient where
 *     |x - x_ref| < eps). Summation-to-delta holds for any baseline.
 * - linear nodes (Dense, Conv2d, average pooling, BatchNorm, Flatten, Add, ...)
 *   keep the ordinary gradient, which is exact for them.
 * Softmax nodes keep their ordinary gradient (Captum has a special rule; put
 * the softmax outside the model, or explain logits).
 *
 * The model runs on the inputs (taped) and on the baseline rows (every
 * activation kept); the rules read the baseline values by value name. Row
 * sums equal f_t(x) - f_t(baseline) up to float32 rounding (summation to
 * delta), reported in `completeness`.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { BackwardRule, ForwardPass, Model, RuleSelector } from '../../model/model.js';
import { poolOptions } from '../../model/ops/pool.js';
import { batches, pick, readFloat, sliceRows } from '../common.js';
import { AttributionError, type Attribution, type CommonOptions } from '../types.js';
import { baselineRows, resolveBaseline, type BaselineSpec } from './baseline.js';
import { baselineDifferenceAttribution, openGradientMethod, explicitTargetsOrArgmax, gradientOfTargets, rowSize, targetParam } from './shared.js';

/** CLI name. */
export const DEEPLIFT = 'deeplift';

export const DEFAULT_DEEPLIFT_EPS = 1e-10;

export interface DeepLiftOptions extends CommonOptions {
  /** 'zero' (default), a constant, { mean: data } or a tensor (one row or one per row). */
  baseline?: BaselineSpec;
  /** |z - z_ref| below which the ordinary gradient is used (default 1e-10, Captum's). */
  eps?: number;
  /** Max-pool handling: 'gradient' (default) or 'captum' (see above). */
  maxPool?: DeepLiftMaxPoolMode;
}

export const DEEPLIFT_MAXPOOL_MODES = ['gradient', 'captum'] as const;
export type DeepLiftMaxPoolMode = (typeof DEEPLIFT_MAXPOOL_MODES)[number];

/** 1 where |d| < eps, else 0. */
function nearZero(be: Model['be'], d: Tensor, eps: number): Tensor {
  return be.scope(() => be.greater(be.full([1], eps), be.abs(d)));
}

/** A one-input node's input, output and output gradient, with its input and output in the reference (baseline) pass. */
function withReference(ctx: Parameters<BackwardRule['backward']>[0], reference: ForwardPass) {
  return {
    x: ctx.inputs[0]!,
    y: ctx.outputs[0]!,
    g: ctx.gradOutputs[0]!,
    xRef: reference.value(ctx.node.inputs[0]!),
    yRef: reference.value(ctx.node.outputs[0]!),
  };
}

/** Rescale rule for an elementwise activation; `reference` holds the baseline pass. */
function rescaleRule(reference: ForwardPass, eps: number): BackwardRule {
  return {
    name: 'deeplift-rescale',
    backward(ctx) {
      const { be } = ctx;
      const { x: z, y, g, xRef: zRef, yRef } = withReference(ctx, reference);
      return [be.scope(() => {
        const dz = be.sub(z, zRef);
        const small = nearZero(be, dz, eps);
        const safe = be.where(small, be.full([1], 1), dz);
        const secant = be.mul(g, be.div(be.sub(y, yRef), safe));
        const plain = ctx.backward([g])[0]!;
        return be.where(small, plain, secant);
      })];
    },
  };
}

/** Captum's max-pool rule (deep_lift.py `maxpool`). */
function maxPoolRule(reference: ForwardPass, eps: number): BackwardRule {
  return {
    name: 'deeplift-maxpool',
    backward(ctx) {
      const { be, node } = ctx;
      const { x, y, g, xRef, yRef } = withReference(ctx, reference);
      const options = poolOptions(node.attrs);
      return [be.scope(() => {
        const indices = ctx.saved[0] ?? be.maxPool2d(x, options).indices;
        const refIndices = be.maxPool2d(xRef, options).indices;
        const yMax = be.maximum(y, yRef);
        const routed = be.add(
          be.maxPool2dBackward(be.mul(g, be.sub(yMax, yRef)), indices, x.shape, options),
          be.maxPool2dBackward(be.mul(g, be.sub(y, yMax)), refIndices, x.shape, options),
        );
        const dx = be.sub(x, xRef);
        const small = nearZero(be, dx, eps);
        const safe = be.where(small, be.full([1], 1), dx);
        const plain = be.maxPool2dBackward(g, indices, x.shape, options);
        return be.where(small, plain, be.div(routed, safe));
      })];
    },
  };
}

/** The DeepLIFT rules for a model, given the baseline pass (kept activations). */
export function deepLiftRules(reference: ForwardPass, eps = DEFAULT_DEEPLIFT_EPS, maxPoolMode: DeepLiftMaxPoolMode = 'gradient'): RuleSelector {
  const rescale = rescaleRule(reference, eps);
  const maxPool = maxPoolMode === 'captum' ? maxPoolRule(reference, eps) : undefined;
  return (node) => {
    if (node.type === 'MaxPool2d') return maxPool;
    if (node.op.activation) return rescale;
    return undefined;
  };
}

export async function deepLift(model: Model, inputs: Tensor, options: DeepLiftOptions = {}): Promise<Attribution> {
  const method = DEEPLIFT;
  const be = model.be;
  const batchSize = openGradientMethod(method, model, inputs, options, ['target', 'batchSize', 'baseline', 'eps', 'maxPool']);
  const eps = options.eps ?? DEFAULT_DEEPLIFT_EPS;
  if (!Number.isFinite(eps) || eps < 0) throw new AttributionError(`${method}: eps must be a finite number >= 0, got ${eps}`);
  const maxPool = options.maxPool ?? 'gradient';
  if (!DEEPLIFT_MAXPOOL_MODES.includes(maxPool)) throw new AttributionError(`${method}: unknown maxPool '${String(maxPool)}'; choose ${DEEPLIFT_MAXPOOL_MODES.join(', ')}`);
  const explicit = await explicitTargetsOrArgmax(model, inputs, options.target);
  const rows = inputs.shape[0]!;
  const per = rowSize(inputs);
  const baseline = resolveBaseline(method, be, inputs, options.baseline);
  try {
    const x = await readFloat(inputs);
    const b = await readFloat(baseline.tensor);
    const values = new Float32Array(inputs.size);
    const targets = new Int32Array(rows);
    const expected = new Float32Array(rows);
    for (const [r0, r1] of batches(rows, batchSize)) {
      await be.asyncScope(async () => {
        const xb = sliceRows(be, inputs, r0, r1);
        const bb = baselineRows(be, baseline, r0, r1);
        const reference = model.forward(bb, { keep: 'all', tape: false });
        try {
          const t = explicit === 'argmax' ? 'argmax' : explicit.subarray(r0, r1);
          const r = await gradientOfTargets(model, xb, t, { rules: deepLiftRules(reference, eps, maxPool) });
          targets.set(r.targets, r0);
          const fx = pick(r.outputs, r.targets, r.width);
          const fb = pick(await readFloat(reference.output), r.targets, r.width);
          for (let i = 0; i < r1 - r0; i++) expected[r0 + i] = fx[i]! - fb[i]!;
          for (let row = r0; row < r1; row++) {
            const bOff = baseline.perRow ? row * per : 0;
            for (let i = 0; i < per; i++) {
              const at = row * per + i;
              values[at] = (x[at]! - b[bOff + i]!) * r.gradient[at - r0 * per]!;
            }
          }
        } finally {
          reference.dispose();
        }
      });
    }
    const params = { target: targetParam(options.target), baseline: baseline.description, eps, rule: 'rescale', maxPool, batchSize };
    return baselineDifferenceAttribution(method, params, targets, values, inputs.shape, expected);
  } finally {
    baseline.tensor.dispose();
  }
}
