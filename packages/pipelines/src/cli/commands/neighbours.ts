/**
 * `relevance neighbours`: the data-set rows nearest to a query in a layer's
 * feature space (euclidean or cosine). The query is a row index of the data
 * set (that row is left out of its own neighbours) or a file of query rows
 * with the same feature columns. Output: one row per (query, rank) with the
 * data-set row, its id when the data set has one, and the distance; without
 * --out, a text table on stdout.
 */
import { readClassColumn } from '../class-column.js';
import { basename } from 'node:path';
import type { BackendName } from '@relevance/core-wasm';
import { readArray, type ArrayData } from '../../io/arrays.js';
import { DataError } from '../../io/data-error.js';
import { makeTable, numberColumn, stringColumn, type Column } from '../../io/table.js';
import { writeTable } from '../../io/write-table.js';
import type { Command } from '../command.js';
import { BACKEND_OPTION, FEATURES_OPTION, ID_COLUMN_OPTION, MODEL_OPTION, FORWARD_BATCH_OPTION } from '../common-options.js';
import { UsageError } from '../usage-error.js';
import { modelRowShape } from './evaluate.js';
import { optionalOutPath, readInput, TABLE_FORMATS } from '../command-input.js';

export const neighboursCommand: Command = {
  name: 'neighbours',
  summary: "find the data-set samples nearest to a query in a layer's feature space",
  usage: 'neighbours --model <file> --layer <name> --dataset <file> --query <row|file> [--k 5] [--metric euclidean|cosine] [--out <file>]',
  description:
    "Layer: a node name, a PyTorch module name ('fc1', 'features.3') or 'input' for the raw features.\n" +
    'Query: a row index of the data set (0-based; excluded from its own neighbours) or a file of query rows with the same feature columns.\n' +
    'Output columns: query, [query_class], rank, row (data-set row), [id], [class: the neighbour\'s class], distance. The class column is --class-column, or a left-out column named like class, label, subtype, cancer_type; with it, the share of neighbours in the query\'s class goes to stderr.',
  options: [
    MODEL_OPTION,
    { name: 'layer', type: 'string', required: true, placeholder: 'name', help: "the layer whose activations are the feature space ('input' for the raw features)" },
    { name: 'dataset', type: 'string', required: true, placeholder: 'file', help: 'the data set searched: .json array or a table' },
    { name: 'query', type: 'string', required: true, placeholder: 'row|file', help: 'a row index of the data set, or a file of query rows' },
    { name: 'k', type: 'integer', default: 5, help: 'neighbours per query' },
    { name: 'metric', type: 'choice', choices: ['euclidean', 'cosine'], default: 'euclidean', help: 'distance in the feature space' },
    { name: 'out', type: 'string', placeholder: 'file', help: 'write the neighbours as a table (.parquet, .csv, .tsv, .arrow, .json, .jsonl); default: print them' },
    FEATURES_OPTION,
    ID_COLUMN_OPTION,
    { name: 'class-column', type: 'string', placeholder: 'column', help: "the data set's class column, shown for each neighbour (default: a left-out column named like class, label, subtype, cancer_type)" },
    BACKEND_OPTION,
    FORWARD_BATCH_OPTION,
  ],
  examples: [
    'relevance neighbours --model model.onnx --layer fc2 --dataset train.parquet --query 17 --k 10',
    'relevance neighbours --model weights.json --layer conv2 --dataset train.json --query new.json --metric cosine --out nn.csv',
  ],
  async run(args, io) {
    const outPath = optionalOutPath(args, TABLE_FORMATS);
    const k = args.atLeast('k', 1);
    const datasetPath = args.string('dataset');
    const dataset = await readInput(args, { path: datasetPath, label: datasetPath }, io.stderr, true);
    const classColumn = await readClassColumn(datasetPath, args.optionalString('class-column'), dataset, datasetPath);
    const queryText = args.string('query');
    let queryRow: number | null = null;
    let queryData: ArrayData | null = null;
    if (/^\d+$/.test(queryText)) {
      queryRow = Number(queryText);
      if (queryRow >= (dataset.shape[0] ?? 0)) throw new UsageError(`--query ${queryRow}: the data set has ${dataset.shape[0]} rows (0 to ${(dataset.shape[0] ?? 1) - 1})`);
    } else {
      // query rows must carry the data set's features, in the same order
      queryData = await readArray(queryText, { ...(dataset.columnNames ? { columns: dataset.columnNames } : {}), requireComplete: true });
    }
    const { createBackend } = await import('@relevance/core-wasm');
    const be = await createBackend(args.string('backend') as 'auto' | BackendName);
    try {
      const { loadModel } = await import('../load-model.js');
      const { neighbours } = await import('@relevance/methods');
      const model = await loadModel(be, args.string('model'));
      const rowShape = modelRowShape(model, dataset, datasetPath);
      const x = be.tensor(dataset.data, [dataset.shape[0]!, ...rowShape]);
      let query: number | import('@relevance/core-wasm').Tensor;
      if (queryData) {
        if (queryData.data.length % Math.max(1, rowShape.reduce((a, b) => a * b, 1)) !== 0 || queryData.shape.slice(1).reduce((a, b) => a * b, 1) !== rowShape.reduce((a, b) => a * b, 1)) {
          throw new DataError(`${queryText}: query rows have ${queryData.shape.slice(1).reduce((a, b) => a * b, 1)} values, the data set rows ${rowShape.reduce((a, b) => a * b, 1)}`);
        }
        query = be.tensor(queryData.data, [queryData.shape[0]!, ...rowShape]);
      } else query = queryRow!;
      io.progress.start('neighbours');
      const r = await neighbours(model, args.string('layer'), x, query, { k, metric: args.string('metric') as 'euclidean' | 'cosine', batchSize: args.number('batch-size') });
      const queries = r.queryRows.length;
      const queryIds = Array.from({ length: queries * k }, (_, i) => (queryRow !== null ? queryRow : Math.floor(i / k)));
      const cols: Column[] = [
        numberColumn('query', queryIds),
        numberColumn('rank', Array.from({ length: queries * k }, (_, i) => (i % k) + 1)),
        numberColumn('row', Array.from(r.indices)),
      ];
      if (dataset.ids) {
        const ids = Array.from(r.indices, (j) => dataset.ids![j]!);
        const name = ['query', 'rank', 'row', 'distance'].includes(dataset.idName ?? 'id') ? `dataset_${dataset.idName}` : (dataset.idName ?? 'id');
        cols.push(ids.every((v) => typeof v === 'number') ? numberColumn(name, ids as number[]) : stringColumn(name, ids.map(String)));
      }
      let classNote = '';
      if (classColumn) {
        const neighbourClass = Array.from(r.indices, (j) => classColumn.values[j] ?? null);
        cols.push(stringColumn('class', neighbourClass));
        if (queryRow !== null) {
          const own = classColumn.values[queryRow] ?? null;
          cols.splice(1, 0, stringColumn('query_class', neighbourClass.map(() => own)));
          const same = neighbourClass.filter((c) => c === own).length;
          classNote = `; ${same} of ${neighbourClass.length} neighbours share the query's class (${classColumn.name} = ${own})`;
        }
      }
      cols.push(numberColumn('distance', Array.from(r.distances), true));
      const table = makeTable(outPath ? basename(outPath) : 'neighbours', cols);
      if (outPath) await writeTable(outPath, table);
      else {
        const { csvChunks } = await import('../../io/csv-text.js');
        for (const chunk of csvChunks(table, '\t')) io.stdout.write(chunk);
      }
      io.progress.done(`${queries} quer${queries === 1 ? 'y' : 'ies'}, k = ${k}, ${r.metric} distance in layer '${r.layer}'${classNote}${outPath ? `; wrote ${outPath}` : ''}`);
    } finally {
      be.destroy();
    }
  },
};
