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
import { saveModelFile, stats, treeEnsembleOf, type Model } from '@relevance/methods';
import { sha256File, writeJsonAtomic } from '../../io/atomic-write.js';
import { didYouMean, listNames } from '../../io/closest-match.js';
import { UsageError } from '../../cli/usage-error.js';
import { writeMetrics, writeRunTables } from '../../io/run-format.js';
import { createProgress } from '../../progress/progress.js';
import { runManifest, type ManifestInput } from '../manifest.js';
import { deviations } from './deviations.js';
import { analyseInfluence } from './influence-analysis.js';
import { prepareClassifier, rowsOf, type ClassifierStage } from './prepare-classifier.js';
import type { LoadedTable, Table } from '../../io/table.js';
import { resolvedConfig, validateOptions, withDefaults, type InfluenceStudyOptions } from './options.js';
import { rowMean } from './standardize.js';
import { buildTables } from './tables.js';
import { analyseTreeInfluence, backgroundRows } from './tree-influence.js';
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

function checkSlice(slice: string, layers: readonly string[], modelPath: string | undefined, trees = false): void {
  if (trees && slice !== 'input') throw new UsageError(`--slice ${slice}: ${modelPath} is a tree ensemble, explained with TreeSHAP at its inputs; use --slice input`);
  if (slice === 'input' || layers.includes(slice)) return;
  const of = modelPath ? `the model ${modelPath}` : 'the trained classifier';
  throw new UsageError(`--slice ${slice}: ${of} has no layer '${slice}'${didYouMean(slice, layers)}; use 'input' or one of: ${listNames(layers)}`);
}

export async function runInfluenceStudy(input: InfluenceStudyInput, io: InfluenceStudyIO = SILENT): Promise<InfluenceStudyResult> {
  const o = withDefaults(input);
  validateOptions(o);
  return inRunFolder(o.out, o.force, (outDir) => writeInfluenceRun(o, io, outDir));
}

/** What the influence study computes, free of file I/O (the CLI writes it; the browser app zips it). */
export interface InfluenceCoreResult {
  /** The classifier; the caller disposes it. */
  model: Model;
  /** model.relevance's metadata when the classifier was trained here (null for a given model). */
  modelMetadata: Record<string, unknown> | null;
  tables: Map<string, Table>;
  /** metrics.json but for timing_s (see influenceMetrics). */
  metrics: Record<string, unknown>;
  config: Record<string, unknown>;
  data: ClassifierStage['data'];
  classes: string[];
  epochSeconds: number[] | null;
  clock: ReturnType<typeof stopwatch>;
}

/**
 * Load (or take `table`, a table in memory), train or load the classifier and
 * compute every table and metric of the study on `be`.
 */
export async function runInfluenceCore(o: InfluenceStudyOptions, be: Backend, io: InfluenceStudyIO, table?: LoadedTable): Promise<InfluenceCoreResult> {
  const clock = stopwatch();
  const lap = clock.lap;
  let pairs: Array<[number, number]> = [];
  const stage = await prepareClassifier(be, { ...o, trees: true, ...(table ? { data: table } : {}) }, {
    ...io,
    loaded: () => lap('load'),
    beforeTraining: (classes, given) => {
      pairs = classPairs(o, classes);
      checkSlice(o.slice, given ? given.nodes.map((n) => n.name) : mlpLayerNames(o.hidden), o.model, given !== null && treeEnsembleOf(given) !== undefined);
    },
  });
  const { model, data, classes, labels, counts, xs, width, split, standardization, history, referenceRows, quality } = stage;
  try {
    const modelMetadata = split
      ? { study: 'influence', features: data.features, classes, label_column: o.labelColumn, seed: o.seed, standardize: { mean: Array.from(standardization!.mean), sd: Array.from(standardization!.sd) } }
      : null;
    lap('train');
    const analysed = data.analysed;
    const labelsAnalysed = Int32Array.from(analysed, (r) => labels[r]!);
    const trees = treeEnsembleOf(model);
    const analysis = trees
      ? analyseTreeInfluence({
        ensemble: trees, x: rowsOf(xs, width, analysed), labels: labelsAnalysed, classes, pairs, features: data.features, reference: rowsOf(xs, width, referenceRows), threads: o.threads, progress: io.progress,
      })
      : await be.asyncScope(async () => {
        const x = be.tensor(rowsOf(xs, width, analysed), [analysed.length, width]);
        const baseline = be.tensor(rowMean(xs, width, referenceRows), [width]);
        return analyseInfluence({ model, x, labels: labelsAnalysed, classes, pairs, slice: o.slice, features: data.features, baseline, progress: io.progress });
      });
    const units = analysis.units.length;
    const classVector = new Map(analysis.perClass.map((c) => [c.class, c.distributional]));
    const devs = deviations(analysis.instanceInfluence, units, (i) => classVector.get(labelsAnalysed[i]!)!, o.topK);
    lap('influence');
    const tables = buildTables({
      analysis, classes, ids: Array.from(analysed, (r) => data.ids[r]!), labels: labelsAnalysed, deviations: devs, confusion: quality,
      training: history ? history.epochs.map((e) => ({ epoch: e.epoch, train_loss: e.trainLoss, val_loss: e.valLoss, lr: e.lr })) : null,
    });
    const correlations = devs.map((d) => d.rankCorrelation).filter((v) => Number.isFinite(v));
    const topUnits: Record<string, string[]> = {};
    for (const c of analysis.perClass) {
      topUnits[classes[c.class]!] = Array.from(c.distributional.keys())
        .sort((a, b) => Math.abs(c.distributional[b]!) - Math.abs(c.distributional[a]!) || a - b)
        .slice(0, o.topK)
        .map((j) => analysis.units[j]!);
    }
    const metrics: Record<string, unknown> = {
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
      influence: { slice: o.slice, units, top_k: o.topK, top_units: topUnits, method: trees ? 'tree-shap' : 'gradient' },
      data: {
        rows: data.rows, unlabelled_rows: data.unlabelled, features: width, classes: Object.fromEntries(classes.map((c, i) => [c, counts[i]])),
        train: split?.train.length ?? null, validation: split?.validation.length ?? null, test: split?.test.length ?? null, analysed: analysed.length,
        dropped_columns: data.skipped,
      },
    };
    const treeBackground = trees ? backgroundRows(rowsOf(xs, width, referenceRows), width).length / width : null;
    const config = resolvedConfig(o, { trained: split !== null, idColumn: data.idName, treeBackground });
    const epochSeconds = history ? history.epochs.map((e) => Number(e.seconds.toFixed(3))) : null;
    return { model, modelMetadata, tables, metrics, config, data, classes, epochSeconds, clock };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** metrics.json: the core's metrics with the phase timings (the browser app writes the same). */
export function influenceMetrics(core: InfluenceCoreResult): Record<string, unknown> {
  core.clock.timings.total = core.clock.total();
  return { ...core.metrics, timing_s: { ...core.clock.timings } };
}

/** The study, written into `outDir` (a temporary folder that inRunFolder moves onto --out). */
async function writeInfluenceRun(o: InfluenceStudyOptions, io: InfluenceStudyIO, outDir: string): Promise<InfluenceStudyResult> {
  const be: Backend = await createBackend(o.backend, o.threads ? { threads: o.threads } : {});
  let model: Model | null = null;
  try {
    const core = await runInfluenceCore(o, be, io);
    model = core.model;
    if (core.modelMetadata) await saveModelFile(model, join(outDir, 'model.relevance'), core.modelMetadata);
    const files = await writeRunTables(outDir, core.tables, 'influence');
    core.clock.lap('write');
    const metrics = influenceMetrics(core);
    await writeMetrics(outDir, metrics);
    await writeJsonAtomic(join(outDir, 'config.json'), core.config);
    const { data, classes } = core;
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
        timings: { ...core.clock.timings, ...(core.epochSeconds ? { epochs_s: core.epochSeconds } : {}) },
        used: { features: data.features, classes, rows: data.rows, analysed: data.analysed.length, slice: o.slice },
        files: [...(core.modelMetadata ? ['model.relevance'] : []), ...files, 'metrics.json', 'config.json'],
      }),
    );
    const reportPath = await writeStudyReport(io, outDir, 'influence');
    return { outDir, metrics, reportPath };
  } finally {
    model?.dispose();
    be.destroy();
  }
}
