/**
 * `relevance tsne`: a t-SNE embedding of a table's rows. One output row per
 * input row, in input order, with the id column (when the input has one)
 * and the coordinates x, y (or x1..xd with --dims d != 2). The format of
 * --out follows its extension.
 */
import type { BackendName } from '@relevance/core-wasm';
import { DataError } from '../../io/data-error.js';
import type { Command } from '../command.js';
import { BACKEND_OPTION, EMBEDDING_TABLE_OPTIONS } from '../common-options.js';
import { UsageError } from '../usage-error.js';
import { inputAndOut, readInput, tableSource, TABLE_FORMATS } from '../command-input.js';
import { readClassColumn } from '../class-column.js';
import { completeRows } from '../missing-rows.js';

/** Coordinate column names: x, y for two dimensions, else x1..xd. */
export function coordinateNames(dims: number): string[] {
  return dims === 2 ? ['x', 'y'] : Array.from({ length: dims }, (_, k) => `x${k + 1}`);
}

export const tsneCommand: Command = {
  name: 'tsne',
  summary: 'embed the rows of a table in 2-D (or d-D) with t-SNE (exact or Barnes-Hut)',
  usage: 'tsne (--input <table> | --sql <query>) --out <emb.parquet|emb.csv|emb.arrow> [options]',
  description:
    'Features: every numeric column except the id and class-like columns, or --features (names a,b,c or /regex/).\n' +
    "Output: one row per input row, in input order: the id column (detected, or --id-column; 'none' for none), the class column (--class-column, or a left-out column named like class, label, subtype, cancer_type), then x, y (x1..xd with --dims d).\n" +
    'Missing values: an error naming the row by default; --missing drop leaves those rows out (the output then has a row column, the input row from 1, when there is no id), --missing impute fills each with its column mean; either is reported on stderr.\n' +
    'The final KL divergence and the achieved perplexity range are reported on stderr.',
  options: [
    ...EMBEDDING_TABLE_OPTIONS,
    { name: 'class-column', type: 'string', placeholder: 'column', help: 'a column copied into the output beside the coordinates (default: a left-out column named like class, label, subtype, cancer_type)' },
    { name: 'missing', type: 'choice', choices: ['error', 'drop', 'impute'], default: 'error', help: 'rows with missing feature values: an error, drop those rows, or impute column means' },
    { name: 'perplexity', type: 'number', default: 30, help: 'effective number of neighbours (below the number of rows)' },
    { name: 'dims', type: 'integer', default: 2, help: 'output dimensions' },
    { name: 'method', type: 'choice', choices: ['auto', 'exact', 'barnes-hut'], default: 'auto', help: 'gradients: exact (O(n^2), small data), barnes-hut (2-D/3-D), auto = exact up to 1000 rows' },
    { name: 'theta', type: 'number', default: 0.5, help: 'Barnes-Hut accuracy (0 = exact)' },
    { name: 'iterations', type: 'integer', default: 1000, help: 'gradient steps (the first 250 with early exaggeration 12)' },
    { name: 'init', type: 'choice', choices: ['pca', 'random'], default: 'pca', help: 'initial coordinates: PCA (scaled to std 1e-4) or seeded Gaussian noise' },
    { name: 'learning-rate', type: 'number', help: "step size (default 'auto': max(rows / 48, 50))" },
    { name: 'seed', type: 'integer', default: 0, help: 'seed of the random initialisation' },
    BACKEND_OPTION,
  ],
  examples: [
    'relevance tsne --input proteomics.csv --id-column sample --perplexity 30 --seed 1 --out embedding.parquet',
    "relevance tsne --input cells.parquet --features '/^gene_/' --dims 3 --method barnes-hut --out cells-3d.csv",
    'relevance tsne --input rppa.csv --id-column sample_barcode --class-column cancer_type --missing impute --out tcga-tsne.parquet',
  ],
  async run(args, io) {
    const { source, outPath } = inputAndOut(args, TABLE_FORMATS);
    const dims = args.atLeast('dims', 1);
    const iterations = args.atLeast('iterations', 0);
    const input = await readInput(args, source, io.stderr, args.string('missing') === 'error', undefined, {
      missingHint: '--missing drop (leave such rows out) or --missing impute (column means)',
    });
    const where = source.label;
    const classColumn = await readClassColumn(tableSource(source), args.optionalString('class-column'), input, where);
    const width = input.shape.slice(1).reduce((a, b) => a * b, 1);
    const complete = args.string('missing') === 'error' ? null : completeRows(input.data, input.shape[0] ?? 0, width, args.string('missing') as 'drop' | 'impute', where);
    if (complete?.dropped) io.stderr.write(`warning: --missing drop: left out ${complete.dropped} of ${input.shape[0]} rows with missing values (in ${complete.columns.length} feature columns)\n`);
    if (complete?.imputed) io.stderr.write(`warning: --missing impute: filled ${complete.imputed} missing values in ${complete.columns.length} feature columns with the column means\n`);
    const kept = complete ? complete.rows : Array.from({ length: input.shape[0] ?? 0 }, (_, r) => r);
    const rows = kept.length;
    const perplexity = args.number('perplexity');
    if (rows < 3) throw new DataError(`${where}: t-SNE needs at least 3 rows, got ${rows}`);
    if (!(perplexity > 1 && perplexity < rows)) throw new UsageError(`--perplexity must lie between 1 and the number of rows (${rows}), got ${perplexity}; try ${Math.max(2, Math.floor((rows - 1) / 3))}`);
    const { createBackend } = await import('@relevance/core-wasm');
    const be = await createBackend(args.string('backend') as 'auto' | BackendName);
    try {
      const { tsne } = await import('@relevance/methods');
      const x = be.tensor(complete ? complete.data : input.data, [rows, width]);
      io.progress.start('tsne', iterations);
      const learningRate = args.optionalNumber('learning-rate');
      const result = await tsne(x, {
        dims,
        perplexity,
        method: args.string('method') as 'auto' | 'exact' | 'barnes-hut',
        theta: args.number('theta'),
        iterations,
        init: args.string('init') as 'pca' | 'random',
        seed: args.number('seed'),
        threads: be.threads, // Barnes-Hut repulsions on the backend's threads: the same bits for any count
        ...(learningRate !== undefined ? { learningRate } : {}),
        onIteration: (_it, kl) => io.progress.tick(1, kl === undefined ? undefined : `KL ${kl.toFixed(4)}`),
      });
      x.dispose();
      const { writeArray } = await import('../../io/arrays.js');
      await writeArray(outPath, {
        shape: [rows, dims],
        data: result.embedding,
        columnNames: coordinateNames(dims),
        ...(input.ids ? { ids: kept.map((r) => input.ids![r]!), idName: input.idName ?? 'id' } : complete?.dropped ? { ids: kept.map((r) => r + 1), idName: 'row' } : {}),
        ...(classColumn ? { labels: [{ name: classColumn.name, values: kept.map((r) => classColumn.values[r] ?? null) }] } : {}),
      });
      let lo = Infinity;
      let hi = -Infinity;
      for (const p of result.perplexities) {
        lo = Math.min(lo, p);
        hi = Math.max(hi, p);
      }
      io.progress.done(`${rows} rows x ${width} features -> ${dims}-D (${result.method}, ${be.name}): KL ${result.kl.toFixed(4)}, perplexity ${lo.toFixed(3)}-${hi.toFixed(3)}; wrote ${outPath}`);
    } finally {
      be.destroy();
    }
  },
};
