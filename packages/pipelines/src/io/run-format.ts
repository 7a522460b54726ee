/**
 * The run-folder format, stated once (docs/RUN-FOLDERS.md is its prose):
 * every study table's name and columns, which tables get an Arrow copy (the
 * ones the report reads), and how tables and metrics.json are written
 * (atomically, through write-table / atomic-write; metrics as stable,
 * key-sorted JSON). Both studies and `merge` write through here, and the
 * report reads its schemas from here, so writer and reader cannot drift.
 */
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic-write.js';
import type { Table } from './table.js';
import { writeTable } from './write-table.js';

export type ColumnKind = 'number' | 'string' | 'boolean';

const n = 'number' as const;
const b = 'boolean' as const;
const s = 'string' as const;

/** The proteomics study's tables, columns in the order they are written. */
export const PROTEOMICS_SCHEMAS = {
  edges_cohort: { source: s, target: s, relevance: n, median: n, q25: n, q75: n, mean: n, partial_correlation: n, kw_h: n, kw_p: n, kw_q: n, truth: b, known: b, replicate_rank_min: n, replicate_rank_max: n },
  edges_class: { class: s, source: s, target: s, relevance: n, median: n, q25: n, q75: n, mean: n, instances: n },
  edges_instance: { instance: s, class: s, source: s, target: s, relevance: n, relevance_st: n, relevance_ts: n },
  baselines: { method: s, scope: s, source: s, target: s, score: n },
  instances: { instance: s, class: s, split: s, aggregated: b, test_mse_hidden: n, prediction_correlation: n, auroc: n, tsne_x: n, tsne_y: n },
  training: { epoch: n, train_loss: n, val_loss: n, lr: n },
  curves: { method: s, kind: s, scope: s, x: n, y: n },
  proteins: { protein: s, index: n, missing: n, mean: n, sd: n, dropped: b },
  trust: { target: s, scope: s, method: s, auroc: n, lo: n, hi: n, ours: n, ours_lo: n, ours_hi: n, difference: n, difference_lo: n, difference_hi: n, patients_better: n, spread: s, verdict: s, baseline_wins: b },
} as const satisfies Record<string, Record<string, ColumnKind>>;

/** The influence study's tables. */
export const INFLUENCE_SCHEMAS = {
  instance_influence: { instance: s, class: s, predicted: s, unit: s, influence: n, attribution: n },
  class_influence: { class: s, unit: s, distributional: n, mean_attribution: n, rank: n },
  comparative_influence: { class_a: s, class_b: s, unit: s, influence: n },
  dataset_influence: { unit: s, distributional: n, mean_attribution: n },
  deviations: { instance: s, class: s, rank_correlation: n, deviation_rank: n, instance_only_units: s, class_only_units: s },
  confusion: { true_class: s, predicted_class: s, count: n },
  training: { epoch: n, train_loss: n, val_loss: n, lr: n },
} as const satisfies Record<string, Record<string, ColumnKind>>;

export type RunStudy = 'proteomics' | 'influence';

/** Every documented table by name (`training` is the same in both studies). */
export const RUN_TABLE_SCHEMAS: Readonly<Record<string, Readonly<Record<string, ColumnKind>>>> = { ...PROTEOMICS_SCHEMAS, ...INFLUENCE_SCHEMAS };

/**
 * The tables the report reads (from their Arrow copies), per study. Only
 * these get an Arrow copy beside the Parquet file; the proteomics `baselines`
 * table reaches the report through `curves` and metrics.json.
 */
export const REPORT_TABLES: Readonly<Record<RunStudy, readonly string[]>> = {
  proteomics: ['edges_cohort', 'edges_class', 'edges_instance', 'instances', 'training', 'curves', 'proteins'],
  influence: ['instance_influence', 'class_influence', 'comparative_influence', 'dataset_influence', 'deviations', 'confusion', 'training'],
};

function kindOf(column: Table['columns'][number]): ColumnKind {
  return column.type === 'number' ? 'number' : column.type === 'boolean' ? 'boolean' : 'string';
}

/** Throw (a programming error, not a user error) when `table` does not have its documented columns, in order. */
export function checkSchema(table: Table): void {
  const schema = RUN_TABLE_SCHEMAS[table.name];
  if (!schema) throw new Error(`run format: table '${table.name}' has no documented schema (io/run-format.ts)`);
  const want = Object.entries(schema).map(([name, kind]) => `${name}:${kind}`).join(', ');
  const have = table.columns.map((c) => `${c.name}:${kindOf(c)}`).join(', ');
  if (want !== have) throw new Error(`run format: table '${table.name}' has columns ${have}, documented ${want} (io/run-format.ts)`);
}

/**
 * Write each table as Parquet, plus an Arrow IPC copy for the tables the
 * report reads (REPORT_TABLES) or all of them with `arrow: 'all'`. Returns the
 * file names written, in order.
 */
export async function writeRunTables(dir: string, tables: ReadonlyMap<string, Table>, study: RunStudy, options: { arrow?: 'report' | 'all'; onFile?: (table: string) => void } = {}): Promise<string[]> {
  const files: string[] = [];
  for (const [name, table] of tables) {
    checkSchema(table);
    await writeTable(join(dir, `${name}.parquet`), table);
    files.push(`${name}.parquet`);
    if (options.arrow === 'all' || REPORT_TABLES[study].includes(name)) {
      await writeTable(join(dir, `${name}.arrow`), table);
      files.push(`${name}.arrow`);
    }
    options.onFile?.(name);
  }
  return files;
}

/** {'a.b.c': 1} -> {a: {b: {c: 1}}} (metrics are often built with flat keys). */
export function nest(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = value;
  }
  return out;
}

/**
 * Write metrics.json: flat dotted keys are nested, keys sorted at every level
 * (stable JSON), written atomically. Returns the nested object. Wall-clock
 * seconds live under `timing_s` only, so two runs of one configuration differ
 * in nothing else.
 */
export async function writeMetrics(dir: string, metrics: Record<string, unknown>): Promise<Record<string, unknown>> {
  const nested = nest(metrics);
  await writeJsonAtomic(join(dir, 'metrics.json'), nested);
  return nested;
}
