/**
 * `relevance study proteomics`: protein-influence networks per patient, per
 * class and for the cohort (after Keyl et al. 2022), compared with baselines
 * and known interactions in the same run. Without --data it runs on the
 * built-in synthetic cohort, whose true network is known.
 */
import type { BackendName } from '@relevance/core-wasm';
import { PROTEOMICS_DEFAULTS, runProteomicsStudy, type ProteomicsOptions } from '../../studies/proteomics/study.js';
import { commandStudyIO, defaultRunFolder } from '../../studies/study-io.js';
import type { ParsedArgs } from '../args.js';
import { runSummaryLines } from '../../studies/run-summary.js';
import type { Command } from '../command.js';
import { backendOption, FORCE_OPTION, ON_WASM, runFolderOption, THREADS_OPTION } from '../common-options.js';
import { UsageError } from '../usage-error.js';
import { parseShard } from '../../studies/proteomics/shard.js';
import { STAGES, validateProteomicsOptions, type Stage } from '../../studies/proteomics/study.js';
import { STAGE_OPTIONS, submitSlurm, writeSlurmScripts } from '../../studies/proteomics/slurm.js';
import type { CommandIO } from '../command.js';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

export { parseShard };

const D = PROTEOMICS_DEFAULTS;


/** --instance-top-k: a whole number, or all (null). */
function parseInstanceTopK(text: string): number | null {
  if (text.trim().toLowerCase() === 'all') return null;
  const k = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || !Number.isInteger(k)) throw new UsageError(`--instance-top-k: expects a whole number or all, got '${text}'`);
  return k;
}

/** --known-edges-columns a,b as a pair (none given: undefined). */
export function knownEdgesColumns(list: string[]): [string, string] | undefined {
  if (list.length === 0) return undefined;
  if (list.length !== 2 || list.some((c) => c === '')) throw new UsageError(`--known-edges-columns ${list.join(',')}: give two column names, source then target, e.g. --known-edges-columns source_firehose,target_firehose`);
  return [list[0]!, list[1]!];
}

const fixed = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '–');

/** This run's network against every baseline on the truth, best AUROC first (the benchmark adds spreads over seeds). */
export function runLeaderboard(m: Record<string, any>): string[] {
  const rows: Array<[string, Record<string, unknown>]> = [['relevance (this study)', m.network.cohort], ...Object.entries<Record<string, unknown>>(m.baselines ?? {}).filter(([, b]) => typeof b.auroc === 'number')];
  rows.sort((a, b) => (b[1].auroc as number) - (a[1].auroc as number));
  const width = Math.max(...rows.map(([name]) => name.length));
  const mine = rows.findIndex(([name]) => name.startsWith('relevance'));
  return [
    `this run against the truth (rank ${mine + 1} of ${rows.length} by AUROC):`,
    `  ${'method'.padEnd(width)}  AUROC  AUPR   EPR`,
    ...rows.map(([name, b]) => `  ${name.padEnd(width)}  ${fixed(b.auroc)}  ${fixed(b.aupr)}  ${fixed(b.epr)}`),
  ];
}

/** The study options from the parsed command line (also how apps/studio turns its form into options). */
export function proteomicsOptions(args: ParsedArgs): ProteomicsOptions {
  const topK = args.list('known-top-k').map((v) => {
    const k = Number(v);
    if (!Number.isInteger(k) || k < 1) throw new UsageError(`--known-top-k: '${v}' is not a positive integer`);
    return k;
  });
  return {
    ...D,
    data: args.optionalString('data'),
    sql: args.optionalString('sql'),
    idColumn: args.optionalString('id-column') === 'none' ? undefined : args.optionalString('id-column'),
    classColumn: args.optionalString('class-column'),
    features: args.optionalString('features'),
    maxMissing: args.number('max-missing'),
    transform: args.string('transform') as ProteomicsOptions['transform'],
    testFraction: args.number('test-fraction'),
    standardize: args.string('standardize') as ProteomicsOptions['standardize'],
    hidden: args.dims('hidden')!,
    classInput: args.string('class-input') as ProteomicsOptions['classInput'],
    epochs: args.number('epochs'),
    batchSize: args.number('batch-size'),
    lr: args.number('learning-rate'),
    optimizer: args.string('optimizer') as 'adam' | 'sgd',
    momentum: args.number('momentum'),
    weightDecay: args.number('weight-decay'),
    averageDecay: args.number('average-decay'),
    patience: args.number('patience'),
    validationFraction: args.number('validation-fraction'),
    masks: args.number('masks'),
    maskGroups: args.number('mask-groups'),
    replicates: args.number('replicates'),
    rule: args.string('rule') as ProteomicsOptions['rule'],
    gamma: args.number('gamma'),
    epsilon: args.number('epsilon'),
    minInstanceCorrelation: args.optionalNumber('min-instance-correlation') ?? null,
    truth: args.optionalString('truth'),
    knownEdges: args.optionalString('known-edges'),
    knownEdgesColumns: knownEdgesColumns(args.list('known-edges-columns')),
    knownEdgesMap: args.optionalString('known-edges-map'),
    directed: args.flag('directed'),
    topK,
    baselines: args.list('baselines').includes('none') ? [] : args.list('baselines'),
    instanceTopK: parseInstanceTopK(args.string('instance-top-k')),
    shard: parseShard(args.optionalString('shard')),
    stage: args.string('stage') as Stage,
    model: args.optionalString('model'),
    shards: args.list('shards'),
    out: args.optionalString('out') ?? defaultRunFolder('proteomics'),
    force: args.flag('force'),
    seed: args.number('seed'),
    backend: args.string('backend') as 'auto' | BackendName,
    threads: args.optionalNumber('threads'),
    synthetic: { ...D.synthetic, proteins: args.number('synthetic-proteins'), classes: args.number('synthetic-classes'), instancesPerClass: args.number('synthetic-instances-per-class'), seed: args.number('seed') },
    tsne: args.flag('tsne'),
  };
}

export const studyProteomicsCommand: Command = {
  name: 'proteomics',
  summary: 'protein-influence networks per patient, class and cohort from a masked predictor and LRP, with baselines and known interactions',
  usage: 'study proteomics [--data <table> | --sql <query>] [--class-column <c>] [--truth edges.csv] [--known-edges edges.csv] [options] [--out <dir>]',
  description:
    'Without --data or --sql the study runs on a built-in synthetic cohort with a known network (several classes with their own signalling modules) and reports how well it is recovered.\n' +
    'Data: values that are infinite or too large for float32 (Inf, 1e308) are read as missing values, with a warning naming the columns and rows; columns left out of the proteins (not numeric, too many missing values, class-like names) are named with the reason on stderr and in metrics.json data.dropped_columns; a repeated column name is an error.\n' +
    'Outputs (see docs/RUN-FOLDERS.md): config.json, manifest.json, model.relevance, model.onnx, edges_cohort, edges_class, edges_instance (top --instance-top-k pairs per patient), baselines, instances, training, curves, proteins, trust (Parquet; Arrow copies of the tables the report reads), instance_networks.npy (every patient x pair, float32) with instance_networks.json, metrics.json, report.html (self-contained). The run ends with its summary (as relevance summary <run>): headline figures, the trust panel (where baselines beat the network), top edges, fingerprints.\n' +
    'Scale-out (docs/SCALE-OUT.md): --stage train once, --stage networks --model <train>/model.relevance --shard i/n|auto per machine, --stage merge --shards <folders>; --slurm [--submit] writes (and submits) the three Slurm jobs.',
  options: [
    { name: 'data', type: 'string', placeholder: 'table', help: 'patients x proteins: .csv, .tsv, .parquet, .arrow or .json records (default: the synthetic cohort)' },
    { name: 'sql', type: 'string', placeholder: 'query', help: "read the data with a DuckDB query over files, e.g. \"select * from 'rppa.csv' where cancer_type in ('BRCA','OV')\"" },
    { name: 'id-column', type: 'string', placeholder: 'column|none', help: "patient id column; default detected (id, sample, sample_barcode, an unnamed index ...), else the row number", appliesIf: { anyGiven: ['data', 'sql'] } },
    { name: 'class-column', type: 'string', placeholder: 'column', help: 'optional class (e.g. cancer type): class networks, per-class standardisation, Kruskal-Wallis across classes', appliesIf: { anyGiven: ['data', 'sql'] } },
    { name: 'features', type: 'string', placeholder: 'names|/regex/', help: 'protein columns: names a,b,c or /regex/; default every numeric column except id and class', appliesIf: { anyGiven: ['data', 'sql'] } },
    { name: 'max-missing', type: 'number', default: D.maxMissing, help: 'drop proteins missing in more than this fraction of rows (with a warning)' },
    { name: 'transform', type: 'choice', choices: ['none', 'log', 'log1p', 'asinh'], default: D.transform, help: 'transform before standardising (skewed intensities: log1p or asinh; with none, the study prints a note when most proteins are non-negative and right-skewed)' },
    { name: 'test-fraction', type: 'number', default: D.testFraction, help: 'share of each class held out; instance networks are computed for these patients' },
    { name: 'standardize', type: 'choice', choices: ['global', 'per-class'], default: D.standardize, help: 'z-score with training statistics over all rows or within each class (RPPA level 3 is not batch-corrected across cancer types)' },
    { name: 'hidden', type: 'dims', default: [...D.hidden], placeholder: D.hidden.join(','), help: 'hidden layer sizes of the masked predictor (Keyl et al. used 10 x proteins in 3 to 5 layers; 256,256 is as accurate on their data and several times faster)' },
    { name: 'class-input', type: 'choice', choices: ['auto', 'off'], default: D.classInput, help: "auto: with a class column (and on the synthetic cohort) the masked predictor also gets each patient's class as one-hot inputs, always visible and never part of the network, so it learns relations that hold in one class only; off: proteins only, as Keyl et al." },
    { name: 'epochs', type: 'integer', default: D.epochs, help: 'most training epochs (early stopping on the hidden-entry validation MSE)' },
    { name: 'batch-size', type: 'integer', default: D.batchSize, help: 'training minibatch size' },
    { name: 'learning-rate', type: 'number', default: D.lr, help: 'learning rate' },
    { name: 'optimizer', type: 'choice', choices: ['adam', 'sgd'], default: D.optimizer, help: 'adam, or sgd with --momentum (Keyl et al.: SGD)' },
    { name: 'momentum', type: 'number', default: D.momentum, help: 'SGD momentum', appliesIf: { option: 'optimizer', is: ['sgd'] } },
    { name: 'weight-decay', type: 'number', default: D.weightDecay, help: 'L2 weight decay' },
    { name: 'average-decay', type: 'number', default: D.averageDecay, help: 'decay per epoch of a moving average of the weights that validation, early stopping and the networks use (Polyak averaging; smoother networks); 0 turns it off' },
    { name: 'patience', type: 'integer', default: D.patience, help: 'epochs without improvement before stopping' },
    { name: 'validation-fraction', type: 'number', default: D.validationFraction, help: 'share of the training rows for early stopping' },
    { name: 'masks', type: 'integer', default: D.masks, help: 'masks per target protein and predictor (each patient gets mask-groups x masks masks from each of the --replicates predictors); the default 34 with 3 predictors costs what 100 with one did (Keyl et al.: --replicates 1 --masks 100)' },
    { name: 'mask-groups', type: 'integer', default: D.maskGroups, placeholder: 'k', help: 'masks come in rounds of k, each protein hidden in one mask per round: when a target is explained, every other protein is visible with probability 1 - 1/k (2: half, as Keyl et al.; 4, the default: three quarters, which credits direct neighbours more; docs/BENCHMARKS.md section 1b)' },
    { name: 'replicates', type: 'integer', default: D.replicates, placeholder: 'k', help: 'train k masked predictors (seeds seed .. seed+k-1) on the same patients and average their relevance (the default 3 with --masks 34 scored above one predictor with 100 on every benchmark mean, docs/BENCHMARKS.md); prints and records how well their networks agree (Spearman), i.e. how much the network depends on the training seed; k times the training time, and k times the relevance time at a given --masks; with --stage, give the same k to every stage (train writes the k models, each shard explains with all of them, merge averages)' },
    { name: 'rule', type: 'string', default: D.rule, placeholder: 'rule|composite|layer=rule,...', help: "relevance rule, as explain --rule takes it: gamma (the sign-aware generalised gamma rule Keyl et al. use, gamma 0.01), epsilon, gradient-x-input, any LRP rule or composite, or rules per layer (fc1=gamma,fc2=epsilon)" },
    { name: 'gamma', type: 'number', default: D.gamma, help: 'gamma of the gamma rule', appliesIf: { option: 'rule', is: ['gamma'] } },
    { name: 'epsilon', type: 'number', default: D.epsilon, help: 'epsilon of the epsilon rule', appliesIf: { option: 'rule', is: ['epsilon'] } },
    { name: 'min-instance-correlation', type: 'number', help: 'leave patients whose hidden-protein predictions correlate less than this with the truth out of the class and cohort networks' },
    { name: 'truth', type: 'string', placeholder: 'edges.csv', help: 'true edges (columns source,target, optional class): AUROC/AUPR of cohort, class and patient networks and of every baseline' },
    { name: 'known-edges', type: 'string', placeholder: 'edges.csv', help: 'prior knowledge (columns source,target; e.g. Reactome): top-k hypergeometric enrichment and AUROC; warns on stderr and in the report when fewer than half of its pairs are in the data' },
    { name: 'known-edges-columns', type: 'list', placeholder: 'a,b', help: "the source and target columns of --known-edges (default source,target), e.g. source_firehose,target_firehose", appliesIf: { anyGiven: ['known-edges'] } },
    { name: 'known-edges-map', type: 'string', placeholder: 'names.csv', help: "map --known-edges names to the data's: a table whose first column is the list's name and second the data's (e.g. antibody_name_map_keyl_to_firehose.csv)", appliesIf: { anyGiven: ['known-edges'] } },
    { name: 'baselines', type: 'list', default: [...D.baselines], placeholder: 'names|none', help: `the field's methods computed next to the network on the training rows, timed: ${D.baselines.join(', ')} (GENIE3 and GRNBoost2 take the longest), or none` },
    { name: 'known-top-k', type: 'list', default: D.topK.map(String), placeholder: '36,100', help: 'k of the top-k enrichment', appliesIf: { anyGiven: ['known-edges'] } },
    { name: 'directed', type: 'boolean', help: 'evaluate directed edges (source predicts target) instead of undirected pairs' },
    { name: 'instance-top-k', type: 'string', default: String(D.instanceTopK), placeholder: 'k|all', help: "keep each patient's k strongest pairs in edges_instance (all: every pair); every patient's whole network is in instance_networks.npy" },
    { name: 'stage', type: 'choice', choices: [...STAGES], default: D.stage, help: 'all: the whole study in one process; or one stage (docs/SCALE-OUT.md): train (the model, once), networks (instance networks of --shard against --model), merge (--shards into the finished run)' },
    { name: 'model', type: 'string', placeholder: 'model.relevance', help: '--stage networks/merge: the model written by --stage train (checks that data, proteins, standardisation and split match it, naming what differs)' },
    { name: 'shards', type: 'list', placeholder: 'dirs', help: '--stage merge: the --out folders of --stage networks, or one folder holding them' },
    { name: 'slurm', type: 'boolean', help: 'write the study as three Slurm jobs (train, a network array of --array tasks, merge; each after the last) into <out>.slurm/ instead of running it; stage folders go to <out>.stages/' },
    { name: 'submit', type: 'boolean', help: 'with --slurm: submit the three jobs with sbatch', appliesIf: { anyGiven: ['slurm'] } },
    { name: 'array', type: 'integer', default: 4, help: 'with --slurm: network shards (Slurm array tasks)', appliesIf: { anyGiven: ['slurm'] } },
    { name: 'sbatch', type: 'list', placeholder: 'options', help: 'with --slurm: extra #SBATCH lines, e.g. --sbatch=--partition=short,--time=02:00:00', appliesIf: { anyGiven: ['slurm'] } },
    { name: 'shard', type: 'string', placeholder: 'i/n|auto', help: 'compute instance networks for every n-th test patient starting at i; auto reads SLURM_ARRAY_TASK_ID/_COUNT (or _MIN/_MAX), or JOB_COMPLETION_INDEX with auto/<n> or RELEVANCE_SHARD_COUNT (Kubernetes Indexed Job)' },
    { name: 'synthetic-proteins', type: 'integer', default: D.synthetic.proteins, help: 'synthetic cohort: proteins (a multiple of 5)', appliesIf: { noneGiven: ['data', 'sql'] } },
    { name: 'synthetic-classes', type: 'integer', default: D.synthetic.classes, help: 'synthetic cohort: classes', appliesIf: { noneGiven: ['data', 'sql'] } },
    { name: 'synthetic-instances-per-class', type: 'integer', default: D.synthetic.instancesPerClass, help: 'synthetic cohort: patients per class', appliesIf: { noneGiven: ['data', 'sql'] } },
    { name: 'tsne', type: 'boolean', default: D.tsne, help: 'embed the instance networks with t-SNE for the report' },
    { name: 'seed', type: 'integer', default: D.seed, help: 'seed of the split, the model, the masks and everything else random' },
    backendOption(D.backend, 'compute backend (auto = webgpu on a hardware GPU, else wasm)'),
    { ...THREADS_OPTION, help: 'worker threads for the wasm kernels and the baselines GENIE3, GRNBoost2, PIDC and CLR (default: the available cores; the same bytes for any count)', appliesIf: ON_WASM },
    runFolderOption('proteomics'),
    FORCE_OPTION,
  ],
  examples: [
    'relevance study proteomics',
    "relevance study proteomics --data rppa.csv --class-column cancer_type --standardize per-class --known-edges reactome.csv --out runs/tcga",
    'relevance study proteomics --data keyl_homogeneous.csv --truth pairs.csv --hidden 320,320,320 --masks 100 --replicates 1 --shard 0/4 --out runs/shard0',
  ],
  async run(args, io) {
    const options = proteomicsOptions(args);
    if (args.flag('slurm')) return writeSlurmJobs(studyProteomicsCommand, args, options, io);
    const result = await runProteomicsStudy(options, commandStudyIO(io, args.flag('quiet')));
    const m = result.metrics as Record<string, any>;
    const lines = [`run folder: ${result.outDir}`];
    if (m.network?.cohort) lines.push(`cohort network AUROC ${m.network.cohort.auroc} (AUPR ${m.network.cohort.aupr}); partial correlation ${m.baselines?.partial_correlation?.auroc}, Pearson ${m.baselines?.pearson?.auroc}`, ...runLeaderboard(m));
    if (m.network?.per_instance) lines.push(`per-patient AUROC mean ${m.network.per_instance.auroc_mean} over ${m.network.per_instance.instances} patients (LIONESS-Pearson ${m.baselines?.lioness_pearson?.per_instance?.auroc_mean})`);
    // a finished run (not --stage train or networks, which write no metrics) ends with the same summary as
    // `relevance summary <run>`: trust panel, top edges, fingerprints, report path
    if (options.stage === 'all' || options.stage === 'merge') lines.push('', ...(await runSummaryLines(result.outDir)).slice(1));
    io.stdout.write(`${lines.join('\n')}\n`);
  },
};

/** The options the user gave, as --name=value words (for the jobs' command lines), less the stage options. */
function givenArguments(command: Command, args: ParsedArgs): string[] {
  const out: string[] = [];
  for (const spec of command.options ?? []) {
    if (STAGE_OPTIONS.has(spec.name) || !args.has(spec.name)) continue;
    if (spec.type === 'boolean') out.push(args.flag(spec.name) ? `--${spec.name}` : `--no-${spec.name}`);
    else if (spec.type === 'list') out.push(`--${spec.name}=${args.list(spec.name).join(',')}`);
    else if (spec.type === 'dims') out.push(`--${spec.name}=${args.dims(spec.name)!.join('x')}`);
    else if (spec.type === 'number' || spec.type === 'integer') out.push(`--${spec.name}=${args.optionalNumber(spec.name)}`);
    else out.push(`--${spec.name}=${args.optionalString(spec.name)}`);
  }
  return out;
}

/** packages/pipelines/bin/relevance.js, found upwards from this file (dist/src/... or src/...). */
function relevanceBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = dirname(dir)) if (existsSync(join(dir, 'bin', 'relevance.js'))) return join(dir, 'bin', 'relevance.js');
  throw new Error('cannot find bin/relevance.js above the CLI sources');
}

/** --slurm: write (and with --submit, submit) the train, network-array and merge jobs. */
async function writeSlurmJobs(command: Command, args: ParsedArgs, options: ProteomicsOptions, io: CommandIO): Promise<void> {
  if (options.stage !== 'all' || options.shard || options.model) throw new UsageError('--slurm writes every stage itself; leave out --stage, --shard and --model');
  validateProteomicsOptions(options);
  const bin = relevanceBin();
  const plan = { relevance: [process.execPath, bin], args: givenArguments(command, args), out: options.out, shards: args.number('array'), sbatch: args.list('sbatch'), force: options.force === true };
  if (!(plan.shards >= 1)) throw new UsageError(`--array must be at least 1, got ${plan.shards}`);
  const files = await writeSlurmScripts(plan);
  const lines = [`Slurm jobs in ${files.dir}: train.sbatch, networks.sbatch (array of ${plan.shards}), merge.sbatch; submit.sh submits them in order`];
  if (args.flag('submit')) {
    const ids = await submitSlurm(files);
    lines.push(`submitted: train ${ids.train}, networks ${ids.networks} (array), merge ${ids.merge}; the run appears in ${options.out}`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
}
