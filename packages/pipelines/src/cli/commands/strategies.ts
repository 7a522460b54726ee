/**
 * `relevance strategies`: spectral relevance analysis (SpRAy; Lapuschkin et
 * al. 2019) — cluster per-row explanations into the prediction strategies of
 * a model. The explanations come from
 *   - a classifier over a labelled table (--data, --label-column; --model or
 *     an MLP trained as `study influence` trains it) explained by any
 *     registered attribution method (--method),
 *   - a run folder (--run): the per-patient networks of a proteomics run
 *     (edges_instance) or the per-instance attributions of an influence run,
 *   - or a table of attributions (--attributions, e.g. from `relevance explain`).
 * Writes clusters.parquet (id, cluster), clusters.csv, strategies.json and config.json.
 */
import { join } from 'node:path';
import type { Command, CommandIO, OptionSpec } from '../command.js';
import type { ParsedArgs } from '../args.js';
import { UsageError } from '../usage-error.js';
import { CLASSIFIER_DATA_OPTIONS, CLASSIFIER_TRAINING_OPTIONS, classifierConfig, classifierStageOptions, methodGenerator, stageLog, withClassifier } from '../classifier-options.js';
import { defaultRunFolder } from '../../studies/study-io.js';
import { DataError } from '../../io/data-error.js';
import type { LoadedTable } from '../../io/table.js';

interface Explanations {
  /** The study of a run folder given with --run. */
  study?: 'proteomics' | 'influence';
  values: Float64Array;
  rows: number;
  features: string[];
  ids: Array<string | number>;
  idName: string;
  labels?: Int32Array;
  classes?: string[];
  source: string;
}

function column(table: LoadedTable, name: string, path: string): LoadedTable['columns'][number] {
  const c = table.columns.find((x) => x.name === name);
  if (!c) throw new DataError(`${path}: no column '${name}'; columns: ${table.columns.map((x) => x.name).join(', ')}; is this a run folder of the right study?`);
  return c;
}

/** Long tables (instance, feature, value[, class]) pivoted to one row per instance, in first-seen order; absent cells are 0. */
function pivot(instances: ReadonlyArray<string | number | null>, keys: readonly string[], values: Float64Array, classes: ReadonlyArray<string | null> | null, source: string, idName: string): Explanations {
  const rowOf = new Map<string, number>();
  const ids: Array<string | number> = [];
  const featureOf = new Map<string, number>();
  const features: string[] = [];
  const rowClass: Array<string | null> = [];
  instances.forEach((inst, i) => {
    const key = String(inst);
    if (!rowOf.has(key)) {
      rowOf.set(key, ids.length);
      ids.push(inst ?? key);
      rowClass.push(classes ? classes[i] ?? null : null);
    }
    if (!featureOf.has(keys[i]!)) {
      featureOf.set(keys[i]!, features.length);
      features.push(keys[i]!);
    }
  });
  const out = new Float64Array(ids.length * features.length);
  instances.forEach((inst, i) => {
    out[rowOf.get(String(inst))! * features.length + featureOf.get(keys[i]!)!] = values[i]!;
  });
  let labels: Int32Array | undefined;
  let classNames: string[] | undefined;
  if (classes && rowClass.every((c) => c !== null)) {
    classNames = [...new Set(rowClass as string[])].sort();
    labels = Int32Array.from(rowClass as string[], (c) => classNames!.indexOf(c));
  }
  return { values: out, rows: ids.length, features, ids, idName, source, ...(labels ? { labels, classes: classNames } : {}) };
}

async function fromRun(dir: string): Promise<Explanations> {
  const { readTable } = await import('../../io/read-table.js');
  const { existsSync } = await import('node:fs');
  const edges = join(dir, 'edges_instance.parquet');
  const influence = join(dir, 'instance_influence.parquet');
  if (existsSync(join(dir, 'instance_networks.npy'))) {
    // every patient's whole network (edges_instance may keep only each patient's strongest pairs)
    const { readNetworkMatrix } = await import('../../studies/proteomics/instance-files.js');
    const m = await readNetworkMatrix(dir);
    const complete = m.classes.every((c) => c !== null);
    const classNames = complete ? [...new Set(m.classes as string[])].sort() : undefined;
    const labels = classNames ? Int32Array.from(m.classes as string[], (c) => classNames.indexOf(c)) : undefined;
    const source = join(dir, 'instance_networks.npy');
    return { values: Float64Array.from(m.values), rows: m.ids.length, features: m.features, ids: m.ids, idName: 'instance', source, ...(labels ? { labels, classes: classNames } : {}), study: 'proteomics' };
  }
  if (existsSync(edges)) {
    const t = await readTable(edges);
    const inst = column(t, 'instance', edges).values as Array<string | number | null>;
    const src = column(t, 'source', edges).values as string[];
    const tgt = column(t, 'target', edges).values as string[];
    const rel = column(t, 'relevance', edges).values as Float64Array;
    const cls = t.columns.find((c) => c.name === 'class')?.values as Array<string | null> | undefined;
    return { ...pivot(inst, src.map((s, i) => `${s}|${tgt[i]}`), Float64Array.from(rel), cls ?? null, edges, 'instance'), study: 'proteomics' };
  }
  if (existsSync(influence)) {
    const t = await readTable(influence);
    const inst = column(t, 'instance', influence).values as Array<string | number | null>;
    const unit = column(t, 'unit', influence).values as string[];
    const att = column(t, 'attribution', influence).values as Float64Array;
    const cls = t.columns.find((c) => c.name === 'class')?.values as Array<string | null> | undefined;
    return { ...pivot(inst, unit, Float64Array.from(att), cls ?? null, influence, 'instance'), study: 'influence' };
  }
  throw new DataError(`--run ${dir}: neither edges_instance.parquet (a proteomics run) nor instance_influence.parquet (an influence run) is there; give the run folder of one of those studies`);
}

async function fromAttributions(path: string, idColumn: string | null | undefined): Promise<Explanations> {
  const { readArray } = await import('../../io/arrays.js');
  // a `relevance explain` table has a 'target' column before the attributions: leave it out
  const a = await readArray(path, { idColumn, requireComplete: true, exclude: ['target'] });
  const rows = a.shape[0]!;
  const features = a.columnNames ?? Array.from({ length: a.shape[1] ?? 0 }, (_, j) => `f${j}`);
  return { values: Float64Array.from(a.data), rows, features, ids: a.ids ?? Array.from({ length: rows }, (_, i) => i + 1), idName: a.idName ?? 'row', source: path };
}

const SOURCE_OPTIONS: readonly OptionSpec[] = [
  ...CLASSIFIER_DATA_OPTIONS.map((o) => ({ ...o, required: false })),
  { name: 'method', type: 'string', default: 'input-x-gradient', help: 'attribution method from the registry (see relevance explain) used on the classifier; run with its default options and --seed' },
  { name: 'target', type: 'choice', choices: ['predicted', 'label'], default: 'predicted', help: 'class explained per row: the predicted one (as in the paper) or the true label' },
  { name: 'run', type: 'string', placeholder: 'dir', help: 'cluster the per-instance networks of a proteomics run (edges_instance) or the attributions of an influence run (instance_influence)' },
  { name: 'attributions', type: 'string', placeholder: 'table', help: 'cluster a table of per-row attributions (e.g. from relevance explain; numeric columns, id detected)' },
];

export const strategiesCommand: Command = {
  name: 'strategies',
  summary: 'prediction strategies by spectral relevance analysis (SpRAy, Lapuschkin et al. 2019): cluster per-row explanations',
  usage: 'strategies (--data <table> --label-column <col> [--model m] [--method name] | --run <dir> | --attributions <table>) [--clusters k] [--out <dir>] [options]',
  description:
    'Per-row explanations are normalised (--normalise), joined by a symmetric k-nearest-neighbour graph (--neighbours), and clustered spectrally: ' +
    'the number of strategies is the eigengap of the normalised Laplacian (up to --max-clusters) unless --clusters fixes it; k-means on the row-normalised eigenvectors is seeded. ' +
    'Each cluster is described by its size, its class shares, its top features (mean relevance) and its distinguishing features (mean in the cluster minus mean elsewhere). ' +
    'A "Clever Hans" strategy shows as a cluster whose top feature is an artefact.\n' +
    'Output: clusters.parquet and clusters.csv (id, cluster), strategies.json {"k", "eigenvalues", "clusters": [{"cluster", "size", "classes": {class: share}, "top_features": [{"name", "relevance"}], "distinguishing_features": [...]}]}, config.json.',
  options: [
    ...SOURCE_OPTIONS,
    { name: 'clusters', type: 'integer', placeholder: 'k', help: 'a fixed number of clusters (default: the eigengap heuristic)' },
    { name: 'max-clusters', type: 'integer', default: 10, help: 'most clusters the eigengap may choose' },
    { name: 'neighbours', type: 'integer', default: 10, help: 'neighbours per row in the affinity graph' },
    { name: 'normalise', type: 'choice', choices: ['l2', 'max', 'none'], default: 'l2', help: 'per-row scaling of the explanations before clustering' },
    { name: 'top-k', type: 'integer', default: 5, help: 'features listed per cluster' },
    ...CLASSIFIER_TRAINING_OPTIONS,
    { name: 'out', type: 'string', placeholder: 'dir', help: "the output folder (default: with --run, the run's strategies/ folder, and the run's report gains a strategies view; else runs/strategies-<date>-<time>)" },
  ],
  examples: [
    'relevance strategies --data cohort.csv --label-column subtype --method lrp --out runs/strategies',
    'relevance strategies --run runs/breast-proteomics --out runs/breast-strategies',
    'relevance strategies --attributions ig.parquet --clusters 4 --out runs/ig-strategies',
  ],
  async run(args, io) {
    const sources = ['data', 'run', 'attributions'].filter((s) => args.has(s));
    if (sources.length !== 1) throw new UsageError(`give exactly one source of explanations: --data (with --label-column), --run or --attributions${sources.length ? `; got ${sources.map((s) => `--${s}`).join(', ')}` : ''}`);
    if (args.has('data') && !args.has('label-column')) throw new UsageError('--data needs --label-column: the classifier is trained on (or checked against) the labels');
    const positive = (name: string): number => {
      const v = args.number(name);
      if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${name} must be a positive integer, got ${v}`);
      return v;
    };
    const neighbours = positive('neighbours');
    const maxClusters = positive('max-clusters');
    const topK = positive('top-k');
    const clusters = args.has('clusters') ? positive('clusters') : undefined;
    const seed = args.number('seed');
    if (seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${seed}`);
    const out = args.optionalString('out') ?? (args.has('run') ? join(args.string('run'), 'strategies') : defaultRunFolder('strategies'));
    const log = stageLog(args, io.stderr);
    const { spray } = await import('@relevance/methods');
    const { makeOutputFolder, makeTable, numberColumn, stringColumn, writeJsonAtomic, writeParquetAndCsv } = await import('../stage-output.js');
    await makeOutputFolder(out);

    let ex: Explanations;
    const config: Record<string, unknown> = { command: 'strategies' };
    if (args.has('data')) {
      ex = await explainWithClassifier(args, io, out, seed, log, config);
    } else if (args.has('run')) {
      ex = await fromRun(args.string('run'));
      Object.assign(config, { run: args.string('run'), source: ex.source });
    } else {
      const idOpt = args.optionalString('id-column');
      ex = await fromAttributions(args.string('attributions'), idOpt === undefined ? undefined : idOpt === 'none' ? null : idOpt);
      Object.assign(config, { attributions: args.string('attributions') });
    }
    if (ex.rows < 3) throw new DataError(`${ex.source}: SpRAy needs at least 3 rows of explanations, got ${ex.rows}`);
    if (neighbours >= ex.rows) throw new UsageError(`--neighbours ${neighbours} must be below the number of rows (${ex.rows})`);

    const result = spray(ex.values, ex.rows, {
      featureNames: ex.features, neighbours, maxClusters, clusters, normalise: args.string('normalise') as 'l2', topK, generator: await methodGenerator(seed),
      ...(ex.labels ? { labels: ex.labels, classes: ex.classes } : {}),
    });
    const idCol = ex.ids.every((v) => typeof v === 'number') ? numberColumn(ex.idName, ex.ids as number[]) : stringColumn(ex.idName, ex.ids.map(String));
    const table = makeTable('clusters', [idCol, numberColumn('cluster', result.assignments)]);
    await writeParquetAndCsv(out, 'clusters', table);
    await writeJsonAtomic(join(out, 'strategies.json'), {
      method: 'SpRAy (Lapuschkin et al. 2019)', k: result.k, chosen_by: result.chosenBy, neighbours: result.neighbours,
      eigenvalues: Array.from(result.eigenvalues), eigengaps: Array.from(result.eigengaps),
      clusters: result.clusters.map((c) => ({
        cluster: c.cluster, size: c.size, classes: c.classes, top_features: c.topFeatures, distinguishing_features: c.distinguishingFeatures,
      })),
    });
    await writeJsonAtomic(join(out, 'config.json'), {
      ...config, clusters: clusters ?? 'eigengap', max_clusters: maxClusters, neighbours, normalise: args.string('normalise'), top_k: topK, seed,
    });
    // a run's own strategies/ folder: rewrite its report, which then shows the strategies view
    let reportPath: string | null = null;
    if (ex.study && args.has('run') && join(args.string('run'), 'strategies') === join(out)) {
      reportPath = io.writeReport ? await io.writeReport(args.string('run'), ex.study) : null;
    }
    const lines = result.clusters.map((c) => `cluster ${c.cluster}: ${c.size} rows${Object.keys(c.classes).length ? ` (${Object.entries(c.classes).map(([k, v]) => `${k} ${(100 * v).toFixed(0)}%`).join(', ')})` : ''}; top ${c.topFeatures.map((f) => f.name).join(', ')}`);
    io.stdout.write(`output: ${out}\n${result.k} strategies (${result.chosenBy})\n${lines.join('\n')}\n${reportPath ? `report: ${reportPath}\n` : ''}`);
  },
};

/** --data: train (or load) the classifier, then explain every row with --method; the config gains what was done. */
async function explainWithClassifier(args: ParsedArgs, io: CommandIO, out: string, seed: number, log: (line: string) => void, config: Record<string, unknown>): Promise<Explanations> {
  const { methodEntry } = await import('@relevance/methods');
  const stageOptions = classifierStageOptions(args);
  const entry = methodEntry(args.string('method'));
  if (entry.layerMethod) throw new UsageError(`--method ${entry.name} explains a layer; choose a method that explains the input features (e.g. input-x-gradient, lrp, integrated-gradients)`);
  const { saveStageModel } = await import('../../studies/influence/prepare-classifier.js');
  const { predictClasses } = await import('../../studies/influence/classifier.js');
  return withClassifier(stageOptions, { progress: io.progress, log }, 'SpRAy', async (stage, be) => {
    const { model, data, classes, labels, xs, width } = stage;
    if (stage.split) await saveStageModel(stage, out, 'strategies', stageOptions);
    const target = args.string('target') === 'label' ? labels : await predictClasses(model, xs, width);
    const x = be.tensor(xs, [data.rows, width]);
    io.progress.start(`${entry.name} on ${data.rows} rows`, 0);
    let explanations: Explanations;
    try {
      const options: Record<string, unknown> = { target };
      if (entry.random) options.seed = seed;
      const a = await entry.run(model, x, options);
      explanations = {
        values: Float64Array.from(a.values as Float32Array), rows: data.rows, features: data.features, ids: data.ids, idName: data.idName ?? 'row',
        labels, classes, source: data.source,
      };
    } finally {
      x.dispose();
    }
    io.progress.done(`${entry.name}: ${data.rows} rows x ${width} features`);
    Object.assign(config, {
      data: stageOptions.data, label_column: stageOptions.labelColumn, model: stageOptions.model ?? null, method: entry.name, target: args.string('target'),
      classifier: classifierConfig(stage, stageOptions),
    });
    return explanations;
  });
}
