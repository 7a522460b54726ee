/**
 * `relevance tcav`: Testing with Concept Activation Vectors (Kim et al. 2018)
 * for a classifier over a labelled table. Concepts are sets of rows, given by
 * a DuckDB condition (--concept name="condition") or a file of ids
 * (--concept-ids name=file); random counter-concepts are drawn from the rows
 * with the seed. Writes a run folder: tcav.parquet / tcav.csv (one row per
 * concept x class x layer), tcav.json (every run's scores), tcav.svg,
 * config.json, and model.relevance when the classifier was trained here.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from '../command.js';
import type { ParsedArgs } from '../args.js';
import { UsageError } from '../usage-error.js';
import { runFolderOption } from '../common-options.js';
import { CLASSIFIER_DATA_OPTIONS, CLASSIFIER_TRAINING_OPTIONS, classifierConfig, classifierStageOptions, methodGenerator, namedValues, stageLog, withClassifier } from '../classifier-options.js';
import { defaultRunFolder } from '../../studies/study-io.js';
import { DataError } from '../../io/data-error.js';
import { booleanColumn, makeTable, numberColumn, stringColumn, type Table } from '../../io/table.js';
import type { TcavRow } from '@relevance/methods';
import { checkReadableFile } from '../../io/check-file.js';
import { listNames } from '../../io/closest-match.js';

/** Row indices (into the labelled rows) of the ids listed in a file, one per line; a first line that is no id is a header. */
export async function idsFileRows(option: string, path: string, ids: ReadonlyArray<string | number>, idName: string | null): Promise<Int32Array> {
  await checkReadableFile(path);
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).map((l) => l.split(/[,\t]/)[0]!.trim().replace(/^"(.*)"$/, '$1')).filter((l) => l !== '');
  const position = new Map(ids.map((id, i) => [String(id), i]));
  if (lines.length && !position.has(lines[0]!)) lines.shift();
  const missing = lines.filter((l) => !position.has(l));
  if (missing.length) {
    throw new DataError(
      `${option} ${path}: ${missing.length} id${missing.length === 1 ? '' : 's'} not found among the labelled rows' ${idName ? `'${idName}' ids` : 'row numbers (there is no id column)'}: ${listNames(missing, 8)}; ` +
        'list one id per line, as they appear in the id column (choose it with --id-column)',
    );
  }
  if (!lines.length) throw new DataError(`${option} ${path}: the file lists no ids; write one id per line`);
  return Int32Array.from(new Set(lines.map((l) => position.get(l)!))).sort();
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** A bar per concept x class x layer (mean TCAV score, ± sd), the random mean as a tick, * when significant. */
export function tcavFigure(rows: ReadonlyArray<{ concept: string; className: string; layer: string; score: number; scoreSd: number; randomScore: number; significant: boolean }>): string {
  const bar = 18;
  const left = 260;
  const width = 300;
  const top = 30;
  const height = top + rows.length * (bar + 6) + 30;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 60}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="${left}" y="16" font-size="12">TCAV score (bars: mean ± sd over random counter-concepts; tick: random-vs-random mean; * significant)</text>`,
  ];
  rows.forEach((r, i) => {
    const y = top + i * (bar + 6);
    const w = (r.score * width).toFixed(1);
    parts.push(`<text x="${left - 6}" y="${y + 13}" text-anchor="end">${escapeXml(`${r.concept} → ${r.className} @ ${r.layer}`)}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${w}" height="${bar}" fill="${r.significant ? '#3b6fb6' : '#b0b7c3'}"/>`);
    const lo = Math.max(0, r.score - r.scoreSd) * width;
    const hi = Math.min(1, r.score + r.scoreSd) * width;
    parts.push(`<line x1="${(left + lo).toFixed(1)}" x2="${(left + hi).toFixed(1)}" y1="${y + bar / 2}" y2="${y + bar / 2}" stroke="#222"/>`);
    const rx = (left + r.randomScore * width).toFixed(1);
    parts.push(`<line x1="${rx}" x2="${rx}" y1="${y - 2}" y2="${y + bar + 2}" stroke="#c0392b" stroke-width="2"/>`);
    if (r.significant) parts.push(`<text x="${left + width + 8}" y="${y + 13}">*</text>`);
  });
  const axisY = top + rows.length * (bar + 6) + 4;
  parts.push(`<line x1="${left}" x2="${left + width}" y1="${axisY}" y2="${axisY}" stroke="#444"/>`);
  for (const t of [0, 0.5, 1]) parts.push(`<text x="${left + t * width}" y="${axisY + 14}" text-anchor="middle">${t}</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export const tcavCommand: Command = {
  name: 'tcav',
  summary: 'concept sensitivity of a classifier (TCAV, Kim et al. 2018): concepts as row sets, significance against random concepts',
  usage: 'tcav --data <table> --label-column <col> (--concept name="<sql>" | --concept-ids name=<file>)... [--layers input,relu1] [--model m] [--out <dir>] [options]',
  description:
    'A concept is a set of rows: a DuckDB condition on the table\'s columns (--concept high_egfr="EGFR > 1.5") or a file of ids, one per line (--concept-ids mine=ids.txt). ' +
    'At each layer, a CAV is the normal of a logistic regression separating the concept\'s activations from a random counter-concept drawn from the rows; ' +
    'the TCAV score of a class is the share of scored rows whose class-logit gradient has a positive dot product with the CAV. ' +
    'Each concept is tested against --random-concepts counter-concepts; random-vs-random CAVs give the null; a two-sided t-test, Bonferroni-corrected over the concepts, decides significance (column significant, as in the paper). ' +
    'Because a concept\'s runs share the concept, that test also passes random row sets whose chance offset aligns with a class; significant_calibrated compares the concept\'s mean score with those of --random-concepts random concepts instead (p_calibrated, Bonferroni-corrected). ' +
    'Without --model, trains an MLP exactly as `study influence` does (layers fc1, relu1, fc2, relu2, fc3 for --hidden 64,32).',
  options: [
    ...CLASSIFIER_DATA_OPTIONS,
    { name: 'concept', type: 'list', split: false, placeholder: 'name=sql', help: 'a concept as a DuckDB condition on the table, e.g. --concept basal_like="ESR1 < -1" (repeatable)' },
    { name: 'concept-ids', type: 'list', split: false, placeholder: 'name=file', help: 'a concept as a file of ids, one per line (repeatable)' },
    { name: 'layers', type: 'list', default: ['input'], placeholder: 'input,relu1', help: "layers to test: 'input' (the standardised features) or layer names" },
    { name: 'targets', type: 'list', placeholder: 'A,B', help: 'classes to test (default every class)' },
    { name: 'scored-rows', type: 'choice', choices: ['class', 'all'], default: 'class', help: "rows whose directional derivatives are counted: the rows of the tested class (as in the paper) or every row" },
    { name: 'random-concepts', type: 'integer', default: 20, help: 'random counter-concepts per concept (and random-vs-random runs of the null)' },
    { name: 'random-size', type: 'integer', placeholder: 'n', help: 'rows per random counter-concept (default the median concept size, at most half the rows)' },
    { name: 'alpha', type: 'number', default: 0.05, help: 'significance level after the Bonferroni correction' },
    { name: 'l2', type: 'number', default: 0.01, help: 'L2 penalty of the CAV logistic regression' },
    ...CLASSIFIER_TRAINING_OPTIONS,
    runFolderOption('tcav'),
  ],
  examples: [
    'relevance tcav --data cohort.csv --label-column subtype --concept "er_low=ESR1 < -1" --concept-ids "mine=my_ids.txt" --layers input,relu1 --out runs/tcav',
    'relevance tcav --data cohort.parquet --label-column subtype --model runs/breast-influence/model.relevance --concept "hot=CD8A > 2" --random-concepts 50',
  ],
  async run(args, io) {
    const stageOptions = classifierStageOptions(args);
    const { conditions, idFiles, runs, alpha } = tcavSettings(args);
    const layers = args.list('layers');
    const out = args.optionalString('out') ?? defaultRunFolder('tcav');
    const log = stageLog(args, io.stderr);

    const { tcav } = await import('@relevance/methods');
    const { makeOutputFolder, saveStageModel, writeJsonAtomic, writeParquetAndCsv, writeTextAtomic } = await import('../stage-output.js');
    await makeOutputFolder(out);
    await withClassifier({ ...stageOptions, conditions: conditions.map((c) => c.value), conditionOptions: conditions.map((c) => `--concept ${c.name}=`) }, { progress: io.progress, log }, 'TCAV', async (stage, be) => {
      const { model, data, classes, labels, xs, width } = stage;
      if (stage.split) await saveStageModel(stage, out, 'tcav', stageOptions);
      const concepts = [
        ...conditions.map((c, k) => ({ name: c.name, rows: data.conditionRows[k]! })),
        ...(await Promise.all(idFiles.map(async (c) => ({ name: c.name, rows: await idsFileRows(`--concept-ids ${c.name}=`, c.value, data.ids, data.idName) })))),
      ];
      for (const c of concepts) {
        if (c.rows.length < 2) throw new DataError(`concept '${c.name}' holds ${c.rows.length} labelled row${c.rows.length === 1 ? '' : 's'}; a CAV needs at least 2: loosen the condition or list more ids`);
      }
      const targetNames = args.has('targets') ? args.list('targets') : classes;
      const targets = targetNames.map((t) => {
        const k = classes.indexOf(t);
        if (k < 0) throw new UsageError(`--targets: no class '${t}'; classes: ${listNames(classes)}`);
        return k;
      });
      const scoredRows = args.string('scored-rows') === 'class'
        ? new Map(targets.map((k) => [k, Int32Array.from([...labels.keys()].filter((r) => labels[r] === k))]))
        : undefined;
      const x = be.tensor(xs, [data.rows, width]);
      io.progress.start('tcav', layers.length);
      let result;
      try {
        result = await tcav(model, x, {
          layers, concepts, targets, scoredRows, randomConcepts: runs, randomSize: args.optionalNumber('random-size'), generator: await methodGenerator(stageOptions.seed),
          alpha, l2: args.number('l2'),
        });
      } finally {
        x.dispose();
      }
      io.progress.done(`${concepts.length} concept${concepts.length === 1 ? '' : 's'} x ${targets.length} classes x ${layers.length} layer${layers.length === 1 ? '' : 's'}`);
      const rows = result.rows;
      const conceptSize = new Map(concepts.map((c) => [c.name, c.rows.length]));
      const table = tcavTable(rows, classes, conceptSize);
      await writeParquetAndCsv(out, 'tcav', table);
      await writeJsonAtomic(join(out, 'tcav.json'), {
        method: 'TCAV (Kim et al. 2018)', random_concepts: result.randomConcepts, random_size: result.randomSize, bonferroni: result.bonferroni, alpha: result.alpha,
        scored_rows: args.string('scored-rows'),
        rows: rows.map((r) => ({ concept: r.concept, class: classes[r.target], layer: r.layer, score: r.score, random_score: r.randomScore, p_value: r.pValue, p_bonferroni: r.pAdjusted, significant: r.significant, p_calibrated: r.pCalibratedAdjusted, significant_calibrated: r.significantCalibrated, scores: r.scores, random_scores: r.randomScores })),
      });
      await writeTextAtomic(join(out, 'tcav.svg'), tcavFigure(rows.map((r) => ({ ...r, className: classes[r.target]! }))));
      await writeJsonAtomic(join(out, 'config.json'), {
        command: 'tcav', data: stageOptions.data, label_column: stageOptions.labelColumn, model: stageOptions.model ?? null, features: data.features,
        id_column: data.idName ?? 'none', concepts: Object.fromEntries([...conditions.map((c) => [c.name, { condition: c.value }]), ...idFiles.map((c) => [c.name, { ids_file: c.value }])]),
        layers, targets: targetNames, scored_rows: args.string('scored-rows'), random_concepts: runs, random_size: result.randomSize, alpha, l2: args.number('l2'),
        classifier: classifierConfig(stage, stageOptions),
        seed: stageOptions.seed, backend: be.name,
      });
      const lines = rows.map((r) => `${r.concept} -> ${classes[r.target]} @ ${r.layer}: TCAV ${r.score.toFixed(3)} (random ${r.randomScore.toFixed(3)}), p ${r.pAdjusted.toExponential(2)}${r.significant ? ' significant' : ''}, calibrated p ${r.pCalibratedAdjusted!.toExponential(2)}${r.significantCalibrated ? ' significant' : ''}`);
      io.stdout.write(`run folder: ${out}\n${lines.join('\n')}\n`);
    });
  },
};

/** One row per (concept, class, layer): the scores, the tests and the concept's size. */
function tcavTable(rows: readonly TcavRow[], classes: readonly string[], conceptSize: ReadonlyMap<string, number>): Table {
  return makeTable('tcav', [
    stringColumn('concept', rows.map((r) => r.concept)),
    stringColumn('class', rows.map((r) => classes[r.target]!)),
    stringColumn('layer', rows.map((r) => r.layer)),
    numberColumn('tcav_score', rows.map((r) => r.score)),
    numberColumn('tcav_score_sd', rows.map((r) => r.scoreSd)),
    numberColumn('random_score', rows.map((r) => r.randomScore)),
    numberColumn('random_score_sd', rows.map((r) => r.randomScoreSd)),
    numberColumn('t', rows.map((r) => (Number.isFinite(r.t) ? r.t : Math.sign(r.t) * Number.MAX_VALUE))),
    numberColumn('p_value', rows.map((r) => r.pValue)),
    numberColumn('p_bonferroni', rows.map((r) => r.pAdjusted)),
    booleanColumn('significant', rows.map((r) => r.significant)),
    numberColumn('p_calibrated', rows.map((r) => r.pCalibratedAdjusted ?? NaN)),
    booleanColumn('significant_calibrated', rows.map((r) => r.significantCalibrated)),
    numberColumn('cav_accuracy', rows.map((r) => r.cavAccuracy)),
    numberColumn('concept_rows', rows.map((r) => conceptSize.get(r.concept)!)),
  ]);
}

/** The concepts (conditions and id files, distinct names), the random runs and alpha, checked. */
function tcavSettings(args: ParsedArgs) {
  const conditions = namedValues('concept', args.list('concept'), 'er_low="ESR1 < -1"');
  const idFiles = namedValues('concept-ids', args.list('concept-ids'), 'mine=ids.txt');
  if (!conditions.length && !idFiles.length) throw new UsageError('give at least one concept: --concept name="<DuckDB condition>" or --concept-ids name=<file of ids>');
  const names = [...conditions, ...idFiles].map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`two concepts are named '${dup}'; give each --concept / --concept-ids a distinct name`);
  const runs = args.number('random-concepts');
  if (runs < 2) throw new UsageError(`--random-concepts must be at least 2 (the t-test needs two scores per side), got ${runs}`);
  const alpha = args.number('alpha');
  if (!(alpha > 0 && alpha < 1)) throw new UsageError(`--alpha must lie between 0 and 1, got ${alpha}`);
  return { conditions, idFiles, runs, alpha };
}
