/**
 * `relevance umap`: a UMAP embedding of a table's rows, mirroring `relevance
 * tsne`: one output row per input row, in input order, with the id column
 * (when the input has one) and the coordinates x, y (x1..xd with --dims d).
 * --transform embeds further rows against the fitted embedding (same feature
 * columns by name) into --transform-out. Quality figures go to stderr:
 * trustworthiness, and with --label-column the k-NN label agreement.
 */
import type { BackendName } from '@relevance/core-wasm';
import { readArray, writeArray } from '../../io/arrays.js';
import { DataError } from '../../io/data-error.js';
import { readTable } from '../../io/read-table.js';
import { parseColumnSpec } from '../../io/select-columns.js';
import type { Command } from '../command.js';
import type { ParsedArgs } from '../args.js';
import { BACKEND_OPTION, EMBEDDING_TABLE_OPTIONS, idColumnOption } from '../common-options.js';
import { UsageError } from '../usage-error.js';
import { coordinateNames } from './tsne.js';
import { inputAndOut, optionalOutPath, readInput, tableSource, TABLE_FORMATS } from '../command-input.js';

export const umapCommand: Command = {
  name: 'umap',
  summary: 'embed the rows of a table in 2-D (or d-D) with UMAP (exact or NN-descent neighbours), and embed new rows with --transform',
  usage: 'umap (--input <table> | --sql <query>) --out <emb.parquet|emb.csv|emb.arrow> [--label-column <col>] [--transform <table> --transform-out <file>] [options]',
  description:
    'Features: every numeric column except the id, the label and class-like columns, or --features (names a,b,c or /regex/).\n' +
    "Output: one row per input row, in input order: the id column (detected, or --id-column; 'none' for none), then x, y (x1..xd with --dims d).\n" +
    'Reported on stderr: trustworthiness (k = 5) and, with --label-column, the k-NN label agreement (mean share of the 10 nearest embedded neighbours with the same label) and the 10-NN accuracy; exact up to 5,000 rows, else over a seeded sample of 1,000 rows.\n' +
    '--transform finds each new row\'s neighbours among the fitted rows exactly (rows x fitted rows distances).',
  options: [
    ...EMBEDDING_TABLE_OPTIONS,
    { name: 'label-column', type: 'string', placeholder: 'column', help: 'class labels: left out of the features, used for the k-NN label agreement' },
    { name: 'neighbours', type: 'integer', default: 15, help: 'size of the local neighbourhood, the point itself included' },
    { name: 'min-dist', type: 'number', default: 0.1, help: 'smallest distance between embedded points (0 to --spread)' },
    { name: 'spread', type: 'number', default: 1, help: 'scale of the embedded points' },
    { name: 'dims', type: 'integer', default: 2, help: 'output dimensions' },
    { name: 'neighbour-method', type: 'choice', choices: ['auto', 'exact', 'nn-descent'], default: 'auto', help: 'k nearest neighbours: exact (GEMM distances), nn-descent (approximate), auto = exact up to 4096 rows' },
    { name: 'epochs', type: 'integer', help: 'SGD epochs (default 500 up to 10,000 rows, else 200)' },
    { name: 'init', type: 'choice', choices: ['spectral', 'pca', 'random'], default: 'spectral', help: 'initial coordinates: graph Laplacian eigenvectors, PCA, or seeded uniform noise' },
    { name: 'learning-rate', type: 'number', default: 1, help: 'initial SGD step' },
    { name: 'negative-sample-rate', type: 'integer', default: 5, help: 'negative samples per positive sample' },
    { name: 'seed', type: 'integer', default: 0, help: 'seed of NN-descent, the initialisation and the SGD' },
    { name: 'transform', type: 'string', placeholder: 'file', help: 'further rows to embed against the fitted embedding (same feature columns)' },
    { name: 'transform-out', type: 'string', placeholder: 'file', help: 'where to write the embedded --transform rows' },
    BACKEND_OPTION,
  ],
  examples: [
    'relevance umap --input digits.csv --label-column digit --seed 1 --out digits-umap.parquet',
    "relevance umap --input cells.parquet --features '/^gene_/' --neighbour-method nn-descent --transform new-cells.parquet --transform-out new-umap.csv --out cells-umap.csv",
  ],
  async run(args, io) {
    const { source, outPath } = inputAndOut(args, TABLE_FORMATS);
    const transformPath = args.optionalString('transform');
    const transformOut = args.optionalString('transform-out');
    if ((transformPath === undefined) !== (transformOut === undefined)) throw new UsageError('--transform <table> and --transform-out <file> go together');
    optionalOutPath(args, TABLE_FORMATS, 'transform-out');
    const { epochs, ...fit } = umapSettings(args);
    const { dims, neighbours } = fit;
    const labelColumn = args.optionalString('label-column');
    const what = source.label;
    const input = await readInput(args, source, io.stderr, true, undefined, labelColumn ? { exclude: [labelColumn] } : {});
    const rows = input.shape[0] ?? 0;
    const width = input.shape.slice(1).reduce((a, b) => a * b, 1);
    if (rows < 4) throw new DataError(`${what}: UMAP needs at least 4 rows, got ${rows}`);
    if (neighbours > rows) throw new UsageError(`--neighbours ${neighbours} exceeds the ${rows} rows; try ${Math.max(2, Math.min(15, rows - 1))}`);
    const labels = labelColumn ? await readLabels(tableSource(source), labelColumn, what) : undefined;
    const { createBackend } = await import('@relevance/core-wasm');
    const be = await createBackend(args.string('backend') as 'auto' | BackendName);
    try {
      const { umap } = await import('@relevance/methods');
      const x = be.tensor(input.data, [rows, width]);
      const totalEpochs = epochs ?? (rows <= 10000 ? 500 : 200);
      io.progress.start('umap', totalEpochs);
      const t0 = performance.now();
      const result = await umap(x, {
        ...fit,
        neighbourMethod: args.string('neighbour-method') as 'auto' | 'exact' | 'nn-descent',
        init: args.string('init') as 'spectral' | 'pca' | 'random',
        seed: args.number('seed'),
        ...(epochs !== undefined ? { epochs } : {}),
        onEpoch: () => io.progress.tick(1),
      });
      const seconds = (performance.now() - t0) / 1000;
      x.dispose();
      await writeArray(outPath, {
        shape: [rows, dims], data: result.embedding, columnNames: coordinateNames(dims),
        ...(input.ids ? { ids: input.ids, idName: input.idName ?? 'id' } : {}),
      });
      const quality = await qualityFigures(input.data, width, result.embedding, dims, rows, labels, args.number('seed'));
      io.progress.done(`${rows} rows x ${width} features -> ${dims}-D (${result.neighbourMethod} neighbours, ${result.edges} edges, ${be.name}) in ${seconds.toFixed(2)} s: ${quality.join('; ')}; wrote ${outPath}`);
      if (transformPath && transformOut) {
        const extra = await readArray(transformPath, { ...(input.columnNames?.length ? { columns: parseColumnSpec(input.columnNames) } : {}), idColumn: idColumnOption(args.optionalString('id-column')), requireComplete: true });
        const m = extra.shape[0] ?? 0;
        const extraWidth = extra.shape.slice(1).reduce((a, b) => a * b, 1);
        if (extraWidth !== width) throw new DataError(`${transformPath}: rows have ${extraWidth} features; the embedding was fitted on ${width}`);
        const xt = be.tensor(extra.data, [m, width]);
        const y = await result.transform(xt, { seed: args.number('seed') });
        xt.dispose();
        await writeArray(transformOut, {
          shape: [m, dims], data: y, columnNames: coordinateNames(dims),
          ...(extra.ids ? { ids: extra.ids, idName: extra.idName ?? 'id' } : {}),
        });
        io.stderr.write(`umap: embedded ${m} rows of ${transformPath} against the fit; wrote ${transformOut}\n`);
      }
    } finally {
      be.destroy();
    }
  },
};

/** The embedding options, checked (exit 2 with the option named). */
function umapSettings(args: ParsedArgs) {
  const dims = args.atLeast('dims', 1);
  const neighbours = args.number('neighbours');
  if (neighbours < 2) throw new UsageError(`--neighbours must be at least 2 (it counts the point itself), got ${neighbours}`);
  const spread = args.number('spread');
  const minDist = args.number('min-dist');
  if (!(spread > 0)) throw new UsageError(`--spread must be > 0, got ${spread}`);
  if (!(minDist >= 0 && minDist <= spread)) throw new UsageError(`--min-dist must lie between 0 and --spread (${spread}), got ${minDist}`);
  const epochs = args.optionalAtLeast('epochs', 0);
  const learningRate = args.number('learning-rate');
  if (!(learningRate > 0)) throw new UsageError(`--learning-rate must be > 0, got ${learningRate}`);
  const negativeSampleRate = args.atLeast('negative-sample-rate', 0);
  return { dims, neighbours, minDist, spread, learningRate, negativeSampleRate, epochs };
}

/** The --label-column values, one per row; a missing column or label is an error naming it. */
async function readLabels(source: string | { sql: string }, labelColumn: string, what: string): Promise<Array<string | number>> {
  const table = await readTable(source);
  const column = table.columns.find((c) => c.name === labelColumn);
  if (!column) throw new DataError(`${what}: no column '${labelColumn}' for --label-column; columns: ${table.columns.map((c) => c.name).join(', ')}`);
  return Array.from(column.values as ArrayLike<string | number | boolean | null>, (v, i) => {
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) throw new DataError(`${what}: row ${i + 1} has no label in column '${labelColumn}'; drop unlabelled rows or leave out --label-column`);
    return typeof v === 'boolean' ? String(v) : v;
  });
}

/** Trustworthiness and, with labels, the k-NN label agreement: exact up to 5,000 rows, else a seeded sample of 1,000 rows scored against all. */
async function qualityFigures(data: Float32Array, width: number, embedding: Float32Array, dims: number, rows: number, labels: Array<string | number> | undefined, seed: number): Promise<string[]> {
  const { trustworthiness, knnLabelAgreement } = await import('@relevance/methods');
  const k = Math.min(5, Math.ceil(rows / 2) - 1);
  const quality: string[] = [];
  const maxRows = rows <= 5000 ? rows : 1000;
  const sampled = maxRows < rows ? `, ${maxRows} sampled rows` : '';
  if (k >= 1) quality.push(`trustworthiness(k=${k}${sampled}) ${trustworthiness(data, width, embedding, dims, rows, { k, maxRows, seed }).toFixed(4)}`);
  if (labels) {
    const q = knnLabelAgreement(embedding, dims, labels, { k: Math.min(10, rows - 1), maxRows, seed });
    quality.push(`k-NN label agreement(k=${q.k}) ${q.agreement.toFixed(4)}, ${q.k}-NN accuracy ${q.accuracy.toFixed(4)}`);
  }
  return quality;
}
