/**
 * The network simulators: reproducible, options checked, and the truth is the
 * network that generated the data (population precision for linear-sem,
 * dependence per edge for nonlinear-sem, converged steady states and signed
 * effects for hill-ode, block structure for relu-gated).
 */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { stats } from '@relevance/methods';
import {
  BUILTIN_SIMULATIONS,
  SIMULATION_KINDS,
  SimulationOptionError,
  simulateBuiltin,
  simulateNetwork,
  type SimulatedNetwork,
  type SimulationKind,
} from '../../../src/studies/networks/simulators.js';
import { EDGE_FUNCTIONS, type LinearSemModel, type NonlinearSemModel } from '../../../src/studies/networks/simulate-sem.js';
import { edgesByTarget, hillDerivative, hillSteadyState, type HillModel } from '../../../src/studies/networks/simulate-hill.js';
import type { ReluGatedModel } from '../../../src/studies/networks/simulate-relu-gated.js';
import { correlation } from '../../../src/studies/networks/simulate-common.js';

const SMALL = { genes: 12, samples: 200 };

function column(sim: SimulatedNetwork, j: number): Float64Array {
  const p = sim.genes.length;
  return Float64Array.from({ length: sim.samples.length }, (_, s) => sim.values[s * p + j]!);
}

function indexOf(sim: SimulatedNetwork): Map<string, number> {
  return new Map(sim.genes.map((g, i) => [g, i]));
}

/** Undirected skeleton AUROC of |partial correlation| (Ledoit-Wolf) against the truth. */
function partialCorrelationAuroc(sim: SimulatedNetwork): number {
  const p = sim.genes.length;
  const { partial } = stats.shrinkagePartialCorrelation({ values: sim.values, rows: sim.samples.length, cols: p });
  const idx = indexOf(sim);
  const truth = new Set(sim.truth.map((e) => [idx.get(e.source)!, idx.get(e.target)!].sort((a, b) => a - b).join(',')));
  const scores: number[] = [];
  const labels: boolean[] = [];
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) {
    scores.push(Math.abs(partial[a * p + b]!));
    labels.push(truth.has(`${a},${b}`));
  }
  return stats.auroc(scores, labels);
}

describe('simulateNetwork: reproducibility and options', () => {
  it.each(SIMULATION_KINDS.map((k) => [k]))('%s: same seed, same bytes; another seed, other values', (kind: SimulationKind) => {
    const opts = kind === 'hill-ode' ? { genes: 10, samples: 60 } : SMALL;
    const a = simulateNetwork(kind, opts, 7);
    const b = simulateNetwork(kind, opts, 7);
    const c = simulateNetwork(kind, opts, 8);
    expect(Buffer.from(a.values.buffer).equals(Buffer.from(b.values.buffer))).toBe(true);
    expect(JSON.stringify(a.truth)).toBe(JSON.stringify(b.truth));
    expect(Buffer.from(a.values.buffer).equals(Buffer.from(c.values.buffer))).toBe(false);
    if (kind !== 'relu-gated') expect(JSON.stringify(a.truth)).not.toBe(JSON.stringify(c.truth)); // relu-gated's truth is the fixed blocks
    expect(a.values.length).toBe(opts.samples * opts.genes);
    expect(a.values.every(Number.isFinite)).toBe(true);
    expect(a.truth.every((e) => e.source !== e.target && (e.sign === '+' || e.sign === '-'))).toBe(true);
  });

  it('more samples keep the same network and parameters (separate random streams)', () => {
    for (const kind of ['linear-sem', 'nonlinear-sem', 'hill-ode'] as const) {
      const a = simulateNetwork(kind, { genes: 10, samples: 50 }, 3);
      const b = simulateNetwork(kind, { genes: 10, samples: 120 }, 3);
      expect(b.truth).toEqual(a.truth);
      expect(JSON.stringify((b.model as LinearSemModel).edges)).toBe(JSON.stringify((a.model as LinearSemModel).edges));
    }
  });

  it('fills defaults and refuses bad options, naming them', () => {
    const d = simulateNetwork('linear-sem', { samples: 50 }, 1);
    expect(d.options).toEqual({ genes: 20, samples: 50, edges: 30, maxParents: 3, noise: 0.5 });
    expect(d.truth.length).toBe(30);
    const cases: Array<[SimulationKind, Record<string, number>, string, RegExp]> = [
      ['linear-sem', { genes: 2 }, 'genes', /genes must be a whole number from 3/],
      ['linear-sem', { samples: 10.5 }, 'samples', /samples must be a whole number/],
      ['linear-sem', { genes: 5, edges: 20 }, 'edges', /at most 3 parents each holds at most 9; raise maxParents or lower edges/],
      ['linear-sem', { noise: 1 }, 'noise', /noise must lie in \(0, 1\)/],
      ['nonlinear-sem', { blockSize: 4 }, 'blockSize', /blockSize does not apply to nonlinear-sem/],
      ['relu-gated', { edges: 10 }, 'edges', /edges does not apply to relu-gated/],
      ['relu-gated', { genes: 6, blockSize: 7 }, 'blockSize', /blockSize must be a whole number from 2 to 6/],
      ['relu-gated', { crossNoise: 1 }, 'crossNoise', /crossNoise must lie in \[0, 1\), got 1/],
      ['hill-ode', { perturbation: -0.1 }, 'perturbation', /perturbation must lie in \[0, 2\]/],
      ['hill-ode', { tolerance: 0 }, 'tolerance', /tolerance must be above 0/],
      ['hill-ode', { feedback: 21 }, 'feedback', /feedback must be a whole number from 0 to 20/],
      ['linear-sem', { feedback: 1 }, 'feedback', /feedback does not apply to linear-sem/],
      ['hill-ode', { genes: 5, edges: 1, feedback: 3, samples: 10 }, 'feedback', /feedback must be at most 1 here \(one loop per \(gene, ancestor\) pair of this DAG\), got 3/],
    ];
    for (const [kind, options, name, message] of cases) {
      let error: unknown;
      try {
        simulateNetwork(kind, options, 1);
      } catch (e) {
        error = e;
      }
      expect(error, `${kind} ${JSON.stringify(options)}`).toBeInstanceOf(SimulationOptionError);
      expect((error as SimulationOptionError).option).toBe(name);
      expect((error as Error).message).toMatch(message);
    }
    expect(() => simulateNetwork('linear-sem', {}, -1)).toThrow(/seed must be a whole number/);
    expect(() => simulateNetwork('tree' as SimulationKind, {}, 1)).toThrow(/unknown simulation kind 'tree'/);
  });

  it('the built-in list has one modest configuration per kind', () => {
    expect(BUILTIN_SIMULATIONS.map((b) => b.kind).sort()).toEqual([...SIMULATION_KINDS].sort());
    for (const b of BUILTIN_SIMULATIONS) {
      expect(b.options.genes).toBeLessThanOrEqual(30);
      expect(b.options.samples).toBeLessThanOrEqual(2000);
    }
    expect(() => simulateBuiltin('nope')).toThrow(/unknown built-in simulation 'nope'; use one of linear-sem-20/);
  });
});

/** Population precision of a linear SEM: (I - B) Omega^-1 (I - B)^T with B[source, target] = weight. */
function populationPrecision(model: LinearSemModel, p: number): Float64Array {
  const iMinusB = new Float64Array(p * p);
  for (let i = 0; i < p; i++) iMinusB[i * p + i] = 1;
  for (const e of model.edges) iMinusB[e.source * p + e.target]! -= e.weight;
  const theta = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) {
    let s = 0;
    for (let k = 0; k < p; k++) s += (iMinusB[a * p + k]! * iMinusB[b * p + k]!) / model.noiseSd[k]! ** 2;
    theta[a * p + b] = s;
  }
  return theta;
}

describe('linear-sem: the truth is the generating DAG', () => {
  it('the moralised truth is exactly the non-zero pattern of the population precision, and the data follow it', () => {
    const sim = simulateNetwork('linear-sem', { genes: 15, samples: 20000, edges: 24 }, 11);
    const p = sim.genes.length;
    const idx = indexOf(sim);
    const model = sim.model as LinearSemModel;
    // the model's edges are the truth's edges, with the coefficient's sign
    expect(model.edges.map((e) => `${sim.genes[e.source]}>${sim.genes[e.target]}${e.weight > 0 ? '+' : '-'}`).sort()).toEqual(sim.truth.map((e) => `${e.source}>${e.target}${e.sign}`).sort());
    expect(Math.min(...model.edges.map((e) => Math.abs(e.weight)))).toBeGreaterThan(0.05);
    // moral graph from truth.csv: edges plus every pair of co-parents
    const moral = new Set<string>();
    const key = (a: number, b: number): string => (a < b ? `${a},${b}` : `${b},${a}`);
    const parents: number[][] = Array.from({ length: p }, () => []);
    for (const e of sim.truth) {
      moral.add(key(idx.get(e.source)!, idx.get(e.target)!));
      parents[idx.get(e.target)!]!.push(idx.get(e.source)!);
    }
    for (const pa of parents) for (const a of pa) for (const b of pa) if (a !== b) moral.add(key(a, b));
    const theta = populationPrecision(model, p);
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) {
      expect(Math.abs(theta[a * p + b]!) > 1e-9, `pair ${sim.genes[a]}-${sim.genes[b]}`).toBe(moral.has(key(a, b)));
    }
    // the sample precision of 20,000 draws matches the population one; every variance is 1
    const { covariance } = sampleCovariance(sim);
    for (let j = 0; j < p; j++) expect(covariance[j * p + j]!).toBeCloseTo(1, 1);
    const empirical = stats.inverseSpd(covariance, p)!;
    let worst = 0;
    for (let k = 0; k < p * p; k++) worst = Math.max(worst, Math.abs(empirical[k]! - theta[k]!));
    expect(worst).toBeLessThan(0.15);
  });

  it('partial correlation recovers the built-in linear-sem network (AUROC > 0.9)', () => {
    const b = BUILTIN_SIMULATIONS.find((s) => s.kind === 'linear-sem')!;
    expect(partialCorrelationAuroc(simulateBuiltin(b.name))).toBeGreaterThan(0.9);
  });
});

function sampleCovariance(sim: SimulatedNetwork): { covariance: Float64Array } {
  const p = sim.genes.length;
  const n = sim.samples.length;
  const mean = new Float64Array(p);
  for (let s = 0; s < n; s++) for (let j = 0; j < p; j++) mean[j]! += sim.values[s * p + j]! / n;
  const covariance = new Float64Array(p * p);
  for (let s = 0; s < n; s++) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) {
    covariance[a * p + b]! += ((sim.values[s * p + a]! - mean[a]!) * (sim.values[s * p + b]! - mean[b]!)) / n;
  }
  return { covariance };
}

/** Genes with a directed path to j, and j itself. */
function ancestors(sim: SimulatedNetwork): Set<number>[] {
  const idx = indexOf(sim);
  const p = sim.genes.length;
  const parents: number[][] = Array.from({ length: p }, () => []);
  for (const e of sim.truth) parents[idx.get(e.target)!]!.push(idx.get(e.source)!);
  return Array.from({ length: p }, (_, j) => {
    const seen = new Set<number>([j]);
    const stack = [j];
    while (stack.length) for (const q of parents[stack.pop()!]!) if (!seen.has(q)) seen.add(q), stack.push(q);
    return seen;
  });
}

describe('nonlinear-sem: every true edge carries dependence', () => {
  /** |corr(target, g(source))| for every edge, with the edge's own standardised function. */
  function edgeDependence(sim: SimulatedNetwork, shuffle?: Generator): number[] {
    const model = sim.model as NonlinearSemModel;
    return model.edges.map((e) => {
      let source = column(sim, e.source);
      if (shuffle) {
        const order = shuffle.permutation(source.length);
        const original = source;
        source = source.map((_, i) => original[order[i]!]!);
      }
      return Math.abs(correlation(column(sim, e.target), source.map(EDGE_FUNCTIONS[e.fn]!.f)));
    });
  }

  it('with up to 3 parents per gene, no edge is cancelled: each stands above the same statistic on shuffled parents', () => {
    const sim = simulateNetwork('nonlinear-sem', { genes: 20, samples: 5000 }, 5);
    const model = sim.model as NonlinearSemModel;
    expect(model.edges.length).toBe(30);
    expect(Math.max(...model.dag.parents.map((pa) => pa.length))).toBeGreaterThan(1);
    const real = edgeDependence(sim);
    const g = new Generator(99);
    const shuffled = [0, 1, 2, 3, 4].flatMap(() => edgeDependence(sim, g));
    console.log(`nonlinear-sem (30 edges): edge |corr| min ${Math.min(...real).toFixed(3)}, median ${stats.median(real).toFixed(3)}; shuffled max ${Math.max(...shuffled).toFixed(3)}`);
    expect(Math.min(...real)).toBeGreaterThan(0.07);
    expect(Math.min(...real)).toBeGreaterThan(Math.max(...shuffled));
    // the functions really differ: both monotone and non-monotone edges occur
    expect(new Set(model.edges.map((e) => EDGE_FUNCTIONS[e.fn]!.monotone)).size).toBe(2);
  });

  it('on a forest, true edges stand far above pairs that share no ancestor (independent by construction)', () => {
    const sim = simulateNetwork('nonlinear-sem', { genes: 20, samples: 5000, edges: 12 }, 5);
    const real = edgeDependence(sim);
    const anc = ancestors(sim);
    const background: number[] = [];
    for (let a = 0; a < sim.genes.length; a++) for (let b = 0; b < sim.genes.length; b++) {
      if (a === b || [...anc[a]!].some((q) => anc[b]!.has(q))) continue;
      background.push(Math.max(...EDGE_FUNCTIONS.map((f) => Math.abs(correlation(column(sim, b), column(sim, a).map(f.f))))));
    }
    background.sort((x, y) => x - y);
    expect(background.length).toBeGreaterThan(20);
    expect(Math.min(...real)).toBeGreaterThan(4 * background[Math.floor(0.95 * (background.length - 1))]!);
  });
});

describe('hill-ode: converged, non-negative steady states with signed effects', () => {
  const sim = simulateBuiltin('hill-ode-20');
  const model = sim.model as HillModel;
  const p = sim.genes.length;

  it('every sample is a steady state of its perturbed rates (residual < tolerance); values are non-negative', () => {
    const into = edgesByTarget(model);
    const out = new Float64Array(p);
    let worst = 0;
    for (let s = 0; s < sim.samples.length; s++) {
      worst = Math.max(worst, hillDerivative(model, into, model.rates.subarray(s * p, (s + 1) * p), model.steadyStates.subarray(s * p, (s + 1) * p), out));
    }
    expect(worst).toBeLessThan(sim.options.tolerance!);
    expect(worst).toBe(model.maxResidual);
    expect(sim.values.every((v) => v >= 0)).toBe(true);
    // the rates really were perturbed (not all the wild type)
    expect(correlation(column({ ...sim, values: model.rates }, 0), column({ ...sim, values: model.rates }, 1))).not.toBe(1);
    // without measurement noise the values are the steady states
    const clean = simulateNetwork('hill-ode', { genes: 8, samples: 30, noise: 0 }, 2);
    expect(Array.from(clean.values)).toEqual(Array.from((clean.model as HillModel).steadyStates));
  });

  it('raising a regulator moves its target in the direction of the sign, and signs show in the correlations', () => {
    let agreeKnock = 0;
    let agreeCorr = 0;
    for (const e of model.edges) {
      const up = Float64Array.from(model.maxRate);
      up[e.source]! *= 2;
      const r = hillSteadyState(model, up, model.wildType, 1e-10);
      expect(r.converged).toBe(true);
      const moved = r.x[e.target]! - model.wildType[e.target]!;
      if ((e.sign === '+' ? moved : -moved) > 0) agreeKnock++;
      const c = correlation(column(sim, e.source), column(sim, e.target));
      if ((e.sign === '+' ? c : -c) > 0) agreeCorr++;
    }
    console.log(`hill-ode-20: knock-up agrees with the sign on ${agreeKnock}/${model.edges.length} edges, correlation sign on ${agreeCorr}/${model.edges.length}`);
    expect(agreeKnock / model.edges.length).toBeGreaterThanOrEqual(0.9);
    expect(agreeCorr / model.edges.length).toBeGreaterThanOrEqual(0.75);
  });

  it('feedback edges close loops (target is a DAG ancestor of source), and the truth lists them', () => {
    const feedback = model.edges.filter((e) => e.feedback);
    expect(feedback.length).toBe(sim.options.feedback);
    expect(feedback.length).toBeGreaterThan(0);
    const position = new Map(model.dag.order.map((g, k) => [g, k]));
    const anc = ancestors(sim);
    for (const e of feedback) {
      expect(position.get(e.source)!).toBeGreaterThan(position.get(e.target)!);
      expect(anc[e.target]!.has(e.source), 'the feedback source reaches back to the target: a loop').toBe(true);
      expect(sim.truth).toContainEqual({ source: sim.genes[e.source], target: sim.genes[e.target], sign: e.sign });
    }
    expect(sim.truth.length).toBe(sim.options.edges! + sim.options.feedback!);
    // the wild type is a steady state of the full network, loops included
    const out = new Float64Array(p);
    expect(hillDerivative(model, edgesByTarget(model), model.maxRate, model.wildType, out)).toBeLessThan(sim.options.tolerance!);
  });

  it('a sample that does not reach a steady state is an error, never silent', () => {
    expect(() => simulateNetwork('hill-ode', { genes: 6, samples: 10, tolerance: 1e-300 }, 1)).toThrow(/hill-ode: 10 of 10 samples did not reach a steady state/);
  });
});

describe('relu-gated: dependence stays inside the blocks', () => {
  it('truth = within-block pairs both ways; cross-block pairs are uncorrelated', () => {
    const sim = simulateNetwork('relu-gated', { genes: 12, samples: 4000, blockSize: 4 }, 9);
    const model = sim.model as ReluGatedModel;
    expect(model.blocks).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
    expect(sim.truth.length).toBe(3 * 4 * 3);
    expect(sim.truth.every((e) => e.sign === '+')).toBe(true);
    const idx = indexOf(sim);
    const block = (g: string): number => Math.floor(idx.get(g)! / 4);
    expect(sim.truth.every((e) => block(e.source) === block(e.target))).toBe(true);
    expect(sim.values.every((v) => v > -1 && v < 1)).toBe(true);
    const cross: number[] = [];
    const within: number[] = [];
    for (let a = 0; a < 12; a++) for (let b = a + 1; b < 12; b++) {
      const c = Math.abs(correlation(column(sim, a), column(sim, b)));
      (Math.floor(a / 4) === Math.floor(b / 4) ? within : cross).push(c);
    }
    expect(Math.max(...cross)).toBeLessThan(0.06);
    expect(stats.median(within)).toBeGreaterThan(0.2);
    // crossNoise brings Keyl's all-gene noise correlation back: same truth, cross-block pairs now correlate
    const keyl = simulateNetwork('relu-gated', { genes: 12, samples: 4000, blockSize: 4, noise: 1, crossNoise: 0.9 }, 9);
    expect(keyl.truth).toEqual(sim.truth);
    let crossMax = 0;
    for (let a = 0; a < 12; a++) for (let b = a + 1; b < 12; b++) {
      if (Math.floor(a / 4) !== Math.floor(b / 4)) crossMax = Math.max(crossMax, Math.abs(correlation(column(keyl, a), column(keyl, b))));
    }
    expect(crossMax).toBeGreaterThan(0.1);
    // crossNoise 0 is the default, bit for bit
    expect(Array.from(simulateNetwork('relu-gated', { genes: 12, samples: 50, blockSize: 4, crossNoise: 0 }, 9).values)).toEqual(Array.from(simulateNetwork('relu-gated', { genes: 12, samples: 50, blockSize: 4 }, 9).values));
    // a leftover single gene joins the last block
    expect((simulateNetwork('relu-gated', { genes: 11, samples: 20, blockSize: 5 }, 1).model as ReluGatedModel).blocks.map((b) => b.length)).toEqual([5, 6]);
  });
});

describe('built-in simulations: partial correlation as a sanity check of truth against data', () => {
  it('reaches a useful AUROC on each', () => {
    const rows: string[] = [];
    for (const b of BUILTIN_SIMULATIONS) {
      const sim = simulateBuiltin(b.name);
      const auc = partialCorrelationAuroc(sim);
      rows.push(`${b.name}: ${sim.samples.length} x ${sim.genes.length}, ${sim.truth.length} truth edges, |partial correlation| AUROC ${auc.toFixed(3)}`);
      expect(auc, b.name).toBeGreaterThan(b.kind === 'linear-sem' ? 0.9 : 0.8);
    }
    console.log(rows.join('\n'));
  });
});
