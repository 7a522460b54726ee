/**
 * `relevance predict`: load a model, read inputs (JSON array or table), run
 * batched inference, write the outputs. JSON gets {shape, data}; tables get
 * one row per input row with columns output_0.., after the id column if the
 * input had one.
 */
import { classNamesOf, columnNamesFor, modelNames } from './model-names.js';
import { basename } from 'node:path';
import type { BackendName } from '@relevance/core-wasm';
import { writeArray, type ArrayData } from '../io/arrays.js';
import { DataError } from '../io/data-error.js';
import { formatOfPath } from '../io/file-format.js';
import type { Command } from './command.js';
import { BACKEND_OPTION, FEATURES_OPTION, ID_COLUMN_OPTION, SQL_OPTION, FORWARD_BATCH_OPTION } from './common-options.js';
import type { Model } from '@relevance/methods';
import type { Progress } from '../progress/progress.js';
import { inputSource, outPath as outFile, readInput } from './command-input.js';

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * The per-row shape to feed the model: the model's own input shape when it is
 * fully known and the row has that many values (a CSV row of 256 values feeds
 * a [1, 16, 16] CNN), else the input's shape.
 */
function rowShapeFor(model: Model, input: ArrayData, modelPath: string, inputName: string): number[] {
  const modelRow = model.inputs[0]!.shape.slice(1);
  const inputRow = input.shape.slice(1);
  if (modelRow.some((d) => d < 0)) return inputRow;
  if (product(modelRow) !== product(inputRow)) {
    const hint = input.columnNames
      ? `; the table gave ${input.columnNames.length} feature columns (${input.columnNames.slice(0, 5).join(', ')}${input.columnNames.length > 5 ? ', ...' : ''}): choose ${product(modelRow)} with --features`
      : '';
    throw new DataError(
      `${inputName}: each input row has ${product(inputRow)} values (shape [${inputRow.join(', ')}]) but the model ${basename(modelPath)} expects ${product(modelRow)} (shape [${modelRow.join(', ')}])${hint}`,
    );
  }
  return modelRow;
}

/** Run the model over the rows in batches; returns the outputs and their per-row shape. */
export async function predictBatched(model: Model, input: ArrayData, rowShape: readonly number[], batchSize: number, progress: Progress): Promise<{ data: Float32Array; rowShape: number[] }> {
  const be = model.be;
  const rows = input.shape[0] ?? 0;
  const perRow = product(rowShape);
  let out: Float32Array | undefined;
  let outRowShape: number[] = [];
  progress.start('predict', rows);
  for (let start = 0; start < rows; start += batchSize) {
    const n = Math.min(batchSize, rows - start);
    const x = be.tensor(input.data.slice(start * perRow, (start + n) * perRow), [n, ...rowShape]);
    try {
      const y = model.predict(x);
      try {
        const values = (await y.read()) as Float32Array;
        if (!out) {
          outRowShape = y.shape.slice(1);
          out = new Float32Array(rows * product(outRowShape));
        }
        out.set(values, start * product(outRowShape));
      } finally {
        y.dispose();
      }
    } finally {
      x.dispose();
    }
    progress.tick(n);
  }
  if (!out) {
    // no rows: still report the output width from the model's inferred shape
    outRowShape = [...(model.valueShapes.get(model.outputs[0]!) ?? [-1]).slice(1)].map((d) => Math.max(d, 0));
    out = new Float32Array(0);
  }
  return { data: out, rowShape: outRowShape };
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'run a model on inputs (JSON array or table) and write its outputs',
  usage: 'predict --model <m.onnx|m.relevance|weights.json> (--input <file> | --sql <query>) --out <file> [options]',
  description:
    'Inputs: JSON {"shape": [rows, ...], "data": [...]} (or an object with exactly one such entry), or a CSV/TSV/Parquet/Arrow/JSON-records table whose numeric columns are the features.\n' +
    'Outputs by extension: .json = {shape, data}; .csv/.tsv/.parquet/.arrow/.jsonl = one row per input row, after the id column if the input had one: with a .relevance model that knows its classes, a `predicted` column (the class name) and one column per class; otherwise columns output_0...',
  options: [
    { name: 'model', type: 'string', required: true, placeholder: 'file', help: 'the model: .onnx, .relevance or a weights .json (architecture + params)' },
    { name: 'input', type: 'string', placeholder: 'file', help: 'inputs: .json array, .csv, .tsv, .parquet, .arrow/.feather/.ipc or .jsonl' },
    SQL_OPTION,
    { name: 'out', type: 'string', required: true, placeholder: 'file', help: 'where to write the outputs (.json, .csv, .tsv, .parquet, .arrow, .jsonl); written atomically' },
    FEATURES_OPTION,
    ID_COLUMN_OPTION,
    BACKEND_OPTION,
    FORWARD_BATCH_OPTION,
  ],
  examples: [
    'relevance predict --model model.onnx --input inputs.json --out logits.json',
    "relevance predict --model weights.json --input data.csv --features '/^Akt/' --out predictions.parquet",
  ],
  async run(args, io) {
    const source = inputSource(args);
    const batchSize = args.atLeast('batch-size', 1);
    const modelPath = args.string('model');
    const outPath = outFile(args, '.json, .csv, .tsv, .parquet, .arrow or .jsonl');

    const input = await readInput(args, source, io.stderr, true);
    // loaded on use, so `relevance --help` starts without the compute engine
    const { createBackend } = await import('@relevance/core-wasm');
    const be = await createBackend(args.string('backend') as 'auto' | BackendName);
    try {
      const { loadAnyModel } = await import('./load-model.js');
      const loaded = await loadAnyModel(be, modelPath);
      const inputName = source.label;
      if (loaded.kind === 'trees') {
        // tree ensembles: the scores after the post transform (probabilities for classifiers), as onnxruntime's second output
        const { predictTrees } = await import('@relevance/methods');
        const trees = loaded.trees;
        const rows = input.shape[0] ?? 0;
        const perRow = product(input.shape.slice(1));
        if (perRow !== trees.features) throw new DataError(`${inputName}: each input row has ${perRow} values but the model ${basename(modelPath)} uses ${trees.features} features; choose them with --features`);
        const data = Float32Array.from(predictTrees(trees, input.data, rows));
        const width = trees.outputs;
        if (formatOfPath(outPath) === 'json') await writeArray(outPath, { shape: [rows, width], data });
        else await writeArray(outPath, { shape: [rows, width], data, columnNames: Array.from({ length: width }, (_, j) => `output_${j}`), ...(input.ids ? { ids: input.ids, idName: input.idName ?? 'id' } : {}) });
        io.progress.done(`${rows} rows -> [${rows}, ${width}] (tree ensemble, ${trees.roots.length} trees), wrote ${outPath}`);
        return;
      }
      const model = loaded.model;
      const rowShape = rowShapeFor(model, input, modelPath, inputName);
      const rows = input.shape[0] ?? 0;
      const { data, rowShape: outRowShape } = await predictBatched(model, input, rowShape, batchSize, io.progress);
      const width = product(outRowShape);
      const shape = [rows, ...outRowShape];
      if (formatOfPath(outPath) === 'json') await writeArray(outPath, { shape, data });
      else {
        const { classes } = modelNames(loaded.metadata);
        const named = classes && classes.length === width ? classes : undefined;
        const { argmaxRows } = await import('@relevance/methods');
        await writeArray(outPath, {
          shape: [rows, width],
          data,
          // class names from the model's metadata (.relevance), with the predicted class beside the id
          columnNames: columnNamesFor(width, [named], 'output_', ['predicted', input.idName ?? 'id']),
          ...(input.ids ? { ids: input.ids, idName: input.idName ?? 'id' } : {}),
          ...(named ? { labels: [{ name: 'predicted', values: classNamesOf(argmaxRows(data, rows, width), named)! }] } : {}),
        });
      }
      io.progress.done(`${rows} rows -> [${shape.join(', ')}] on ${be.name}, wrote ${outPath}`);
    } finally {
      be.destroy();
    }
  },
};
