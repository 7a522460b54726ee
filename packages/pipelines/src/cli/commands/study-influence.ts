/**
 * `relevance study influence`: distributional influence (Leino et al. 2018)
 * of a classifier over a labelled table, per instance, per class, between
 * classes and over the dataset, written to a run folder. The work is done by
 * runInfluenceStudy; this module turns options into its input and prints a
 * short summary on stdout.
 */
import type { Command } from '../command.js';
import type { ParsedArgs } from '../args.js';
import { backendOption, FORCE_OPTION, ON_WASM, runFolderOption, THREADS_OPTION } from '../common-options.js';
import { trainingValues } from '../classifier-options.js';
import { commandStudyIO, defaultRunFolder } from '../../studies/study-io.js';
import { UsageError } from '../usage-error.js';
import { INFLUENCE_STUDY_DEFAULTS, type InfluenceStudyOptions } from '../../studies/influence/options.js';


/** --compare values: 'A,B' per option, or several pairs joined by ';'. */
export function parseComparePairs(values: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const value of values) {
    for (const item of value.split(';').map((s) => s.trim()).filter(Boolean)) {
      const parts = item.split(',').map((s) => s.trim());
      if (parts.length !== 2 || !parts[0] || !parts[1]) throw new UsageError(`--compare expects a pair of classes A,B (repeat --compare for more pairs), got '${item}'`);
      if (parts[0] === parts[1]) throw new UsageError(`--compare ${item}: compare two different classes`);
      pairs.push([parts[0], parts[1]]);
    }
  }
  return pairs;
}

const D = INFLUENCE_STUDY_DEFAULTS;

/** The study's options from parsed arguments (the CLI and the browser app parse with the same definitions). */
export function influenceOptions(args: ParsedArgs): InfluenceStudyOptions {
  return {
    data: args.string('data'),
    labelColumn: args.string('label-column'),
    model: args.optionalString('model'),
    features: args.optionalString('features'),
    idColumn: args.has('id-column') ? (args.string('id-column') === 'none' ? null : args.string('id-column')) : undefined,
    slice: args.string('slice'),
    compare: args.has('compare') ? parseComparePairs(args.list('compare')) : undefined,
    where: args.optionalString('where'),
    classes: args.has('classes') ? args.list('classes') : undefined,
    hidden: args.dims('hidden')!,
    ...trainingValues(args),
    topK: args.number('top-k'),
    seed: args.number('seed'),
    backend: args.string('backend') as InfluenceStudyOptions['backend'],
    threads: args.optionalNumber('threads'),
    out: args.optionalString('out') ?? defaultRunFolder('influence'),
    force: args.flag('force'),
  };
}


export const studyInfluenceCommand: Command = {
  name: 'influence',
  summary: 'distributional influence of a classifier per instance, per class, between classes and over the dataset',
  usage: 'study influence --data <table> --label-column <col> [--model m.onnx|m.relevance] [--features names|/regex/] [--slice input|<layer>] [--compare A,B] [--where "<sql>"] [--out <dir>] [options]',
  description:
    'Without --model, trains an MLP classifier (z-scored features, stratified seeded train/validation/test split, class-weighted cross-entropy, early stopping) and reports its test accuracy; ' +
    'with --model, explains that model (its inputs must match the features; a model.relevance from an earlier run brings its features, classes and standardisation). ' +
    'Influence is the gradient of a class logit at the slice (Leino et al. 2018): per instance for its predicted class; per class averaged over the class (distributional influence) and as the mean of gradient x (activation - baseline); ' +
    'between classes for logit A - logit B; over the dataset. An ONNX-ML tree ensemble given with --model has no gradient: each of these is then its exact interventional TreeSHAP value (raw scores, against up to 200 reference rows; --slice input only). --where selects the analysed rows with a DuckDB condition; the classifier still trains on every labelled row. ' +
    'A feature value that is missing, infinite or too large for float32 (1e308) is an error naming the column and row; columns left out of the features are named on stderr and in metrics.json data.dropped_columns.',
  options: [
    { name: 'data', type: 'string', required: true, placeholder: 'table', help: 'the table: .csv, .tsv, .parquet, .arrow or .json records' },
    { name: 'label-column', type: 'string', required: true, placeholder: 'column', help: 'the column holding the class labels (rows without a label are left out)' },
    { name: 'model', type: 'string', placeholder: 'file', help: 'explain this model (.onnx, .relevance, weights .json) instead of training one; an ONNX-ML tree ensemble is explained with exact TreeSHAP' },
    { name: 'features', type: 'string', placeholder: 'names|/regex/', help: 'feature columns: names a,b,c or /regex/; default every numeric column except the id and label columns' },
    { name: 'id-column', type: 'string', placeholder: 'column|none', help: "the id column carried to the tables; default detected (sample, id, ...); 'none' numbers the rows from 1" },
    { name: 'slice', type: 'string', default: D.slice, placeholder: 'input|layer', help: "where influence is measured: 'input' (the features) or a layer name (fc1, relu1, ... or an ONNX node name)" },
    { name: 'compare', type: 'list', split: false, placeholder: 'A,B', help: 'class pairs for comparative influence (repeat for more pairs); default every pair' },
    { name: 'where', type: 'string', placeholder: 'sql', help: "analyse only the rows satisfying this DuckDB condition, e.g. \"subtype in ('Basal', 'Her2')\"" },
    { name: 'classes', type: 'list', placeholder: 'a,b,c', help: "a given model's classes in output order (default: from a .relevance model, else the sorted labels)", appliesIf: { anyGiven: ['model'] } },
    { name: 'hidden', type: 'dims', default: [...D.hidden], placeholder: '64,32', help: 'hidden layer sizes of the trained MLP', appliesIf: { noneGiven: ['model'] } },
    { name: 'epochs', type: 'integer', default: D.epochs, help: 'most training epochs (early stopping usually ends sooner)', appliesIf: { noneGiven: ['model'] } },
    { name: 'patience', type: 'integer', default: D.patience, help: 'epochs without a better validation loss before stopping', appliesIf: { noneGiven: ['model'] } },
    { name: 'batch-size', type: 'integer', default: D.batchSize, help: 'training minibatch size', appliesIf: { noneGiven: ['model'] } },
    { name: 'learning-rate', type: 'number', default: D.lr, help: 'Adam learning rate', appliesIf: { noneGiven: ['model'] } },
    { name: 'weight-decay', type: 'number', default: D.weightDecay, help: 'L2 weight decay', appliesIf: { noneGiven: ['model'] } },
    { name: 'test-fraction', type: 'number', default: D.testFraction, help: 'share of each class held out for testing', appliesIf: { noneGiven: ['model'] } },
    { name: 'validation-fraction', type: 'number', default: D.validationFraction, help: 'share of each class held out for early stopping', appliesIf: { noneGiven: ['model'] } },
    { name: 'top-k', type: 'integer', default: D.topK, help: 'units compared per instance and class in the deviations table' },
    { name: 'seed', type: 'integer', default: D.seed, help: 'seed of the split, the initial weights and training' },
    backendOption(D.backend, 'compute backend (wasm is fastest for tabular models; auto = webgpu when a GPU adapter exists)'),
    { ...THREADS_OPTION, appliesIf: ON_WASM },
    runFolderOption('influence'),
    FORCE_OPTION,
  ],
  examples: [
    'relevance study influence --data breast_tcga_protein_train.csv --label-column subtype --out runs/breast-influence',
    "relevance study influence --data cohort.parquet --label-column subtype --model runs/breast-influence/model.relevance --where \"subtype <> 'LumA'\" --compare Basal,Her2",
    'relevance study influence --data cohort.csv --label-column subtype --slice relu1 --hidden 32 --epochs 100 --seed 7',
  ],
  async run(args, io) {
    const options = influenceOptions(args);
    // loaded on use, so `relevance --help` starts without DuckDB or the compute engine
    const { runInfluenceStudy } = await import('../../studies/influence/run-influence-study.js');
    const result = await runInfluenceStudy(options, commandStudyIO(io, args.flag('quiet')));
    const c = result.metrics.classifier as { test_accuracy: number; balanced_accuracy: number; evaluated_on: string };
    const iv = result.metrics.instance_vs_class as { median_rank_correlation: number | null };
    const top = (result.metrics.influence as { top_units: Record<string, string[]> }).top_units;
    const lines = [
      `run folder: ${result.outDir}`,
      `classifier: ${c.evaluated_on === 'test' ? 'test' : 'all-row'} accuracy ${c.test_accuracy.toFixed(3)}, balanced accuracy ${c.balanced_accuracy.toFixed(3)}`,
      `instance vs class: median Spearman ${iv.median_rank_correlation === null ? 'n/a' : iv.median_rank_correlation.toFixed(3)}`,
      ...Object.entries(top).map(([cls, units]) => `top units for ${cls}: ${units.join(', ')}`),
      ...(result.reportPath ? [`report: ${result.reportPath}`] : []),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
  },
};
