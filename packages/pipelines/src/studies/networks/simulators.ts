/**
 * Built-in network simulators with a known truth, for benchmarking network
 * inference (our masked predictor + LRP against GENIE3, GRNBoost2, PIDC,
 * partial correlation) in the layout of BEELINE (Pratapa et al. 2020).
 *
 *   linear-sem     linear Gaussian SEM on a random sparse DAG (simulate-sem.ts)
 *   nonlinear-sem  additive nonlinear SEM on the same kind of DAG (simulate-sem.ts)
 *   relu-gated     Keyl et al. 2022's x = tanh(F2 ReLU(F1 (x0 + eps))) blocks (simulate-relu-gated.ts)
 *   hill-ode       Hill-kinetics GRN steady states under multifactorial perturbation,
 *                  as DREAM4 / GeneNetWeaver (simulate-hill.ts)
 *
 * Same kind + options + seed give the same values and truth, bit for bit. The
 * seed's generator is forked once, up front, into streams for the structure
 * and parameters, the calibration pilot, the samples and the measurement
 * noise, so changing `samples` keeps the network and its parameters.
 */
import { Generator } from '@relevance/core-wasm';
import { maxDagEdges, randomDag } from './simulate-dag.js';
import { columnsToRows, geneNames, sampleNames, SimulationOptionError } from './simulate-common.js';
import { linearSemModel, nonlinearSemModel, sampleLinearSem, sampleNonlinearSem, EDGE_FUNCTIONS, type LinearSemModel, type NonlinearSemModel } from './simulate-sem.js';
import { reluGatedModel, sampleReluGated, type ReluGatedModel } from './simulate-relu-gated.js';
import { hillModel, sampleHill, type HillModel } from './simulate-hill.js';

export { SimulationOptionError } from './simulate-common.js';

export const SIMULATION_KINDS = ['linear-sem', 'nonlinear-sem', 'relu-gated', 'hill-ode'] as const;
export type SimulationKind = (typeof SIMULATION_KINDS)[number];

export interface SimulationOptions {
  /** Number of genes (variables). */
  genes?: number;
  /** Number of samples (cells). */
  samples?: number;
  /** Edges of the random DAG (linear-sem, nonlinear-sem, hill-ode); default round(1.5 * genes), capped by what maxParents allows. */
  edges?: number;
  /** Most parents of one gene (DAG kinds). */
  maxParents?: number;
  /** SEMs: share of each gene's variance that is its own noise, in (0, 1). relu-gated: sd of the input noise. hill-ode: sd of the log-normal measurement noise. */
  noise?: number;
  /** relu-gated: genes per block. */
  blockSize?: number;
  /** hill-ode: sd of the log-normal perturbation of every basal rate, per sample. */
  perturbation?: number;
  /** hill-ode: a state is steady when max_i |dx_i/dt| < tolerance. */
  tolerance?: number;
  /** relu-gated: share of the input-noise correlation that spans all genes (Keyl's setting), in [0, 1); not in the truth. */
  crossNoise?: number;
  /** hill-ode: extra edges from a gene back to one of its ancestors (feedback loops), on top of `edges`. */
  feedback?: number;
}

export type OptionName = keyof SimulationOptions;

/** Defaults per kind; `edges` is filled from `genes` when not given. Only the options listed here apply to a kind. */
export const SIMULATION_DEFAULTS: Readonly<Record<SimulationKind, Readonly<SimulationOptions>>> = {
  'linear-sem': { genes: 20, samples: 1000, edges: undefined, maxParents: 3, noise: 0.5 },
  'nonlinear-sem': { genes: 20, samples: 1000, edges: undefined, maxParents: 3, noise: 0.5 },
  'relu-gated': { genes: 20, samples: 1000, blockSize: 5, noise: 0.2, crossNoise: 0 },
  'hill-ode': { genes: 20, samples: 500, edges: undefined, maxParents: 3, noise: 0.1, perturbation: 0.3, tolerance: 1e-8, feedback: 0 },
};

export interface TruthEdge {
  source: string;
  target: string;
  /** '+' activation / positive effect, '-' repression / negative effect; '+' by convention where the model defines no sign (see each kind). */
  sign: '+' | '-';
}

export type SimulationModel = LinearSemModel | NonlinearSemModel | ReluGatedModel | HillModel;

export interface SimulatedNetwork {
  kind: SimulationKind;
  /** The resolved options (defaults filled in), only those that apply to the kind. */
  options: SimulationOptions;
  seed: number;
  genes: string[];
  samples: string[];
  /** Row-major samples x genes. */
  values: Float64Array;
  /** Directed edges, sorted by source then target gene; undirected truths list both directions. */
  truth: TruthEdge[];
  /** The generating model's parameters (gene indices, not names). */
  model: SimulationModel;
}

function requireInteger(name: OptionName, value: number, lo: number, hi: number, fix = ''): void {
  if (!Number.isInteger(value) || value < lo || value > hi) {
    throw new SimulationOptionError(name, `option ${name} must be a whole number from ${lo} to ${hi}, got ${value}${fix}`);
  }
}

function requireRange(name: OptionName, value: number, lo: number, hi: number, open: boolean): void {
  const ok = Number.isFinite(value) && (open ? value > lo && value < hi : value >= lo && value <= hi);
  if (!ok) throw new SimulationOptionError(name, `option ${name} must lie in ${open ? '(' : '['}${lo}, ${hi}${open ? ')' : ']'}, got ${value}`);
}

/** Fill in defaults and check every option for the kind; errors name the option and say what to give. */
export function resolveSimulationOptions(kind: SimulationKind, options: SimulationOptions = {}): SimulationOptions {
  const defaults = SIMULATION_DEFAULTS[kind];
  if (!defaults) throw new SimulationOptionError('kind', `unknown simulation kind '${String(kind)}'; use one of ${SIMULATION_KINDS.join(', ')}`);
  const allowed = Object.keys(defaults) as OptionName[];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!allowed.includes(key as OptionName)) throw new SimulationOptionError(key, `option ${key} does not apply to ${kind}; its options are ${allowed.join(', ')}`);
  }
  const o: SimulationOptions = { ...defaults };
  for (const key of allowed) if (options[key] !== undefined) o[key] = options[key];
  requireInteger('genes', o.genes!, 3, 1000);
  requireInteger('samples', o.samples!, 10, 1_000_000);
  if (allowed.includes('maxParents')) {
    requireInteger('maxParents', o.maxParents!, 1, 10);
    const most = maxDagEdges(o.genes!, o.maxParents!);
    if (o.edges === undefined) o.edges = Math.min(Math.round(1.5 * o.genes!), most);
    requireInteger('edges', o.edges, 1, most, ` (a DAG on ${o.genes} genes with at most ${o.maxParents} parents each holds at most ${most}; raise maxParents or lower edges)`);
  }
  if (kind === 'linear-sem' || kind === 'nonlinear-sem') requireRange('noise', o.noise!, 0, 1, true);
  if (kind === 'relu-gated') {
    requireRange('noise', o.noise!, 0, 10, false);
    requireInteger('blockSize', o.blockSize!, 2, o.genes!, ' (a block needs at least 2 genes and at most all of them)');
    if (!(o.crossNoise! >= 0 && o.crossNoise! < 1)) throw new SimulationOptionError('crossNoise', `option crossNoise must lie in [0, 1), got ${o.crossNoise}`);
  }
  if (kind === 'hill-ode') {
    requireRange('noise', o.noise!, 0, 2, false);
    requireRange('perturbation', o.perturbation!, 0, 2, false);
    requireRange('tolerance', o.tolerance!, 0, 0.01, false);
    if (o.tolerance === 0) throw new SimulationOptionError('tolerance', 'option tolerance must be above 0 (a residual of exactly 0 is never reached); try 1e-8');
    requireInteger('feedback', o.feedback!, 0, o.genes!, ' (feedback edges come on top of edges, at most as many as genes)');
  }
  return o;
}

/** Throws SimulationOptionError('seed') unless seed is a whole number in [0, 2^53 - 1]. */
export function checkSimulationSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) {
    throw new SimulationOptionError('seed', `seed must be a whole number from 0 to 2^53 - 1, got ${seed}`);
  }
}

function named(genes: string[], edges: Array<{ source: number; target: number; sign: '+' | '-' }>): TruthEdge[] {
  return [...edges]
    .sort((a, b) => a.source - b.source || a.target - b.target)
    .map((e) => ({ source: genes[e.source]!, target: genes[e.target]!, sign: e.sign }));
}

/** Simulate one data set of `kind` with a known network. See each model's file for its equations. */
export function simulateNetwork(kind: SimulationKind, options: SimulationOptions = {}, seed = 1): SimulatedNetwork {
  const o = resolveSimulationOptions(kind, options);
  checkSimulationSeed(seed);
  const root = new Generator(seed);
  const structureG = root.fork();
  const pilotG = root.fork();
  const dataG = root.fork();
  const measureG = root.fork();
  const p = o.genes!;
  const n = o.samples!;
  const genes = geneNames(p);
  const base = { kind, options: o, seed, genes, samples: sampleNames(n) };
  if (kind === 'relu-gated') {
    const model = reluGatedModel(p, o.blockSize!, o.noise!, o.crossNoise!, structureG);
    const pairs = model.blocks.flatMap((b) => b.flatMap((i) => b.filter((j) => j !== i).map((j) => ({ source: i, target: j, sign: '+' as const }))));
    return { ...base, values: sampleReluGated(model, n, dataG), truth: named(genes, pairs), model };
  }
  const dag = randomDag(p, o.edges!, o.maxParents!, structureG);
  if (kind === 'linear-sem') {
    const model = linearSemModel(dag, o.noise!, structureG);
    const truth = named(genes, model.edges.map((e) => ({ ...e, sign: e.weight > 0 ? '+' : '-' })));
    return { ...base, values: columnsToRows(sampleLinearSem(model, n, dataG), n), truth, model };
  }
  if (kind === 'nonlinear-sem') {
    const model = nonlinearSemModel(dag, o.noise!, structureG, pilotG);
    // monotone functions (tanh, sigmoid, relu) are increasing, so the sign is the weight's; non-monotone ones get '+' by convention
    const truth = named(genes, model.edges.map((e) => ({ ...e, sign: EDGE_FUNCTIONS[e.fn]!.monotone && e.weight < 0 ? '-' : '+' })));
    return { ...base, values: columnsToRows(sampleNonlinearSem(model, n, dataG), n), truth, model };
  }
  const model = sampleHill(hillModel(dag, o.feedback!, o.tolerance!, structureG), n, o.perturbation!, o.tolerance!, dataG);
  const values = model.steadyStates.map((x) => x * Math.exp(o.noise! * measureG.normal()));
  return { ...base, values, truth: named(genes, model.edges), model };
}

export interface BuiltinSimulation {
  name: string;
  kind: SimulationKind;
  options: SimulationOptions;
  seed: number;
}

/** One default configuration per kind, with a fixed seed: what the network benchmark runs. */
export const BUILTIN_SIMULATIONS: readonly BuiltinSimulation[] = [
  { name: 'linear-sem-20', kind: 'linear-sem', options: { genes: 20, samples: 1000 }, seed: 101 },
  { name: 'nonlinear-sem-20', kind: 'nonlinear-sem', options: { genes: 20, samples: 1000 }, seed: 202 },
  { name: 'relu-gated-20', kind: 'relu-gated', options: { genes: 20, samples: 1000, blockSize: 5 }, seed: 303 },
  { name: 'hill-ode-20', kind: 'hill-ode', options: { genes: 20, samples: 500, feedback: 2 }, seed: 404 },
];

/** Run one built-in configuration by name. */
export function simulateBuiltin(name: string): SimulatedNetwork {
  const b = BUILTIN_SIMULATIONS.find((s) => s.name === name);
  if (!b) throw new Error(`unknown built-in simulation '${name}'; use one of ${BUILTIN_SIMULATIONS.map((s) => s.name).join(', ')}`);
  return simulateNetwork(b.kind, b.options, b.seed);
}
