/** Options shared by several commands, defined once so their names and help agree everywhere. */
import type { OptionCondition, OptionSpec } from './command.js';

/** Added to every command by main. */
export const QUIET_OPTION: OptionSpec = { name: 'quiet', short: 'q', type: 'boolean', help: 'no progress output on stderr (warnings still appear)' };

/** Added to every command by main: Dawn/Vulkan driver messages are hidden while --backend auto looks for a GPU, unless this is given. */
export const VERBOSE_OPTION: OptionSpec = { name: 'verbose', type: 'boolean', help: 'show GPU driver messages (Dawn, Vulkan) while --backend auto looks for a GPU; --backend webgpu always shows them' };

/** The options main adds to every command. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [QUIET_OPTION, VERBOSE_OPTION];

/** Commands that write a run folder: replace a non-empty --out (atomically, once the new run is complete). */
export const FORCE_OPTION: OptionSpec = {
  name: 'force',
  type: 'boolean',
  help: 'replace a non-empty --out folder; the old run is removed only once the new one is complete (without --force a non-empty --out is refused)',
};

/** --backend with a command's own default and help; the choices are the same everywhere. */
export function backendOption(defaultValue: string, help: string): OptionSpec {
  return { name: 'backend', type: 'choice', choices: ['auto', 'reference', 'wasm', 'webgpu'], default: defaultValue, help };
}

export const BACKEND_OPTION: OptionSpec = backendOption('auto', 'compute backend: auto = webgpu when a GPU adapter exists, else wasm; reference = plain JS (slow, for checking)');

/** --threads of the wasm backend's workers. */
export const THREADS_OPTION: OptionSpec = { name: 'threads', type: 'integer', placeholder: 'n', help: 'wasm worker threads (default: the available cores)' };

/** --threads applies to the backends that can run on wasm. */
export const ON_WASM: OptionCondition = { option: 'backend', is: ['auto', 'wasm'] };

export const COLUMNS_OPTION: OptionSpec = {
  name: 'columns',
  type: 'list',
  split: false,
  placeholder: 'names|/regex/',
  help: "feature columns of a table input: names a,b,c (in that order), /regex/flags or re:regex matching names; repeatable. Default: every numeric column except the id column and class-like columns (class, label, target, y, subtype, group)",
};

export const ID_OPTION: OptionSpec = {
  name: 'id',
  type: 'string',
  placeholder: 'column|none',
  help: "id column of a table input, carried to the output; default: detected (id, sample, sample_barcode, an unnamed index, or a first text column of unique values); 'none' for no id column",
};

/** The vocabulary of the studies, for every command that reads a table: --features (old: --columns). */
export const FEATURES_OPTION: OptionSpec = { ...COLUMNS_OPTION, name: 'features', aliases: ['columns'] };

/** --id-column (old: --id). */
export const ID_COLUMN_OPTION: OptionSpec = { ...ID_OPTION, name: 'id-column', aliases: ['id'] };

export const SQL_OPTION: OptionSpec = {
  name: 'sql',
  type: 'string',
  placeholder: 'query',
  help: "read the input with a DuckDB SQL query over files instead of --input, e.g. \"select * from 'data.csv' where cancer_type = 'BRCA'\"",
};

/** The table in and out of the embedding commands (tsne, umap): --input or --sql, --out, --features, --id-column. */
export const EMBEDDING_TABLE_OPTIONS: readonly OptionSpec[] = [
  { name: 'input', type: 'string', placeholder: 'file', help: 'the table: .csv, .tsv, .parquet, .arrow, .json or .jsonl' },
  SQL_OPTION,
  { name: 'out', type: 'string', required: true, placeholder: 'file', help: 'the embedding (.parquet, .csv, .tsv, .arrow, .json, .jsonl)' },
  FEATURES_OPTION,
  ID_COLUMN_OPTION,
];

/** --batch-size of the commands that only run the model forward (predict, neighbours). */
export const FORWARD_BATCH_OPTION: OptionSpec = { name: 'batch-size', type: 'integer', default: 256, help: 'rows per forward pass' };

/** --model for the commands that need one. */
export const MODEL_OPTION: OptionSpec = { name: 'model', type: 'string', required: true, placeholder: 'file', help: 'the model: .onnx, .relevance or a weights .json' };

/** --out of a command that writes a folder, by default runs/<prefix>-<date>-<time>. */
export function runFolderOption(prefix: string, what = 'the run folder'): OptionSpec {
  return { name: 'out', type: 'string', placeholder: 'dir', help: `${what} (default runs/${prefix}-<date>-<time>)` };
}

/** The --id value as readArray's idColumn: undefined = detect, null = none. */
export function idColumnOption(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value === 'none' ? null : value;
}
