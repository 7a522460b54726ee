/**
 * `relevance counterfactuals`: sparse, plausible changes that flip (or, for
 * pertinent positives, keep) a classifier's prediction for chosen rows of a
 * labelled table (Wachter et al. 2017; Dhurandhar et al. 2018). The
 * classifier is given (--model) or trained as `study influence` trains it.
 * Values are reported in the table's units (the model sees z-scores).
 * Writes counterfactuals.parquet / .csv (one row per changed feature of each
 * answer), config.json, and model.relevance when trained here.
 */
import { join } from 'node:path';
import type { Command } from '../command.js';
import { UsageError } from '../usage-error.js';
import { runFolderOption } from '../common-options.js';
import { CLASSIFIER_DATA_OPTIONS, CLASSIFIER_TRAINING_OPTIONS, classifierConfig, classifierStageOptions, namedValues, stageLog, withClassifier } from '../classifier-options.js';
import { defaultRunFolder } from '../../studies/study-io.js';
import { DataError } from '../../io/data-error.js';
import { booleanColumn, makeTable, numberColumn, stringColumn, type Table } from '../../io/table.js';
import type { CounterfactualAnswer } from '@relevance/methods';
import { didYouMean, listNames } from '../../io/closest-match.js';

export const counterfactualsCommand: Command = {
  name: 'counterfactuals',
  summary: 'counterfactual and contrastive explanations: the fewest plausible changes that flip a prediction; pertinent negatives and positives',
  usage: 'counterfactuals --data <table> --label-column <col> [--model m] [--where "<sql>"] [--mode counterfactual|pertinent-negative|pertinent-positive] [--immutable a,b] [--range f=lo:hi] [--out <dir>] [options]',
  description:
    'counterfactual (Wachter et al. 2017): the smallest change, in few features and near the data (L1 on z-scores plus a distance to the nearest row of the desired class), that makes the model predict --desired (default: the strongest other class). ' +
    'Features are tried in the order of the change they can bring within their range; the smallest set that works is kept and pruned, so on a linear model the answer has the fewest changes. ' +
    '--answers gives several diverse answers (each bans the largest change of the earlier ones). ' +
    'pertinent-negative (Dhurandhar et al. 2018): the same, moving features only away from the baseline (the data mean): what would have to be present to change the class. ' +
    'pertinent-positive: the fewest features that, kept at their values with all others at the baseline, keep the class.\n' +
    'Output: counterfactuals.parquet and .csv with id, answer, mode, original_class, desired_class, new_class, found, changes, distance, data_distance, feature, from, to, delta (one row per changed feature; pertinent-positive lists the kept features, from the baseline).',
  options: [
    ...CLASSIFIER_DATA_OPTIONS,
    { name: 'where', type: 'string', placeholder: 'sql', help: 'explain the rows satisfying this DuckDB condition (default every labelled row)' },
    { name: 'mode', type: 'choice', choices: ['counterfactual', 'pertinent-negative', 'pertinent-positive'], default: 'counterfactual', help: 'what to find' },
    { name: 'desired', type: 'string', default: 'flip', placeholder: 'flip|class', help: 'the class to reach: flip (the strongest other class) or a class name' },
    { name: 'answers', type: 'integer', default: 3, help: 'diverse answers per row' },
    { name: 'immutable', type: 'list', placeholder: 'a,b', help: 'features that never change (e.g. age, sex)' },
    { name: 'range', type: 'list', split: false, placeholder: 'feature=lo:hi', help: 'allowed values of a feature in the table\'s units (repeatable; default the observed min:max)' },
    { name: 'max-changes', type: 'integer', placeholder: 'n', help: 'most features changed (or kept) per answer' },
    { name: 'margin', type: 'number', default: 0.01, help: 'required lead of the desired class logit over the others' },
    { name: 'data-weight', type: 'number', default: 0.1, help: 'weight of the distance to the nearest data row of the desired class (plausibility)' },
    { name: 'steps', type: 'integer', default: 400, help: 'proximal gradient steps per row and answer' },
    ...CLASSIFIER_TRAINING_OPTIONS,
    runFolderOption('counterfactuals', 'the output folder'),
  ],
  examples: [
    "relevance counterfactuals --data cohort.csv --label-column subtype --where \"sample in ('TCGA-A1', 'TCGA-B2')\" --immutable age --range ESR1=-3:3 --out runs/cf",
    'relevance counterfactuals --data cohort.csv --label-column subtype --model runs/breast-influence/model.relevance --mode pertinent-positive --answers 1',
  ],
  async run(args, io) {
    const stageOptions = classifierStageOptions(args);
    const mode = args.string('mode') as 'counterfactual' | 'pertinent-negative' | 'pertinent-positive';
    const answers = args.atLeast('answers', 1);
    const steps = args.atLeast('steps', 1);
    const maxChanges = args.optionalAtLeast('max-changes', 1);
    const ranges = parseRanges(args.list('range'));
    const where = args.optionalString('where');
    const out = args.optionalString('out') ?? defaultRunFolder('counterfactuals');
    const log = stageLog(args, io.stderr);
    const { counterfactuals } = await import('@relevance/methods');
    const { makeOutputFolder, saveStageModel, writeJsonAtomic, writeParquetAndCsv } = await import('../stage-output.js');
    await makeOutputFolder(out);
    await withClassifier({ ...stageOptions, where }, { progress: io.progress, log }, 'a counterfactual', async (stage, be) => {
      const { model, data, classes, xs, width } = stage;
      if (stage.split) await saveStageModel(stage, out, 'counterfactuals', stageOptions);
      const mean = stage.standardization?.mean ?? new Float64Array(width);
      const sd = stage.standardization?.sd ?? new Float64Array(width).fill(1);
      const toModel = (j: number, v: number): number => (v - mean[j]!) / sd[j]!;
      const toTable = (j: number, v: number): number => v * sd[j]! + mean[j]!;
      const immutable = args.list('immutable').map((f) => featureIndex(data.features, 'immutable', f));
      const { lower, upper } = featureBounds(xs, data.rows, width, data.features, ranges, toModel);
      const desiredText = args.string('desired');
      let desired: 'flip' | number = 'flip';
      if (desiredText !== 'flip') {
        desired = classes.indexOf(desiredText);
        if (desired < 0) throw new UsageError(`--desired ${desiredText}: no class '${desiredText}'; classes: ${listNames(classes)} (or flip)`);
        if (mode === 'pertinent-positive') throw new UsageError('--desired does not apply to pertinent-positive: it keeps the predicted class');
      }
      const x = be.tensor(xs, [data.rows, width]);
      io.progress.start(`${mode} for ${data.analysed.length} rows`, 0);
      let result;
      try {
        result = await counterfactuals(model, x, {
          mode, rows: data.analysed, desired, answers, immutable, data: xs, lower, upper, scale: new Array(width).fill(1),
          margin: args.number('margin'), dataWeight: args.number('data-weight'), steps, ...(maxChanges !== undefined ? { maxChanges } : {}),
        });
      } finally {
        x.dispose();
      }
      const found = result.answers.filter((a) => a.found);
      io.progress.done(`${found.length} answers for ${new Set(found.map((a) => a.row)).size} of ${data.analysed.length} rows`);
      const table = answersTable(result.answers, data.ids, data.idName ?? 'row', data.features, classes, mode, toTable);
      await writeParquetAndCsv(out, 'counterfactuals', table);
      await writeJsonAtomic(join(out, 'config.json'), {
        command: 'counterfactuals', data: stageOptions.data, label_column: stageOptions.labelColumn, model: stageOptions.model ?? null, where: where ?? null, mode,
        desired: desiredText, answers, immutable: args.list('immutable'), ranges: Object.fromEntries(ranges.map((r) => [r.name, [r.lo, r.hi]])),
        max_changes: maxChanges ?? null, margin: args.number('margin'), data_weight: args.number('data-weight'), steps, scale: 'z-scores (training standard deviations)',
        classifier: classifierConfig(stage, stageOptions),
        seed: stageOptions.seed, backend: be.name,
      });
      const perRow = new Map<number, number>();
      for (const a of found) if (a.answer === 0) perRow.set(a.row, a.changes.length);
      const counts = [...perRow.values()];
      io.stdout.write(`output: ${out}\n${mode}: ${perRow.size} of ${data.analysed.length} rows answered` +
        (counts.length ? `, median ${counts.sort((p, q) => p - q)[Math.floor(counts.length / 2)]} change(s) in the first answer` : '') + '\n');
    });
  },
};

/** One row per changed feature of each answer (one row without a feature when nothing was found), in table units. */
function answersTable(answers: readonly CounterfactualAnswer[], ids: ReadonlyArray<string | number>, idName: string, features: readonly string[], classes: readonly string[], mode: string, toTable: (j: number, v: number) => number): Table {
  const cols = {
    id: [] as Array<string | number>, answer: [] as number[], original: [] as string[], desired: [] as string[], newClass: [] as Array<string | null>, found: [] as boolean[],
    changes: [] as number[], distance: [] as number[], dataDistance: [] as number[], feature: [] as Array<string | null>, from: [] as number[], to: [] as number[], delta: [] as number[],
  };
  for (const a of answers) {
    const list = a.changes.length ? a.changes : [null];
    for (const ch of list) {
      cols.id.push(ids[a.row]!);
      cols.answer.push(a.answer + 1);
      cols.original.push(classes[a.originalClass]!);
      cols.desired.push(classes[a.desiredClass]!);
      cols.newClass.push(a.newClass === null ? null : classes[a.newClass]!);
      cols.found.push(a.found);
      cols.changes.push(a.changes.length);
      cols.distance.push(a.distance);
      cols.dataDistance.push(a.dataDistance);
      cols.feature.push(ch ? features[ch.feature]! : null);
      const from = ch ? toTable(ch.feature, ch.from) : NaN;
      const to = ch ? toTable(ch.feature, ch.to) : NaN;
      cols.from.push(from);
      cols.to.push(to);
      cols.delta.push(to - from);
    }
  }
  return makeTable('counterfactuals', [
    cols.id.every((v) => typeof v === 'number') ? numberColumn(idName, cols.id as number[]) : stringColumn(idName, cols.id.map(String)),
    numberColumn('answer', cols.answer),
    stringColumn('mode', cols.id.map(() => mode)),
    stringColumn('original_class', cols.original),
    stringColumn('desired_class', cols.desired),
    stringColumn('new_class', cols.newClass),
    booleanColumn('found', cols.found),
    numberColumn('changes', cols.changes),
    numberColumn('distance', cols.distance),
    numberColumn('data_distance', cols.dataDistance),
    stringColumn('feature', cols.feature),
    numberColumn('from', cols.from),
    numberColumn('to', cols.to),
    numberColumn('delta', cols.delta),
  ]);
}

/** --range name=lo:hi, in table units, checked. */
function parseRanges(values: string[]): Array<{ name: string; lo: number; hi: number }> {
  return namedValues('range', values, 'ESR1=-3:3').map(({ name, value }) => {
    const m = /^([^:]+):([^:]+)$/.exec(value);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2]) : NaN;
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new UsageError(`--range ${name}=${value}: give lo:hi with lo <= hi, e.g. --range ${name}=-3:3`);
    return { name, lo, hi };
  });
}

/** The column of a feature named by an option; an unknown name is an error with the closest names. */
function featureIndex(features: readonly string[], option: string, name: string): number {
  const j = features.indexOf(name);
  if (j < 0) throw new DataError(`--${option} ${name}: no feature '${name}'${didYouMean(name, features)}; features: ${listNames(features, 20)}`);
  return j;
}

/** Per feature, the bounds of the search (model units): the data's range, or the --range given. */
function featureBounds(xs: ArrayLike<number>, rows: number, width: number, features: readonly string[], ranges: ReadonlyArray<{ name: string; lo: number; hi: number }>, toModel: (j: number, v: number) => number): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(width).fill(Infinity);
  const upper = new Float64Array(width).fill(-Infinity);
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) {
    lower[j] = Math.min(lower[j]!, xs[r * width + j]!);
    upper[j] = Math.max(upper[j]!, xs[r * width + j]!);
  }
  for (const rg of ranges) {
    const j = featureIndex(features, 'range', rg.name);
    lower[j] = toModel(j, rg.lo);
    upper[j] = toModel(j, rg.hi);
  }
  return { lower, upper };
}
