/**
 * Gene regulatory network with Hill kinetics, sampled as steady states under
 * multifactorial perturbation, in the manner of DREAM4 / GeneNetWeaver
 * (Marbach et al. 2009, J Comput Biol 16:229; Marbach et al. 2010, PNAS 107:6286;
 * Schaffter et al. 2011, Bioinformatics 27:2263):
 *
 *   dx_i/dt = m_i · f_i(x) − λ_i · x_i
 *   f_i     = α_i + (1 − α_i) · mean_j h_ij(x_j)      (regulated genes; f = 1 for roots)
 *   h_ij    = x^n / (k^n + x^n)   (activation, sign '+')
 *           = k^n / (k^n + x^n)   (repression, sign '−')
 *
 * Regulators act as independent modules combined additively (their mean), so
 * each one moves its target in the direction of its sign whatever the others do.
 * Network: the random DAG of simulate-dag.ts. Parameters: λ ~ U(0.5, 1.5),
 * m ~ U(0.5, 2), α ~ U(0, 0.1), n ~ U(1, 3), activation with probability 0.6,
 * k = (wild-type steady state of the regulator) · exp(U(−0.5, 0.5)), so each
 * regulator works in the sensitive range of its Hill curve.
 *
 * Sample s: every basal rate is perturbed, m_i^(s) = m_i · exp(perturbation · z),
 * z ~ N(0, 1); from the wild-type state the ODE is integrated with RK4 until
 * max_i |dx_i/dt| < tolerance. A sample that does not converge is an error.
 * Measurement: y = x · exp(noise · z') (log-normal, so values stay ≥ 0).
 */
import type { Generator } from '@relevance/core-wasm';
import type { Dag } from './simulate-dag.js';

export interface HillEdge {
  source: number;
  target: number;
  sign: '+' | '-';
  n: number;
  k: number;
}

export interface HillModel {
  type: 'hill-ode';
  dag: Dag;
  edges: HillEdge[];
  /** Per gene. */
  maxRate: Float64Array;
  decay: Float64Array;
  basalShare: Float64Array;
  /** Unperturbed steady state. */
  wildType: Float64Array;
  /** Per sample x gene (row-major): the perturbed rates m_i^(s) and the noise-free steady states. */
  rates: Float64Array;
  steadyStates: Float64Array;
  /** Largest max_i |dx_i/dt| over all samples at the returned steady states. */
  maxResidual: number;
}

/** f_i(x): the production share of gene i given the levels x. */
export function hillProduction(basalShare: ArrayLike<number>, into: readonly HillEdge[], i: number, x: ArrayLike<number>): number {
  if (!into.length) return 1;
  let sum = 0;
  for (const e of into) {
    const xn = Math.pow(Math.max(x[e.source]!, 0), e.n);
    const kn = Math.pow(e.k, e.n);
    sum += e.sign === '+' ? xn / (kn + xn) : kn / (kn + xn);
  }
  const a = basalShare[i]!;
  return a + ((1 - a) * sum) / into.length;
}

/** Edges into each gene, indexed by target. */
export function edgesByTarget(model: Pick<HillModel, 'edges' | 'decay'>): HillEdge[][] {
  const by: HillEdge[][] = Array.from({ length: model.decay.length }, () => []);
  for (const e of model.edges) by[e.target]!.push(e);
  return by;
}

/** dx/dt at x for rates m (writes into out; returns max |dx_i/dt|). */
export function hillDerivative(model: Pick<HillModel, 'basalShare' | 'decay'>, into: HillEdge[][], m: ArrayLike<number>, x: ArrayLike<number>, out: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = m[i]! * hillProduction(model.basalShare, into[i]!, i, x) - model.decay[i]! * x[i]!;
    worst = Math.max(worst, Math.abs(out[i]!));
  }
  return worst;
}

/** RK4 from x0 until max |dx/dt| < tolerance (or maxSteps): the steady state, its residual, whether it converged. */
export function hillSteadyState(
  model: Pick<HillModel, 'edges' | 'basalShare' | 'decay'>,
  m: ArrayLike<number>,
  x0: ArrayLike<number>,
  tolerance: number,
  maxSteps = 5000,
): { x: Float64Array; residual: number; steps: number; converged: boolean } {
  const p = x0.length;
  const into = edgesByTarget(model);
  const dt = 0.5 / Math.max(...model.decay); // RK4 is stable for decay * dt < 2.78
  const x = Float64Array.from(x0);
  const k1 = new Float64Array(p), k2 = new Float64Array(p), k3 = new Float64Array(p), k4 = new Float64Array(p), tmp = new Float64Array(p);
  let residual = hillDerivative(model, into, m, x, k1);
  let steps = 0;
  while (residual >= tolerance && steps < maxSteps) {
    for (let i = 0; i < p; i++) tmp[i] = x[i]! + 0.5 * dt * k1[i]!;
    hillDerivative(model, into, m, tmp, k2);
    for (let i = 0; i < p; i++) tmp[i] = x[i]! + 0.5 * dt * k2[i]!;
    hillDerivative(model, into, m, tmp, k3);
    for (let i = 0; i < p; i++) tmp[i] = x[i]! + dt * k3[i]!;
    hillDerivative(model, into, m, tmp, k4);
    for (let i = 0; i < p; i++) x[i] = Math.max(0, x[i]! + (dt / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
    residual = hillDerivative(model, into, m, x, k1);
    steps++;
  }
  return { x, residual, steps, converged: residual < tolerance };
}

/** Kinetic parameters on the DAG; k is set from the wild-type levels, computed in causal order. */
export function hillModel(dag: Dag, g: Generator): Omit<HillModel, 'rates' | 'steadyStates' | 'maxResidual'> {
  const p = dag.order.length;
  const decay = Float64Array.from({ length: p }, () => 0.5 + g.uniform());
  const maxRate = Float64Array.from({ length: p }, () => 0.5 + 1.5 * g.uniform());
  const basalShare = Float64Array.from({ length: p }, () => 0.1 * g.uniform());
  const wildType = new Float64Array(p);
  const edges: HillEdge[] = [];
  for (const i of dag.order) {
    const into: HillEdge[] = dag.parents[i]!.map((j) => ({
      source: j,
      target: i,
      sign: g.uniform() < 0.6 ? '+' : '-',
      n: 1 + 2 * g.uniform(),
      k: wildType[j]! * Math.exp(g.uniform() - 0.5),
    }));
    edges.push(...into);
    wildType[i] = (maxRate[i]! * hillProduction(basalShare, into, i, wildType)) / decay[i]!;
  }
  return { type: 'hill-ode', dag, edges, maxRate, decay, basalShare, wildType };
}

/** Steady states of `samples` multifactorial perturbations; throws when any sample does not converge. */
export function sampleHill(
  base: Omit<HillModel, 'rates' | 'steadyStates' | 'maxResidual'>,
  samples: number,
  perturbation: number,
  tolerance: number,
  g: Generator,
): HillModel {
  const p = base.decay.length;
  const rates = new Float64Array(samples * p);
  const steadyStates = new Float64Array(samples * p);
  let maxResidual = 0;
  const failed: number[] = [];
  for (let s = 0; s < samples; s++) {
    const m = base.maxRate.map((v) => v * Math.exp(perturbation * g.normal()));
    rates.set(m, s * p);
    const r = hillSteadyState(base, m, base.wildType, tolerance);
    if (!r.converged) failed.push(s);
    maxResidual = Math.max(maxResidual, r.residual);
    steadyStates.set(r.x, s * p);
  }
  if (failed.length) {
    throw new Error(
      `hill-ode: ${failed.length} of ${samples} samples did not reach a steady state (max |dx/dt| ${maxResidual.toExponential(2)} >= tolerance ${tolerance}; first: sample ${failed[0]! + 1}); ` +
        'raise the tolerance option or try another seed',
    );
  }
  return { ...base, rates, steadyStates, maxResidual };
}
