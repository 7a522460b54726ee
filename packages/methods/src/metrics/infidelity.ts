/**
 * Infidelity (Yeh et al., NeurIPS 2019, eq. 1):
 *   INFD = E_I[(I^T phi - (f(x) - f(x - I)))^2],
 * estimated per row from `samples` seeded perturbations I:
 *   'gaussian' (default): I ~ N(0, std^2) per element, phi read as a local
 *     slope (e.g. a gradient); attributions that were multiplied by the input
 *     (input x gradient, integrated gradients) are divided by (x - baseline)
 *     first when `multipliedByInputs` is set, as Captum does;
 *   'removal': I = m * (x - baseline) with m_i ~ Bernoulli(removalProbability),
 *     and I^T phi read as sum_i m_i phi_i (Yeh et al.'s subset removal, for
 *     contribution-style attributions).
 * With `scaleInvariant`, phi is first scaled by the optimal
 * beta = E[I^T phi * d] / E[(I^T phi)^2] (Yeh et al., section 3), so the score
 * does not reward or punish the attribution's overall scale.
 */
import { Generator, toGenerator, type Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import type { Target } from '../attribution/types.js';
import { rowCopyOutputs } from './batched-outputs.js';
import type { RowScores } from './explanation-map.js';
import { baselineRows, type MetricBaseline } from './metric-baseline.js';
import { finiteMean, MetricError, metricTargets, positiveInteger, readExplainedRows, type Explanation } from './metric-inputs.js';

export interface InfidelityOptions {
  perturbation?: 'gaussian' | 'removal';
  /** 'gaussian': standard deviation of I (default 0.1, for standardised inputs). */
  std?: number;
  /** 'removal': probability that an element is removed (default 0.25). */
  removalProbability?: number;
  /** 'removal', and 'gaussian' with multipliedByInputs: the reference input (default 0). */
  baseline?: MetricBaseline;
  /** 'gaussian': the attribution is (x - baseline) * slope; divide it back (default false). */
  multipliedByInputs?: boolean;
  /** Scale phi by the optimal beta first (default false). */
  scaleInvariant?: boolean;
  /** Perturbations per row (default 50). */
  samples?: number;
  seed?: number | Generator;
  target?: Target;
  batchSize?: number;
}

const METRIC = 'infidelity';

/**
 * Each (row, sample) draws from its own forked stream, so I can be drawn again while
 * filling the copies instead of being stored (rows x samples x features may not fit).
 */
function forkSeeds(generator: Generator, count: number): (number | bigint)[] {
  return Array.from({ length: count }, () => generator.fork().seed);
}

interface DrawerSpec {
  kind: 'gaussian' | 'removal';
  std: number;
  probability: number;
  seeds: (number | bigint)[];
  samples: number;
  data: Float32Array;
  rowSize: number;
  baseline: (r: number) => ArrayLike<number>;
}

/** Draws perturbation I of (row, sample) into a buffer; for 'removal', `mask` holds the removed elements of the last draw. */
interface Drawer {
  draw(r: number, s: number, into: Float32Array): void;
  mask: Uint8Array;
  spec: DrawerSpec;
}

function perturbationDrawer(spec: DrawerSpec): Drawer {
  const { kind, std, probability, seeds, samples, data, rowSize, baseline } = spec;
  const mask = new Uint8Array(rowSize);
  const draw = (r: number, s: number, into: Float32Array): void => {
    const g = new Generator(seeds[r * samples + s]!);
    const x = data.subarray(r * rowSize, (r + 1) * rowSize);
    const b = baseline(r);
    for (let e = 0; e < rowSize; e++) {
      if (kind === 'gaussian') into[e] = std * g.normal();
      else {
        mask[e] = g.uniform() < probability ? 1 : 0;
        into[e] = mask[e] ? x[e]! - b[e]! : 0;
      }
    }
  };
  return { draw, mask, spec };
}

/** I^T phi of every (row, sample): phi read as a slope ('gaussian') or summed over the removed elements ('removal'). */
function perturbationDots(drawer: Drawer, values: ArrayLike<number>, multipliedByInputs: boolean, rows: number, samples: number): Float64Array {
  const { kind, data, rowSize, baseline } = drawer.spec;
  const mask = drawer.mask;
  const perturbation = new Float32Array(rowSize);
  const dots = new Float64Array(rows * samples);
  for (let r = 0; r < rows; r++) {
    const x = data.subarray(r * rowSize, (r + 1) * rowSize);
    const b = baseline(r);
    for (let s = 0; s < samples; s++) {
      drawer.draw(r, s, perturbation);
      let dot = 0;
      for (let e = 0; e < rowSize; e++) {
        const phi = values[r * rowSize + e]!;
        const i = perturbation[e]!;
        if (kind === 'removal') {
          if (mask[e]) dot += phi;
          continue;
        }
        let slope = phi;
        if (multipliedByInputs) {
          const dx = x[e]! - b[e]!;
          slope = Math.abs(dx) > 1e-12 ? phi / dx : 0;
        }
        dot += i * slope;
      }
      dots[r * samples + s] = dot;
    }
  }
  return dots;
}

/** Per row: the mean squared gap between (beta) I^T phi and f(x) - f(x - I); `outputs` holds f(x) then the samples' outputs per row. */
function infidelityPerRow(outputs: ArrayLike<number>, dots: Float64Array, rows: number, samples: number, scaleInvariant: boolean): Float64Array {
  const per = samples + 1;
  const perRow = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const f0 = outputs[r * per]!;
    let beta = 1;
    if (scaleInvariant) {
      let num = 0;
      let den = 0;
      for (let s = 0; s < samples; s++) {
        const dot = dots[r * samples + s]!;
        num += dot * (f0 - outputs[r * per + 1 + s]!);
        den += dot * dot;
      }
      beta = den > 0 ? num / den : 0;
    }
    let sum = 0;
    for (let s = 0; s < samples; s++) sum += (beta * dots[r * samples + s]! - (f0 - outputs[r * per + 1 + s]!)) ** 2;
    perRow[r] = sum / samples;
  }
  return perRow;
}

export async function infidelity(model: Model, inputs: Tensor, explanation: Explanation, options: InfidelityOptions = {}): Promise<RowScores> {
  const host = await readExplainedRows(METRIC, inputs, explanation);
  const { data, rows, rowSize, values } = host;
  const kind = options.perturbation ?? 'gaussian';
  if (kind !== 'gaussian' && kind !== 'removal') throw new MetricError(`${METRIC}: perturbation must be 'gaussian' or 'removal', got '${String(kind)}'`);
  const samples = positiveInteger(METRIC, 'samples', options.samples, 50);
  const std = options.std ?? 0.1;
  if (!(std > 0)) throw new MetricError(`${METRIC}: std must be > 0, got ${std}`);
  const probability = options.removalProbability ?? 0.25;
  if (!(probability > 0 && probability <= 1)) throw new MetricError(`${METRIC}: removalProbability must lie in (0, 1], got ${probability}`);
  const baseline = baselineRows(METRIC, host, options.baseline);
  const targets = await metricTargets(model, inputs, explanation, options.target);
  const generator = toGenerator(options.seed ?? 0);

  const draw = perturbationDrawer({ kind, std, probability, seeds: forkSeeds(generator, rows * samples), samples, data, rowSize, baseline });
  const dots = perturbationDots(draw, values, options.multipliedByInputs ?? false, rows, samples);
  const per = samples + 1;
  const scratch = new Float32Array(rowSize);
  // copy 0 of each row is the input, copy 1 + s the input minus perturbation s
  const outputs = await rowCopyOutputs(model, host, per, targets, (r, copy, x, out) => {
    if (copy === 0) {
      out.set(x);
      return;
    }
    draw.draw(r, copy - 1, scratch);
    for (let e = 0; e < rowSize; e++) out[e] = x[e]! - scratch[e]!;
  }, options.batchSize);
  const perRow = infidelityPerRow(outputs, dots, rows, samples, options.scaleInvariant ?? false);
  return { mean: finiteMean(perRow), perRow };
}
