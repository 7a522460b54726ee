/**
 * `relevance simulate`: a data set with a known network, in BEELINE's layout
 * (cells.csv, truth.csv, SOURCE.md), from one of the built-in simulators
 * (studies/networks/simulators.ts). Same options and seed, same bytes.
 */
import { checkDatasetTarget, DatasetExistsError, writeNetworkDataset, optionFlag } from '../../studies/networks/write-dataset.js';
import {
  SIMULATION_DEFAULTS,
  SIMULATION_KINDS,
  SimulationOptionError,
  checkSimulationSeed,
  resolveSimulationOptions,
  simulateNetwork,
  type SimulationKind,
  type SimulationOptions,
} from '../../studies/networks/simulators.js';
import type { Command } from '../command.js';
import { UsageError } from '../usage-error.js';

/** Per-kind defaults as one help line: 'default: linear-sem 1000, ..., hill-ode 500' (one value when the kinds that take the option agree). */
function defaultsOf(name: keyof SimulationOptions, fallback = ''): string {
  const kinds = SIMULATION_KINDS.filter((k) => name in SIMULATION_DEFAULTS[k]);
  const values = kinds.map((k) => SIMULATION_DEFAULTS[k][name] ?? fallback);
  if (values.every((v) => v === values[0])) return `default ${values[0]}`;
  return `default: ${kinds.map((k, i) => `${k} ${values[i]}`).join(', ')}`;
}

/** Command-line option -> simulator option. */
const NUMERIC_OPTIONS: ReadonlyArray<[flag: string, name: keyof SimulationOptions]> = [
  ['genes', 'genes'],
  ['samples', 'samples'],
  ['edges', 'edges'],
  ['max-parents', 'maxParents'],
  ['noise', 'noise'],
  ['block-size', 'blockSize'],
  ['cross-noise', 'crossNoise'],
  ['perturbation', 'perturbation'],
  ['tolerance', 'tolerance'],
  ['feedback', 'feedback'],
];

/** Option mistakes become usage errors (exit 2) naming the command-line flag; anything else passes through. */
function asUsageError(e: unknown, out: string): unknown {
  if (e instanceof SimulationOptionError) return new UsageError(`${optionFlag(e.option)}: ${e.message.replace(/^option \S+ /, '')}`);
  if (e instanceof DatasetExistsError) return new UsageError(`--out ${out} exists and is not empty; choose another folder or pass --force to replace it`);
  return e;
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'simulate a data set with a known network (BEELINE layout: cells.csv, truth.csv)',
  usage: 'simulate --kind <linear-sem|nonlinear-sem|relu-gated|hill-ode> --out <dir> [--genes N] [--samples N] [--seed S] [--force] [options]',
  description:
    'Kinds:\n' +
    '  linear-sem     linear Gaussian SEM on a random sparse DAG (unit variances); truth = DAG edges, sign of the coefficient\n' +
    "  nonlinear-sem  additive nonlinear SEM (tanh, sigmoid, relu, u^2, sin) on a random DAG; non-monotone edges get sign '+'\n" +
    "  relu-gated     Keyl et al. 2022: x = tanh(F2 ReLU(F1 (x0 + eps))) in blocks; truth = within-block pairs, both directions, sign '+'\n" +
    '  hill-ode       Hill-kinetics GRN, steady states under multifactorial perturbation (DREAM4/GeneNetWeaver); non-negative\n' +
    'Output folder: cells.csv (samples x genes, first column cell), truth.csv (source,target,sign), SOURCE.md (kind, options, seed, model).\n' +
    'Options that do not apply to the kind are refused.',
  options: [
    { name: 'kind', type: 'choice', choices: SIMULATION_KINDS, required: true, help: 'the simulator' },
    { name: 'out', type: 'string', required: true, placeholder: 'dir', help: 'the data-set folder to create' },
    { name: 'genes', type: 'integer', help: `number of genes (${defaultsOf('genes')})` },
    { name: 'samples', type: 'integer', help: `number of samples (${defaultsOf('samples')})` },
    { name: 'seed', type: 'integer', default: 1, help: 'random seed' },
    { name: 'edges', type: 'integer', help: 'DAG edges for linear-sem, nonlinear-sem, hill-ode (default round(1.5 x genes))' },
    { name: 'max-parents', type: 'integer', help: `most regulators of one gene (${defaultsOf('maxParents')})` },
    { name: 'noise', type: 'number', help: `SEMs: noise share of each gene's variance in (0, 1); relu-gated: input noise sd; hill-ode: log-normal measurement sd (${defaultsOf('noise')})` },
    { name: 'block-size', type: 'integer', help: `relu-gated: genes per block (${defaultsOf('blockSize')})` },
    { name: 'cross-noise', type: 'number', help: `relu-gated: share of the input-noise correlation spanning all genes, as in Keyl's data; not in the truth (${defaultsOf('crossNoise')})` },
    { name: 'perturbation', type: 'number', help: `hill-ode: log-normal sd of each sample's basal-rate perturbation (${defaultsOf('perturbation')})` },
    { name: 'tolerance', type: 'number', help: `hill-ode: steady when max |dx/dt| < tolerance (${defaultsOf('tolerance')})` },
    { name: 'feedback', type: 'integer', help: `hill-ode: extra edges from a gene back to one of its ancestors (feedback loops) (${defaultsOf('feedback')})` },
    { name: 'force', type: 'boolean', help: 'replace an existing non-empty --out folder' },
  ],
  examples: [
    'relevance simulate --kind linear-sem --genes 20 --samples 1000 --seed 1 --out sims/linear-sem',
    'relevance simulate --kind hill-ode --genes 15 --samples 500 --seed 7 --out sims/hill --force',
  ],
  async run(args, io) {
    const kind = args.string('kind') as SimulationKind;
    const out = args.string('out');
    const force = args.flag('force');
    const options: SimulationOptions = {};
    const applies = NUMERIC_OPTIONS.filter(([, name]) => name in SIMULATION_DEFAULTS[kind]).map(([flag]) => `--${flag}`);
    for (const [flag, name] of NUMERIC_OPTIONS) {
      const v = args.optionalNumber(flag);
      if (v === undefined) continue;
      if (!(name in SIMULATION_DEFAULTS[kind])) throw new UsageError(`--${flag} does not apply to --kind ${kind}; its options are ${applies.join(', ')}`);
      options[name] = v;
    }
    const seed = args.number('seed');
    try {
      checkDatasetTarget(out, force);
      resolveSimulationOptions(kind, options);
      checkSimulationSeed(seed);
      io.progress.start('simulate');
      const sim = simulateNetwork(kind, options, seed); // may still refuse an option it can only judge on the network (feedback)
      await writeNetworkDataset(sim, out, { force });
      io.progress.done(`${kind}: ${sim.samples.length} samples x ${sim.genes.length} genes, ${sim.truth.length} truth edges (seed ${sim.seed}); wrote ${out}/cells.csv, truth.csv, SOURCE.md`);
    } catch (e) {
      throw asUsageError(e, out);
    }
  },
};
