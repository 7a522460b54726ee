/**
 * The classifier stage shared by `study influence` and the commands that
 * explain a classifier over a labelled table (tcav, strategies,
 * counterfactuals): load the table, then train an MLP (stratified seeded
 * split, z-scores with training statistics, class-weighted cross-entropy,
 * early stopping) or load a given model (checked against the features and
 * classes; a .relevance model from a run brings its features, classes and
 * standardisation), and measure its accuracy.
 */
import { join } from 'node:path';
import { Generator, type Backend } from '@relevance/core-wasm';
import type { Model, RelevanceMetadata, TrainHistory } from '@relevance/methods';
import { DataError } from '../../io/data-error.js';
import { listNames } from '../../io/closest-match.js';
import type { Progress } from '../../progress/progress.js';
import { classificationMetrics } from './classification-metrics.js';
import { checkModelShape, loadGivenModel, predictClasses, trainClassifier, type TrainSettings } from './classifier.js';
import { loadStudyTable, type StudyTable } from './load-data.js';
import type { LoadedTable } from '../../io/table.js';
import { applyStandardization, fitStandardization, type Standardization } from './standardize.js';
import { stratifiedSplit, type Split } from '../stratified-split.js';

export interface ClassifierStageOptions extends TrainSettings {
  /** A table file, or a table already in memory (the browser app). */
  data: string | LoadedTable;
  labelColumn: string;
  model?: string;
  features?: string;
  idColumn?: string | null;
  where?: string;
  /** DuckDB conditions whose labelled rows come back in data.conditionRows. */
  conditions?: readonly string[];
  conditionOptions?: readonly string[];
  classes?: string[];
  /** Accept an ONNX-ML tree ensemble as --model (the influence study explains it with TreeSHAP). */
  trees?: boolean;
  testFraction: number;
  validationFraction: number;
  seed: number;
}

export interface ClassifierStage {
  model: Model;
  data: StudyTable;
  classes: string[];
  /** Class index per labelled row. */
  labels: Int32Array;
  counts: number[];
  /** The model's inputs: standardised features (or as read when a given model has no standardisation). */
  xs: Float32Array;
  width: number;
  split: Split | null;
  standardization: Standardization | null;
  history: TrainHistory | null;
  /** Rows the baseline statistics come from (training split, or every row for a given model). */
  referenceRows: Int32Array;
  /** Rows the accuracy is measured on (test split, or every row). */
  evaluatedRows: Int32Array;
  quality: ReturnType<typeof classificationMetrics>;
}

/**
 * Writes the stage's model as <out>/model.relevance with what reading it back needs (features,
 * classes, label column, seed, standardisation); `extra` keys follow `study`.
 */
export async function saveStageModel(stage: ClassifierStage, out: string, study: string, options: Pick<ClassifierStageOptions, 'labelColumn' | 'seed'>, extra: Record<string, unknown> = {}): Promise<void> {
  const { saveModelFile } = await import('@relevance/methods');
  await saveModelFile(stage.model, join(out, 'model.relevance'), {
    study, ...extra, features: stage.data.features, classes: stage.classes, label_column: options.labelColumn, seed: options.seed,
    standardize: { mean: Array.from(stage.standardization!.mean), sd: Array.from(stage.standardization!.sd) },
  });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
}

/** Standardisation stored in a model saved by a study. */
export function storedStandardization(meta: RelevanceMetadata | null, features: number, path: string): Standardization | null {
  const s = meta?.standardize as { mean?: unknown; sd?: unknown } | undefined;
  if (!s) return null;
  const ok = (v: unknown): v is number[] => Array.isArray(v) && v.length === features && v.every((x) => typeof x === 'number');
  if (!ok(s.mean) || !ok(s.sd)) throw new DataError(`${path}: the model's standardize metadata does not hold ${features} means and standard deviations`);
  return { mean: Float64Array.from(s.mean), sd: Float64Array.from(s.sd) };
}

export function rowsOf(x: Float32Array, width: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) out.set(x.subarray(rows[i]! * width, (rows[i]! + 1) * width), i * width);
  return out;
}

/**
 * Load the table and train or load the classifier. The caller owns the
 * returned model (dispose it). `minClasses` is 2 for studies between classes.
 */
export async function prepareClassifier(
  be: Backend,
  o: ClassifierStageOptions,
  io: { progress: Progress; log: (line: string) => void; loaded?: () => void; beforeTraining?: (classes: readonly string[], model: Model | null) => void },
  what = 'influence between classes',
): Promise<ClassifierStage> {
  const given = o.model ? await loadGivenModel(be, o.model, o.trees) : null;
  let model: Model | null = given?.model ?? null;
  try {
    const meta = given?.metadata ?? null;
    const data = await loadStudyTable({
      data: o.data, labelColumn: o.labelColumn, features: o.features, idColumn: o.idColumn, where: o.where, conditions: o.conditions, conditionOptions: o.conditionOptions, modelFeatures: stringList(meta?.features),
    });
    const width = data.features.length;
    for (const c of data.skipped) io.log(`warning: ${data.source}: column '${c.column}' is not a feature: ${c.reason}`);
    const classes = o.classes ?? stringList(meta?.classes) ?? [...new Set(data.labels)].sort(compareText);
    const unknownLabels = [...new Set(data.labels.filter((l) => !classes.includes(l)))];
    if (unknownLabels.length) {
      throw new DataError(`${data.source}: labels ${listNames(unknownLabels, 10)} in '${o.labelColumn}' are not among the model's classes (${listNames(classes, 12)}); give the classes with --classes`);
    }
    if (classes.length < 2) throw new DataError(`${data.source}: '${o.labelColumn}' holds a single class (${classes[0]}); ${what} needs at least two`);
    const labels = Int32Array.from(data.labels, (l) => classes.indexOf(l));
    const counts = classes.map((c) => data.labels.filter((l) => l === c).length);
    // option values that depend on the data or the model are checked before any training
    io.beforeTraining?.(classes, model);
    io.loaded?.();

    let split: Split | null = null;
    let standardization: Standardization | null;
    let history: TrainHistory | null = null;
    let xs: Float32Array;
    let referenceRows: Int32Array;
    let evaluatedRows: Int32Array;
    if (!model) {
      const root = new Generator(o.seed);
      const generators = { split: root.fork(), init: root.fork(), train: root.fork() };
      split = stratifiedSplit(data.labels, data.labels.length, { testFraction: o.testFraction, validationFraction: o.validationFraction, hint: 'add rows, merge or remove the class in the table, or explain a trained model with --model' }, generators.split, data.source);
      io.log(`data: ${data.rows} labelled rows, ${width} features, classes ${classes.map((c, i) => `${c} ${counts[i]}`).join(', ')}; train ${split.train.length}, validation ${split.validation.length}, test ${split.test.length}`);
      standardization = fitStandardization(data.x, width, split.train);
      xs = applyStandardization(data.x, width, standardization);
      const trained = await trainClassifier(be, xs, width, labels, classes.length, split, o, generators, io.progress);
      model = trained.model;
      history = trained.history;
      referenceRows = split.train;
      evaluatedRows = split.test;
    } else {
      checkModelShape(model, o.model!, data.features, classes);
      standardization = storedStandardization(meta, width, o.model!);
      xs = standardization ? applyStandardization(data.x, width, standardization) : data.x;
      referenceRows = Int32Array.from(labels.keys());
      evaluatedRows = referenceRows;
      io.log(`data: ${data.rows} labelled rows, ${width} features, classes ${classes.map((c, i) => `${c} ${counts[i]}`).join(', ')}; the given model is evaluated on all of them`);
    }
    const predicted = await predictClasses(model, rowsOf(xs, width, evaluatedRows), width);
    const quality = classificationMetrics(Int32Array.from(evaluatedRows, (r) => labels[r]!), predicted, classes);
    io.log(`classifier: ${split ? 'test' : 'all-row'} accuracy ${quality.accuracy.toFixed(3)}, balanced accuracy ${quality.balancedAccuracy.toFixed(3)} (${quality.rows} rows)`);
    return { model, data, classes, labels, counts, xs, width, split, standardization, history, referenceRows, evaluatedRows, quality };
  } catch (e) {
    model?.dispose();
    throw e;
  }
}
