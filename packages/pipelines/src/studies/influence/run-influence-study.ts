/**
 * `relevance study influence` as a function: load the table, train (or load)
 * the classifier, compute instance, class, comparative and dataset
 * influence at the slice, compare instances with their classes, and write
 * the run folder (docs/RUN-FOLDERS.md): tables as Parquet and Arrow,
 * metrics.json, config.json, manifest.json, model.relevance when trained,
 * then report.html through the report hook when one is registered.
 *
 * Reproducible: all randomness comes from forks of Generator(seed) (split,
 * initial weights, training), tables hold no timings, and every file is
 * written atomically; metrics.json differs between reruns only in timing_s.
 */
import { join } from 'node:path';
import { createBackend, type Backend } from '@relevance/core-wasm';
import { stats, type Model } from '@relevance/methods';
import { sha256File, writeJsonAtomic } from '../../io/atomic-write.js';
import { didYouMean, listNames } from '../../io/closest-match.js';
import { UsageError } from '../../cli/usage-error.js';
import { writeMetrics, writeRunTables } from '../../io/run-format.js';
import { createProgress } from '../../progress/progress.js';
import { runManifest, type ManifestInput } from '../manifest.js';
import { deviations } from './deviations.js';
import { analyseInfluence, type InfluenceAnalysis } from './influence-analysis.js';
import { prepareClassifier, rowsOf, saveStageModel, type ClassifierStage } from './prepare-classifier.js';
import { resolvedConfig, validateOptions, withDefaults, type InfluenceStudyOptions } from './options.js';
import { rowMean } from './standardize.js';
import { buildTables } from './tables.js';
import { inRunFolder, stopwatch, type StudyIO, writeStudyReport } from '../study-io.js';

export type InfluenceStudyInput = Partial<InfluenceStudyOptions> & Pick<InfluenceStudyOptions, 'data' | 'labelColumn' | 'out'>;

/** The same as every study's IO. */
export type InfluenceStudyIO = StudyIO;

export interface InfluenceStudyResult {
  outDir: string;
  metrics: Record<string, unknown>;
  /** report.html, or null when no report writer is registered. */
  reportPath: string | null;
}

const SILENT: InfluenceStudyIO = { progress: createProgress({ stream: { write: () => true }, quiet: true }), log: () => {} };

function classPairs(o: InfluenceStudyOptions, classes: readonly string[]): Array<[number, number]> {
  if (!o.compare) return classes.flatMap((_, a) => classes.flatMap((__, b) => (a < b ? [[a, b] as [number, number]] : [])));
  return o.compare.map(([a, b]) => {
    const ia = classes.indexOf(a);
    const ib = classes.indexOf(b);
    const unknown = ia < 0 ? a : ib < 0 ? b : null;
    if (unknown !== null) throw new UsageError(`--compare ${a},${b}: no class '${unknown}'; classes: ${listNames(classes)}`);
    return [ia, ib];
  });
}

/** The layers of the MLP this study trains: fc1, relu1, ..., fcN (see mlp in @relevance/methods). */
export function mlpLayerNames(hidden: readonly number[]): string[] {
  return [...hidden.flatMap((_, i) => [`fc${i + 1}`, `relu${i + 1}`]), `fc${hidden.length + 1}`];
}

function checkSlice(slice: string, layers: readonly string[], modelPath: string | undefined): void {
  if (slice === 'input' || layers.includes(slice)) return;
  const of = modelPath ? `the model ${modelPath}` : 'the trained classifier';
  throw new UsageError(`--slice ${slice}: ${of} has no layer '${slice}'${didYouMean(slice, layers)}; use 'input' or one of: ${listNames(layers)}`);
}

export async function runInfluenceStudy(input: InfluenceStudyInput, io: InfluenceStudyIO = SILENT): Promise<InfluenceStudyResult> {
  const o = withDefaults(input);
  validateOptions(o);
  return inRunFolder(o.out, o.force, (outDir) => writeInfluenceRun(o, io, outDir));
}

/** The study, written into `outDir` (a temporary folder that inRunFolder moves onto --out). */
async function writeInfluenceRun(o: InfluenceStudyOptions, io: InfluenceStudyIO, outDir: string): Promise<InfluenceStudyResult> {
  const clock = stopwatch();
  const { timings } = clock;
  const lap = clock.lap;
  const be: Backend = await createBackend(o.backend, o.threads ? { threads: o.threads } : {});
  let model: Model | null = null;
  try {
    // ---- data and classifier (trained here, or given: a model saved by this study fixes features, classes and standardisation)
    let pairs: Array<[number, number]> = [];
    const stage = await prepareClassifier(be, o, {
      ...io,
      loaded: () => lap('load'),
      beforeTraining: (classes, given) => {
        pairs = classPairs(o, classes);
        checkSlice(o.slice, given ? given.nodes.map((n) => n.name) : mlpLayerNames(o.hidden), o.model);
      },
    });
    model = stage.model;
    const { data, classes, labels, xs, width, split, history, referenceRows, quality } = stage;
    if (split) await saveStageModel(stage, outDir, 'influence', o);
    lap('train');

    // ---- influence over the analysed rows
    const analysed = data.analysed;
    const labelsAnalysed = Int32Array.from(analysed, (r) => labels[r]!);
    const analysis = await be.asyncScope(async () => {
      const x = be.tensor(rowsOf(xs, width, analysed), [analysed.length, width]);
      const baseline = be.tensor(rowMean(xs, width, referenceRows), [width]);
      return analyseInfluence({
        model: model!, x, labels: labelsAnalysed, classes, pairs, slice: o.slice, features: data.features, baseline, progress: io.progress,
      });
    });
    const units = analysis.units.length;
    const classVector = new Map(analysis.perClass.map((c) => [c.class, c.distributional]));
    const devs = deviations(analysis.instanceInfluence, units, (i) => classVector.get(labelsAnalysed[i]!)!, o.topK);
    lap('influence');

    // ---- run folder
    const tables = buildTables({
      analysis, classes, ids: Array.from(analysed, (r) => data.ids[r]!), labels: labelsAnalysed, deviations: devs, confusion: quality,
      training: history ? history.epochs.map((e) => ({ epoch: e.epoch, train_loss: e.trainLoss, val_loss: e.valLoss, lr: e.lr })) : null,
    });
    const files = await writeRunTables(outDir, tables, 'influence');
    const correlations = devs.map((d) => d.rankCorrelation).filter((v) => Number.isFinite(v));
    lap('write');
    timings.total = clock.total();
    const metrics = influenceMetrics(stage, o, analysis, correlations, analysed.length, timings);
    await writeMetrics(outDir, metrics);
    await writeJsonAtomic(join(outDir, 'config.json'), resolvedConfig(o, { trained: split !== null, idColumn: data.idName }));
    const inputs: ManifestInput[] = [{ path: o.data, sha256: await sha256File(o.data), rows: data.tableRows, columns: data.tableColumns }];
    if (o.model) inputs.push({ path: o.model, sha256: await sha256File(o.model) });
    await writeJsonAtomic(
      join(outDir, 'manifest.json'),
      await runManifest({
        study: 'influence',
        outDir,
        inputs,
        seed: o.seed,
        backend: be.name,
        backendBuild: be.build,
        threads: be.threads,
        timings: { ...timings, ...(history ? { epochs_s: history.epochs.map((e) => Number(e.seconds.toFixed(3))) } : {}) },
        used: { features: data.features, classes, rows: data.rows, analysed: analysed.length, slice: o.slice },
        files: [...(split ? ['model.relevance'] : []), ...files, 'metrics.json', 'config.json'],
      }),
    );
    const reportPath = await writeStudyReport(io, outDir, 'influence');
    return { outDir, metrics, reportPath };
  } finally {
    model?.dispose();
    be.destroy();
  }
}

/** metrics.json of the study: the classifier, instance versus class, the influence's top units per class, the data and the timings. */
function influenceMetrics(stage: ClassifierStage, o: InfluenceStudyOptions, analysis: InfluenceAnalysis, correlations: number[], analysed: number, timings: Record<string, number>): Record<string, unknown> {
  const { data, classes, counts, width, split, history, quality } = stage;
  const topUnits: Record<string, string[]> = {};
  for (const c of analysis.perClass) {
    topUnits[classes[c.class]!] = Array.from(c.distributional.keys())
      .sort((a, b) => Math.abs(c.distributional[b]!) - Math.abs(c.distributional[a]!) || a - b)
      .slice(0, o.topK)
      .map((j) => analysis.units[j]!);
  }
  return {
    classifier: {
      test_accuracy: quality.accuracy,
      balanced_accuracy: quality.balancedAccuracy,
      per_class: Object.fromEntries(quality.perClass.map((p) => [p.class, { precision: p.precision, recall: p.recall, support: p.support }])),
      evaluated_on: split ? 'test' : 'all',
      evaluated_rows: quality.rows,
      trained: split !== null,
      ...(history ? { best_epoch: history.bestEpoch + 1, epochs_run: history.epochs.length, stop_reason: history.stopReason, best_validation_loss: history.bestLoss } : {}),
    },
    instance_vs_class: {
      median_rank_correlation: correlations.length ? stats.median(correlations) : null,
      mean_rank_correlation: correlations.length ? stats.mean(correlations) : null,
      instances: correlations.length,
    },
    influence: { slice: o.slice, units: analysis.units.length, top_k: o.topK, top_units: topUnits },
    data: {
      rows: data.rows, unlabelled_rows: data.unlabelled, features: width, classes: Object.fromEntries(classes.map((c, i) => [c, counts[i]])),
      train: split?.train.length ?? null, validation: split?.validation.length ?? null, test: split?.test.length ?? null, analysed,
      dropped_columns: data.skipped,
    },
    timing_s: { ...timings },
  };
}
