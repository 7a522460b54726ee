/**
 * The options of `relevance study influence`, their defaults, their checks
 * (errors name the option and the fix) and the resolved configuration that
 * config.json records.
 */
import type { BackendName } from '@relevance/core-wasm';
import * as check from '../option-checks.js';

export interface InfluenceStudyOptions {
  /** The table: CSV/TSV, Parquet, Arrow or JSON records. */
  data: string;
  /** The class label column. */
  labelColumn: string;
  /** A model to explain (.onnx, .relevance, weights .json) instead of training one. */
  model?: string;
  /** Feature columns: names a,b,c or /regex/ (default: every numeric column but the id and label). */
  features?: string;
  /** The id column (default: detected); null for none (rows are numbered from 1). */
  idColumn?: string | null;
  /** 'input' or a layer name. */
  slice: string;
  /** Class pairs for comparative influence (default: every pair). */
  compare?: Array<[string, string]>;
  /** A DuckDB SQL predicate selecting the rows analysed (the distribution of interest); default all. */
  where?: string;
  /** Output order of a given model's classes (default: its metadata, else the sorted labels). */
  classes?: string[];
  hidden: number[];
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  patience: number;
  testFraction: number;
  validationFraction: number;
  /** Units listed per instance in the deviations table. */
  topK: number;
  seed: number;
  backend: 'auto' | BackendName;
  threads?: number;
  out: string;
  /** Replace a non-empty `out` once the new run is complete. */
  force?: boolean;
}

export const INFLUENCE_STUDY_DEFAULTS = {
  slice: 'input',
  hidden: [64, 32],
  epochs: 200,
  batchSize: 32,
  lr: 1e-3,
  // strong L2: ~100 training rows and ~100+ features overfit fast; 0.03 gave the best test accuracy and stable influence on the breast RPPA data
  weightDecay: 0.03,
  patience: 20,
  testFraction: 0.2,
  validationFraction: 0.2,
  topK: 5,
  seed: 0,
  backend: 'wasm',
} as const satisfies Partial<InfluenceStudyOptions>;

/** Options with defaults filled in; `data`, `labelColumn` and `out` are required. */
export function withDefaults(o: Partial<InfluenceStudyOptions> & Pick<InfluenceStudyOptions, 'data' | 'labelColumn' | 'out'>): InfluenceStudyOptions {
  const d = INFLUENCE_STUDY_DEFAULTS;
  return {
    ...o,
    slice: o.slice ?? d.slice,
    hidden: o.hidden ?? [...d.hidden],
    epochs: o.epochs ?? d.epochs,
    batchSize: o.batchSize ?? d.batchSize,
    lr: o.lr ?? d.lr,
    weightDecay: o.weightDecay ?? d.weightDecay,
    patience: o.patience ?? d.patience,
    testFraction: o.testFraction ?? d.testFraction,
    validationFraction: o.validationFraction ?? d.validationFraction,
    topK: o.topK ?? d.topK,
    seed: o.seed ?? d.seed,
    backend: o.backend ?? d.backend,
  };
}

/** Option checks before any work: UsageError (exit 2) naming the option, the range and why. */
export function validateOptions(o: InfluenceStudyOptions): void {
  const bad = check.badOption;
  if (!o.data) bad('data', 'name the table to study (CSV, TSV, Parquet, Arrow or JSON records)');
  if (!o.labelColumn) bad('label-column', 'name the column holding the class labels');
  if (!o.out) bad('out', 'name the run folder to write');
  check.hiddenSizes(o.hidden, '64x32');
  check.positiveInteger('epochs', o.epochs, 1e6);
  check.positiveInteger('batch-size', o.batchSize);
  check.positiveInteger('patience', o.patience);
  check.positiveInteger('top-k', o.topK);
  check.positiveNumber('learning-rate', o.lr);
  check.nonNegativeNumber('weight-decay', o.weightDecay);
  check.fraction('test-fraction', o.testFraction, true);
  check.fraction('validation-fraction', o.validationFraction, true);
  if (o.testFraction + o.validationFraction >= 1) bad('validation-fraction', `--test-fraction ${o.testFraction} plus --validation-fraction ${o.validationFraction} leave no training rows; keep their sum below 1`);
  check.seed(o.seed, Number.MAX_SAFE_INTEGER);
  check.threads(o.threads);
  for (const pair of o.compare ?? []) {
    if (pair.length !== 2 || !pair[0] || !pair[1] || pair[0] === pair[1]) bad('compare', `each pair is two different classes A,B, got '${pair.join(',')}'`);
  }
  if (o.where !== undefined && o.where.trim() === '') bad('where', 'is empty; give a SQL condition such as "subtype in (\'Basal\', \'Her2\')"');
  if (o.slice.trim() === '') bad('slice', "is empty; give 'input' or a layer name");
}

/** What config.json records: every option after defaults, in snake_case, plus the fixed choices. */
export function resolvedConfig(o: InfluenceStudyOptions, resolved: { trained: boolean; idColumn: string | null; treeBackground?: number | null }): Record<string, unknown> {
  const trained = resolved.trained;
  return {
    study: 'influence',
    data: o.data,
    label_column: o.labelColumn,
    model: o.model ?? null,
    features: o.features ?? null,
    id_column: resolved.idColumn ?? 'none',
    slice: o.slice,
    compare: o.compare ? o.compare.map((p) => `${p[0]},${p[1]}`) : 'all pairs',
    where: o.where ?? null,
    classes: o.classes ?? null,
    classifier: trained
      ? {
          architecture: { hidden: o.hidden, activation: 'relu', output: 'logits' },
          standardize: 'z-score with training statistics',
          split: { test_fraction: o.testFraction, validation_fraction: o.validationFraction, stratified: true },
          training: { epochs: o.epochs, batch_size: o.batchSize, optimizer: 'adam', lr: o.lr, weight_decay: o.weightDecay, early_stopping_patience: o.patience, loss: 'cross-entropy with balanced class weights n / (classes * n_c)' },
        }
      : { given: o.model },
    influence: resolved.treeBackground ? treeInfluenceConfig(resolved.treeBackground, o.topK) : {
      quantity_instance: 'predicted class logit',
      quantity_class: 'class logit over the class instances',
      quantity_comparative: 'logit a - logit b over the instances of both classes',
      quantity_dataset: 'predicted class logit over all analysed instances',
      distribution: 'point masses at the analysed instances',
      attribution_baseline: 'mean of the reference rows (training split when trained, else all labelled rows)',
      top_k: o.topK,
    },
    seed: o.seed,
    backend: o.backend,
    out: o.out,
  };
}

/** config.json's influence section for a tree ensemble (see tree-influence.ts). */
function treeInfluenceConfig(backgroundRows: number, topK: number): Record<string, unknown> {
  return {
    method: 'tree-shap (exact interventional TreeSHAP; trees have no gradient, so influence and attribution are both TreeSHAP values)',
    quantity_instance: 'predicted class raw score',
    quantity_class: 'class raw score, mean TreeSHAP over the class instances',
    quantity_comparative: 'raw score a - raw score b, mean TreeSHAP over the instances of both classes',
    quantity_dataset: 'predicted class raw score, mean TreeSHAP over all analysed instances',
    background: `${backgroundRows} reference rows (training split when trained, else all labelled rows; evenly spaced when more than 200)`,
    top_k: topK,
  };
}
