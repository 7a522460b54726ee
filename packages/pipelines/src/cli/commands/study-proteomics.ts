/**
 * `relevance study proteomics`: protein-influence networks per patient, per
 * class and for the cohort (after Keyl et al. 2022), compared with baselines
 * and known interactions in the same run. Without --data it runs on the
 * built-in synthetic cohort, whose true network is known.
 */
import type { BackendName } from '@relevance/core-wasm';
import { PROTEOMICS_DEFAULTS, runProteomicsStudy, type ProteomicsOptions } from '../../studies/proteomics/study.js';
import { defaultRunFolder, studyLog } from '../../studies/study-io.js';
import type { Command } from '../command.js';
import { FORCE_OPTION } from '../common-options.js';
import { UsageError } from '../usage-error.js';

const D = PROTEOMICS_DEFAULTS;


export function parseShard(text: string | undefined): ProteomicsOptions['shard'] {
  if (text === undefined) return null;
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new UsageError(`--shard ${text}: write it as i/n (this machine's index i, from 0, of n shards), e.g. --shard 0/4`);
  return { index: Number(m[1]), count: Number(m[2]) };
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

export const studyProteomicsCommand: Command = {
  name: 'proteomics',
  summary: 'protein-influence networks per patient, class and cohort from a masked predictor and LRP, with baselines and known interactions',
  usage: 'study proteomics [--data <table> | --sql <query>] [--class-column <c>] [--truth edges.csv] [--known-edges edges.csv] [options] [--out <dir>]',
  description:
    'Without --data or --sql the study runs on a built-in synthetic cohort with a known network (several classes with their own signalling modules) and reports how well it is recovered.\n' +
    'Data: values that are infinite or too large for float32 (Inf, 1e308) are read as missing values, with a warning naming the columns and rows; columns left out of the proteins (not numeric, too many missing values, class-like names) are named with the reason on stderr and in metrics.json data.dropped_columns; a repeated column name is an error.\n' +
    'Outputs (see docs/RUN-FOLDERS.md): config.json, manifest.json, model.relevance, model.onnx, edges_cohort, edges_class, edges_instance, baselines, instances, training, curves, proteins (Parquet and Arrow), metrics.json, report.html.',
  options: [
    { name: 'data', type: 'string', placeholder: 'table', help: 'patients x proteins: .csv, .tsv, .parquet, .arrow or .json records (default: the synthetic cohort)' },
    { name: 'sql', type: 'string', placeholder: 'query', help: "read the data with a DuckDB query over files, e.g. \"select * from 'rppa.csv' where cancer_type in ('BRCA','OV')\"" },
    { name: 'id-column', type: 'string', placeholder: 'column|none', help: "patient id column; default detected (id, sample, sample_barcode, an unnamed index ...), else the row number", appliesIf: { anyGiven: ['data', 'sql'] } },
    { name: 'class-column', type: 'string', placeholder: 'column', help: 'optional class (e.g. cancer type): class networks, per-class standardisation, Kruskal-Wallis across classes', appliesIf: { anyGiven: ['data', 'sql'] } },
    { name: 'features', type: 'string', placeholder: 'names|/regex/', help: 'protein columns: names a,b,c or /regex/; default every numeric column except id and class', appliesIf: { anyGiven: ['data', 'sql'] } },
    { name: 'max-missing', type: 'number', default: D.maxMissing, help: 'drop proteins missing in more than this fraction of rows (with a warning)' },
    { name: 'transform', type: 'choice', choices: ['none', 'log', 'log1p', 'asinh'], default: D.transform, help: 'transform before standardising (skewed intensities: log1p or asinh)' },
    { name: 'test-fraction', type: 'number', default: D.testFraction, help: 'share of each class held out; instance networks are computed for these patients' },
    { name: 'standardize', type: 'choice', choices: ['global', 'per-class'], default: D.standardize, help: 'z-score with training statistics over all rows or within each class (RPPA level 3 is not batch-corrected across cancer types)' },
    { name: 'hidden', type: 'dims', default: [...D.hidden], placeholder: '256,256', help: 'hidden layer sizes of the masked predictor (Keyl et al. used 10 x proteins in 3 to 5 layers; 256,256 is as accurate on their data and several times faster)' },
    { name: 'epochs', type: 'integer', default: D.epochs, help: 'most training epochs (early stopping on the hidden-entry validation MSE)' },
    { name: 'batch-size', type: 'integer', default: D.batchSize, help: 'training minibatch size' },
    { name: 'learning-rate', type: 'number', default: D.lr, help: 'learning rate' },
    { name: 'optimizer', type: 'choice', choices: ['adam', 'sgd'], default: D.optimizer, help: 'adam, or sgd with --momentum (Keyl et al.: SGD)' },
    { name: 'momentum', type: 'number', default: D.momentum, help: 'SGD momentum', appliesIf: { option: 'optimizer', is: ['sgd'] } },
    { name: 'weight-decay', type: 'number', default: D.weightDecay, help: 'L2 weight decay' },
    { name: 'patience', type: 'integer', default: D.patience, help: 'epochs without improvement before stopping' },
    { name: 'validation-fraction', type: 'number', default: D.validationFraction, help: 'share of the training rows for early stopping' },
    { name: 'masks', type: 'integer', default: D.masks, help: 'masks per target protein (each patient gets 2 x masks complementary masks)' },
    { name: 'rule', type: 'string', default: D.rule, placeholder: 'rule|composite|layer=rule,...', help: "relevance rule, as explain --rule takes it: gamma (the sign-aware generalised gamma rule Keyl et al. use, gamma 0.01), epsilon, gradient-x-input, any LRP rule or composite, or rules per layer (fc1=gamma,fc2=epsilon)" },
    { name: 'gamma', type: 'number', default: D.gamma, help: 'gamma of the gamma rule', appliesIf: { option: 'rule', is: ['gamma'] } },
    { name: 'epsilon', type: 'number', default: D.epsilon, help: 'epsilon of the epsilon rule', appliesIf: { option: 'rule', is: ['epsilon'] } },
    { name: 'min-instance-correlation', type: 'number', help: 'leave patients whose hidden-protein predictions correlate less than this with the truth out of the class and cohort networks' },
    { name: 'truth', type: 'string', placeholder: 'edges.csv', help: 'true edges (columns source,target, optional class): AUROC/AUPR of cohort, class and patient networks and of every baseline' },
    { name: 'known-edges', type: 'string', placeholder: 'edges.csv', help: 'prior knowledge (columns source,target; e.g. Reactome): top-k hypergeometric enrichment and AUROC' },
    { name: 'baselines', type: 'list', default: [...D.baselines], placeholder: 'names|none', help: `the field's methods computed next to the network on the training rows, timed: ${D.baselines.join(', ')} (GENIE3 and GRNBoost2 take the longest), or none` },
    { name: 'known-top-k', type: 'list', default: D.topK.map(String), placeholder: '36,100', help: 'k of the top-k enrichment', appliesIf: { anyGiven: ['known-edges'] } },
    { name: 'directed', type: 'boolean', help: 'evaluate directed edges (source predicts target) instead of undirected pairs' },
    { name: 'instance-top-k', type: 'integer', help: "keep only each patient's k strongest pairs in edges_instance", appliesIf: { noneGiven: ['shard'] } },
    { name: 'shard', type: 'string', placeholder: 'i/n', help: 'compute instance networks for every n-th test patient starting at i (combine the runs with relevance merge)' },
    { name: 'synthetic-proteins', type: 'integer', default: D.synthetic.proteins, help: 'synthetic cohort: proteins (a multiple of 5)', appliesIf: { noneGiven: ['data', 'sql'] } },
    { name: 'synthetic-classes', type: 'integer', default: D.synthetic.classes, help: 'synthetic cohort: classes', appliesIf: { noneGiven: ['data', 'sql'] } },
    { name: 'synthetic-instances-per-class', type: 'integer', default: D.synthetic.instancesPerClass, help: 'synthetic cohort: patients per class', appliesIf: { noneGiven: ['data', 'sql'] } },
    { name: 'tsne', type: 'boolean', default: D.tsne, help: 'embed the instance networks with t-SNE for the report (--no-tsne to skip)' },
    { name: 'seed', type: 'integer', default: D.seed, help: 'seed of the split, the model, the masks and everything else random' },
    { name: 'backend', type: 'choice', choices: ['auto', 'reference', 'wasm', 'webgpu'], default: D.backend, help: 'compute backend (auto = webgpu on a hardware GPU, else wasm)' },
    { name: 'threads', type: 'integer', placeholder: 'n', help: 'wasm worker threads (default: the available cores)', appliesIf: { option: 'backend', is: ['auto', 'wasm'] } },
    { name: 'out', type: 'string', placeholder: 'dir', help: 'the run folder (default runs/proteomics-<date>-<time>)' },
    FORCE_OPTION,
  ],
  examples: [
    'relevance study proteomics',
    "relevance study proteomics --data rppa.csv --class-column cancer_type --standardize per-class --known-edges reactome.csv --out runs/tcga",
    'relevance study proteomics --data keyl_homogeneous.csv --truth pairs.csv --hidden 320,320,320 --masks 100 --shard 0/4 --out runs/shard0',
  ],
  async run(args, io) {
    const topK = args.list('known-top-k').map((v) => {
      const k = Number(v);
      if (!Number.isInteger(k) || k < 1) throw new UsageError(`--known-top-k: '${v}' is not a positive integer`);
      return k;
    });
    const options: ProteomicsOptions = {
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
      epochs: args.number('epochs'),
      batchSize: args.number('batch-size'),
      lr: args.number('learning-rate'),
      optimizer: args.string('optimizer') as 'adam' | 'sgd',
      momentum: args.number('momentum'),
      weightDecay: args.number('weight-decay'),
      patience: args.number('patience'),
      validationFraction: args.number('validation-fraction'),
      masks: args.number('masks'),
      rule: args.string('rule'),
      gamma: args.number('gamma'),
      epsilon: args.number('epsilon'),
      minInstanceCorrelation: args.optionalNumber('min-instance-correlation') ?? null,
      truth: args.optionalString('truth'),
      knownEdges: args.optionalString('known-edges'),
      directed: args.flag('directed'),
      topK,
      baselines: args.list('baselines').includes('none') ? [] : args.list('baselines'),
      instanceTopK: args.optionalNumber('instance-top-k') ?? null,
      shard: parseShard(args.optionalString('shard')),
      out: args.optionalString('out') ?? defaultRunFolder('proteomics'),
      force: args.flag('force'),
      seed: args.number('seed'),
      backend: args.string('backend') as 'auto' | BackendName,
      threads: args.optionalNumber('threads'),
      synthetic: { ...D.synthetic, proteins: args.number('synthetic-proteins'), classes: args.number('synthetic-classes'), instancesPerClass: args.number('synthetic-instances-per-class'), seed: args.number('seed') },
      tsne: args.flag('tsne'),
    };
    const result = await runProteomicsStudy(options, { progress: io.progress, log: studyLog(io.stderr, args.flag('quiet')), ...(io.writeReport ? { writeReport: io.writeReport } : {}) });
    const m = result.metrics as Record<string, any>;
    const lines = [`run folder: ${result.outDir}`];
    if (m.network?.cohort) lines.push(`cohort network AUROC ${m.network.cohort.auroc} (AUPR ${m.network.cohort.aupr}); partial correlation ${m.baselines?.partial_correlation?.auroc}, Pearson ${m.baselines?.pearson?.auroc}`, ...runLeaderboard(m));
    if (m.network?.per_instance) lines.push(`per-patient AUROC mean ${m.network.per_instance.auroc_mean} over ${m.network.per_instance.instances} patients (LIONESS-Pearson ${m.baselines?.lioness_pearson?.per_instance?.auroc_mean})`);
    if (result.reportPath) lines.push(`report: ${result.reportPath}`);
    io.stdout.write(`${lines.join('\n')}\n`);
  },
};
