/**
 * `relevance evaluate`: explain a data set with several attribution methods
 * and score every explanation with several quality metrics, into one long
 * table (method, metric, layer, row, id, value): a summary row per method and
 * metric (row empty), then per-row values. The summary is also printed as a
 * method x metric grid on stdout.
 *
 * Methods are specs of @relevance/methods' registry: name[:variant][:key=value]...
 * (saliency, integrated-gradients:gausslegendre:steps=32, lrp:epsilon-plus-flat).
 */
import { STUDY_OPTION_NAMES } from '../../io/option-names.js';
import { basename } from 'node:path';
import type { BackendName } from '@relevance/core-wasm';
import type { ComparisonRow, Model } from '@relevance/methods';
import { readArray, type ArrayData } from '../../io/arrays.js';
import { DataError } from '../../io/data-error.js';
import { makeTable, numberColumn, stringColumn, type Column } from '../../io/table.js';
import { writeTable } from '../../io/write-table.js';
import type { Command } from '../command.js';
import { BACKEND_OPTION, FEATURES_OPTION, ID_COLUMN_OPTION, SQL_OPTION, MODEL_OPTION } from '../common-options.js';
import { UsageError } from '../usage-error.js';
import { inputAndOut, readInput, TABLE_FORMATS } from '../command-input.js';

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** The per-row shape to feed the model: its own input shape when fully known and of the same size, else the data's. */
export function modelRowShape(model: Model, input: ArrayData, what: string): number[] {
  const modelRow = model.inputs[0]!.shape.slice(1);
  const inputRow = input.shape.slice(1);
  if (modelRow.some((d) => d < 0)) return inputRow;
  if (product(modelRow) !== product(inputRow)) {
    throw new DataError(`${what}: each row has ${product(inputRow)} values but the model expects ${product(modelRow)} (shape [${modelRow.join(', ')}]); choose the feature columns with --features`);
  }
  return modelRow;
}

/** 'argmax', or one output index for every row. */
export function parseTarget(text: string): 'argmax' | number {
  if (text === 'argmax') return 'argmax';
  if (!/^\d+$/.test(text)) throw new UsageError(`--target must be 'argmax' or an output index (0, 1, ...), got '${text}'`);
  return Number(text);
}

/** The long result table, with the input's id next to per-row values. */
export function comparisonTable(name: string, rows: readonly ComparisonRow[], ids: ArrayData['ids'], idName: string | undefined): ReturnType<typeof makeTable> {
  const columns: Column[] = [
    stringColumn('method', rows.map((r) => r.method)),
    stringColumn('metric', rows.map((r) => r.metric)),
    stringColumn('layer', rows.map((r) => r.layer)),
    numberColumn('row', rows.map((r) => (r.row === null ? NaN : r.row))),
  ];
  if (ids && idName) {
    const numeric = ids.every((v) => typeof v === 'number');
    const name = ['method', 'metric', 'layer', 'row', 'value'].includes(idName) ? `input_${idName}` : idName;
    columns.push(numeric ? numberColumn(name, rows.map((r) => (r.row === null ? NaN : (ids[r.row] as number)))) : stringColumn(name, rows.map((r) => (r.row === null ? null : String(ids[r.row])))));
  }
  columns.push(numberColumn('value', rows.map((r) => r.value)));
  return makeTable(name, columns);
}

/** The summary rows as a method x metric grid of text. */
export function summaryGrid(rows: readonly ComparisonRow[]): string {
  const summary = rows.filter((r) => r.row === null);
  const methods = [...new Set(summary.map((r) => r.method))];
  const metrics = [...new Set(summary.map((r) => (r.layer ? `${r.metric}@${r.layer}` : r.metric)))];
  const cell = new Map(summary.map((r) => [`${r.method}\u0000${r.layer ? `${r.metric}@${r.layer}` : r.metric}`, r.value]));
  const table = [['method', ...metrics], ...methods.map((m) => [m, ...metrics.map((k) => formatValue(cell.get(`${m}\u0000${k}`)))])];
  const widths = table[0]!.map((_, j) => Math.max(...table.map((row) => row[j]!.length)));
  return table.map((row) => row.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ')).join('\n') + '\n';
}

function formatValue(v: number | undefined): string {
  if (v === undefined) return '';
  if (Number.isNaN(v)) return 'NaN';
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4);
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'score attribution methods with explanation-quality metrics (AOPC, faithfulness, sparseness, ...) into one table',
  usage: 'evaluate --model <file> (--input <file> | --sql <query>) --methods <specs> --metrics <names> --out <table> [options]',
  description:
    'Methods: name[:variant][:key=value]... e.g. saliency, integrated-gradients:gausslegendre:steps=32, lrp:epsilon-plus-flat, smoothgrad:vargrad:samples=20, occlusion:window=1x4x4.\n' +
    'Metrics: aopc, aopc-lerf, aupc, faithfulness, infidelity, max-sensitivity, sparseness, complexity, total-variation, completeness, randomisation.\n' +
    'Output: one row per (method, metric[, layer]) with an empty row column (the summary), then one per input row; columns method, metric, layer, row, [id], value.',
  options: [
    MODEL_OPTION,
    { name: 'input', type: 'string', placeholder: 'file', help: 'inputs: .json array, .csv, .tsv, .parquet, .arrow or .jsonl' },
    SQL_OPTION,
    { name: 'methods', type: 'list', required: true, placeholder: 'specs', help: 'attribution methods, comma-separated: name[:variant][:key=value]...' },
    { name: 'metrics', type: 'list', required: true, placeholder: 'names', help: 'metrics, comma-separated (see above)' },
    { name: 'target', type: 'string', default: 'argmax', placeholder: 'argmax|index', help: "output explained for every row: 'argmax' (the prediction) or an output index" },
    { name: 'seed', type: 'integer', default: 0, help: 'seed of sampling methods and random metrics' },
    { name: 'out', type: 'string', required: true, placeholder: 'file', help: 'the result table (.parquet, .csv, .tsv, .arrow, .json, .jsonl)' },
    { name: 'per-row', type: 'boolean', default: true, help: 'include per-row values (--no-per-row: summaries only)' },
    FEATURES_OPTION,
    ID_COLUMN_OPTION,
    BACKEND_OPTION,
    { name: 'batch-size', type: 'integer', help: 'rows per internal batch of the methods and metrics' },
    { name: 'background', type: 'string', placeholder: 'file', help: 'background rows for the methods that take them (tree-shap, kernel-shap)' },
  ],
  examples: [
    'relevance evaluate --model model.onnx --input data.parquet --methods saliency,integrated-gradients,lrp:epsilon-plus-flat --metrics aopc,faithfulness,sparseness --out table.parquet',
    'relevance evaluate --model weights.json --input data.csv --methods smoothgrad:samples=20 --metrics randomisation --seed 3 --out sanity.csv',
    'relevance evaluate --model gbm.onnx --input data.csv --methods tree-shap,kernel-shap:samples=512 --background bg.csv --metrics aopc,sparseness --out trees.csv',
  ],
  async run(args, io) {
    const { source, outPath } = inputAndOut(args, TABLE_FORMATS);
    const methods = args.list('methods');
    const metrics = args.list('metrics');
    if (methods.length === 0) throw new UsageError('--methods needs at least one method');
    if (metrics.length === 0) throw new UsageError('--metrics needs at least one metric');
    const target = parseTarget(args.string('target'));
    const batchSize = args.optionalAtLeast('batch-size', 1);
    const { METRICS, parseMethodSpec, compareExplanations } = await import('@relevance/methods');
    const specs = methods.map((m) => {
      try {
        return parseMethodSpec(m);
      } catch (e) {
        throw new UsageError(`--methods: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    for (const m of metrics) if (!METRICS.has(m)) throw new UsageError(`--metrics: unknown metric '${m}'; metrics: ${[...METRICS.keys()].join(', ')}`);

    const input = await readInput(args, source, io.stderr, true);
    const rows = input.shape[0] ?? 0;
    if (rows === 0) throw new DataError(`${source.path ?? '--sql query'}: no input rows to explain`);
    const { createBackend } = await import('@relevance/core-wasm');
    const be = await createBackend(args.string('backend') as 'auto' | BackendName);
    try {
      const { loadAnyModel } = await import('../load-model.js');
      const modelPath = args.string('model');
      const loaded = await loadAnyModel(be, modelPath);
      let model: Model;
      if (loaded.kind === 'trees') {
        const { TREE_MODEL_FAMILIES, treeEnsembleModel, methodEntry } = await import('@relevance/methods');
        for (const s of specs) {
          const family = methodEntry(s.name).family;
          if (!TREE_MODEL_FAMILIES.includes(family)) throw new UsageError(`--methods ${s.label}: ${modelPath} is a tree ensemble, which has no gradient; use tree-shap, kernel-shap, shapley-exact, shapley-sampling, occlusion, feature-ablation or lime`);
        }
        model = treeEnsembleModel(be, loaded.trees);
      } else model = loaded.model;
      if (args.has('background')) {
        const bg = await readArray(args.string('background'), { requireComplete: true });
        const { methodEntry } = await import('@relevance/methods');
        const tensor = be.tensor(bg.data, bg.shape);
        for (const s of specs) if (methodEntry(s.name).options.includes('background') && s.options.background === undefined) s.options.background = tensor;
      }
      const rowShape = modelRowShape(model, input, source.path ?? '--sql query');
      const x = be.tensor(input.data, [rows, ...rowShape]);
      io.progress.start('evaluate', methods.length * (1 + metrics.length));
      const result = await compareExplanations(model, x, {
        methods: specs,
        metrics,
        target,
        seed: args.number('seed'),
        perRow: args.flag('per-row'),
        ...(batchSize !== undefined ? { batchSize } : {}),
        onProgress: (p) => io.progress.tick(1, `${p.method} ${p.stage}`),
      });
      x.dispose();
      await writeTable(outPath, comparisonTable(basename(outPath), result.rows, input.ids, input.idName));
      io.stdout.write(summaryGrid(result.rows));
      io.progress.done(`${methods.length} methods x ${metrics.length} metrics on ${rows} rows (${be.name}), wrote ${outPath}`);
    } finally {
      be.destroy();
    }
  },
};
