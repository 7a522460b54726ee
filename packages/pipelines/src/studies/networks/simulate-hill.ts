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
 * Network: the random DAG of simulate-dag.ts, plus `feedback` edges from a gene
 * back to one of its ancestors (loops, as GeneNetWeaver's subnetworks of
 * E. coli and yeast have). Parameters: λ ~ U(0.5, 1.5),
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
import { SimulationOptionError } from './simulate-common.js';

export interface HillEdge {
  source: number;
  target: number;
  sign: '+' | '-';
  n: number;
  k: number;
  /** Set on the feedback edges (from a gene back to one of its DAG ancestors). */
  feedback?: true;
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
    const r = Math.pow(Math.max(x[e.source]!, 0) / e.k, e.n); // (x/k)^n: x^n/(k^n+x^n) = r/(1+r), k^n/(k^n+x^n) = 1/(1+r)
    const active = r === Infinity ? 1 : r / (1 + r);
    sum += e.sign === '+' ? active : 1 - active;
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

/** Proper ancestors of gene j in the DAG. */
function dagAncestors(dag: Dag, j: number): Set<number> {
  const seen = new Set<number>();
  const stack = [...dag.parents[j]!];
  while (stack.length) {
    const q = stack.pop()!;
    if (!seen.has(q)) {
      seen.add(q);
      stack.push(...dag.parents[q]!);
    }
  }
  return seen;
}

function randomHillEdge(source: number, target: number, level: number, g: Generator, feedback = false): HillEdge {
  const edge: HillEdge = { source, target, sign: g.uniform() < 0.6 ? '+' : '-', n: 1 + 2 * g.uniform(), k: level * Math.exp(g.uniform() - 0.5) };
  if (feedback) edge.feedback = true;
  return edge;
}

/**
 * Kinetic parameters on the DAG; k is set from the regulator's wild-type level, computed in causal order.
 * With `feedback` > 0, that many edges from a gene back to one of its DAG ancestors are added (each
 * closes a loop; k from the regulator's open-loop level) and the wild type is integrated to its steady state.
 */
export function hillModel(dag: Dag, feedback: number, tolerance: number, g: Generator): Omit<HillModel, 'rates' | 'steadyStates' | 'maxResidual'> {
  const p = dag.order.length;
  const decay = Float64Array.from({ length: p }, () => 0.5 + g.uniform());
  const maxRate = Float64Array.from({ length: p }, () => 0.5 + 1.5 * g.uniform());
  const basalShare = Float64Array.from({ length: p }, () => 0.1 * g.uniform());
  let wildType: Float64Array = new Float64Array(p);
  const edges: HillEdge[] = [];
  for (const i of dag.order) {
    const into = dag.parents[i]!.map((j) => randomHillEdge(j, i, wildType[j]!, g));
    edges.push(...into);
    wildType[i] = (maxRate[i]! * hillProduction(basalShare, into, i, wildType)) / decay[i]!;
  }
  if (feedback > 0) {
    // candidates: s -> t where t is an ancestor of s in the DAG, so each feedback edge closes a loop
    const backward = dag.order.flatMap((s) => [...dagAncestors(dag, s)].sort((a, b) => a - b).map((t) => [s, t] as const));
    if (backward.length < feedback) {
      throw new SimulationOptionError('feedback', `option feedback must be at most ${backward.length} here (one loop per (gene, ancestor) pair of this DAG), got ${feedback}; lower feedback or raise edges`);
    }
    const picks = Array.from(g.permutation(backward.length)).slice(0, feedback);
    for (const q of picks) edges.push(randomHillEdge(backward[q]![0], backward[q]![1], wildType[backward[q]![0]]!, g, true));
    const r = hillSteadyState({ edges, basalShare, decay }, maxRate, wildType, tolerance);
    if (!r.converged) {
      throw new Error(`hill-ode: with ${feedback} feedback edges the unperturbed network reaches no steady state (max |dx/dt| ${r.residual.toExponential(2)}); use fewer feedback edges or another seed`);
    }
    wildType = r.x;
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
