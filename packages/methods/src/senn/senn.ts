/**
 * Self-explaining neural networks (Alvarez-Melis & Jaakkola 2018) for tables,
 * with the input features as concepts (h(x) = x, as in the paper's tabular
 * experiments): f_c(x) = Σ_j θ_cj(x) x_j, where θ is an MLP (the
 * "parametrizer") whose output is read as a classes x features matrix. The
 * relevances θ(x) are part of the forward pass: the explanation of class c is
 * the row θ_c(x) (coefficients) or θ_c(x) ⊙ x (relevance, summing to the logit).
 *
 * Graph: fc1, relu1, ..., theta (Dense to classes·features), aggregate
 * (SennAggregate of theta and the input) -> output.
 */
import { Generator, type Backend, type Tensor } from '@relevance/core-wasm';
import { Model, type NodeSpec } from '../model/model.js';
import { ModelError } from '../model/op.js';
import { initLayer } from '../training/initializers.js';
import { batches, checkOptions, concatHost, readFloat, resolveTargets, sliceRows } from '../attribution/common.js';
import { AttributionError, type Attribution, type CommonOptions, type RandomOptions } from '../attribution/types.js';

export const SENN_THETA = 'theta';
export const SENN_AGGREGATE = 'aggregate';

export interface SennOptions {
  inputs: number;
  /** Hidden widths of the parametrizer θ (default [64]). */
  hidden?: readonly number[];
  outputs: number;
  seed?: number | bigint;
  generator?: Generator;
}

/** A SENN classifier [batch, inputs] -> [batch, outputs] (logits). */
export function senn(be: Backend, options: SennOptions): Model {
  const { inputs, outputs } = options;
  const hidden = options.hidden ?? [64];
  for (const [what, v] of [['inputs', inputs], ['outputs', outputs], ...hidden.map((h, i) => [`hidden[${i}]`, h] as const)] as const) {
    if (!Number.isInteger(v) || (v as number) < 1) throw new ModelError(`senn: ${what} must be a positive integer, got ${v}`);
  }
  const generator = options.generator ?? (options.seed !== undefined ? new Generator(options.seed) : null);
  if (!generator) throw new ModelError('senn: pass a seed or a generator for the initial weights (randomness is always explicit)');
  const nodes: NodeSpec[] = [];
  let prev = 'input';
  let fanIn = inputs;
  hidden.forEach((width, i) => {
    const { weight, bias } = initLayer(be, 'kaiming_uniform', [width, fanIn], generator, { nonlinearity: 'relu' });
    nodes.push({ name: `fc${i + 1}`, type: 'Dense', inputs: [prev], outputs: [`fc${i + 1}:out`], params: { weight, bias: bias! } });
    nodes.push({ name: `relu${i + 1}`, type: 'ReLU', inputs: [`fc${i + 1}:out`], outputs: [`relu${i + 1}:out`] });
    prev = `relu${i + 1}:out`;
    fanIn = width;
  });
  const { weight, bias } = initLayer(be, 'xavier_uniform', [outputs * inputs, fanIn], generator, { nonlinearity: 'linear' });
  nodes.push({ name: SENN_THETA, type: 'Dense', inputs: [prev], outputs: [`${SENN_THETA}:out`], params: { weight, bias: bias! } });
  nodes.push({ name: SENN_AGGREGATE, type: 'SennAggregate', inputs: [`${SENN_THETA}:out`, 'input'], outputs: ['output'], attrs: { classes: outputs } });
  return new Model(be, { inputs: [{ name: 'input', shape: [-1, inputs] }], outputs: ['output'], nodes });
}

/** Whether the model is a SENN (its output is a SennAggregate of a θ node and the input). */
export function isSenn(model: Model): boolean {
  return model.nodes.some((n) => n.type === 'SennAggregate');
}

/** θ(x) for every row: [rows, classes · features], host values. */
export async function sennCoefficients(model: Model, x: Tensor, batchSize = 256): Promise<Float32Array> {
  const agg = model.nodes.find((n) => n.type === 'SennAggregate');
  if (!agg) throw new AttributionError(`senn: the model has no SennAggregate node; it is not a self-explaining network (train one with --model-type senn)`);
  const thetaNode = model.nodes.find((n) => n.outputs.includes(agg.inputs[0]!));
  if (!thetaNode) throw new AttributionError('senn: the SennAggregate input θ is not produced by a node');
  const rows = x.shape[0]!;
  const chunks: Float32Array[] = [];
  for (const [s, e] of batches(rows, batchSize)) {
    const xb = s === 0 && e === rows ? x : sliceRows(model.be, x, s, e);
    try {
      const pass = model.forward(xb, { keep: [thetaNode.name], tape: false });
      try {
        chunks.push(await readFloat(pass.activation(thetaNode.name)));
      } finally {
        pass.dispose();
      }
    } finally {
      if (xb !== x) xb.dispose();
    }
  }
  return concatHost(chunks);
}

export interface SennExplanationOptions extends CommonOptions, RandomOptions {
  /** 'relevance' (θ_c(x) ⊙ x, default: sums to the logit) or 'coefficients' (θ_c(x)). */
  output?: 'relevance' | 'coefficients';
}

/** The SENN's own explanation of the target class, as an attribution ([rows, features]). */
export async function sennExplanation(model: Model, x: Tensor, options: SennExplanationOptions = {}): Promise<Attribution> {
  checkOptions('senn', options, ['target', 'batchSize', 'output', 'seed']);
  if (x.rank !== 2) throw new AttributionError(`senn: the input must be [rows, features], got [${x.shape.join(', ')}]`);
  const rows = x.shape[0]!;
  const d = x.shape[1]!;
  const output = options.output ?? 'relevance';
  const theta = await sennCoefficients(model, x, options.batchSize);
  const k = theta.length / (rows * d);
  const targets = await resolveTargets(model, x, options.target);
  const xs = output === 'relevance' ? await readFloat(x) : null;
  const values = new Float32Array(rows * d);
  for (let r = 0; r < rows; r++) {
    const t = targets[r]!;
    for (let j = 0; j < d; j++) {
      const c = theta[r * k * d + t * d + j]!;
      values[r * d + j] = xs ? c * xs[r * d + j]! : c;
    }
  }
  return { method: 'senn', params: { output }, targets, values, shape: [rows, d] };
}
