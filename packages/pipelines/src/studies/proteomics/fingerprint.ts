/**
 * What a trained model must agree with before its networks are computed on
 * some data (--stage networks / merge with --model): the data file, the
 * proteins, the transform and standardisation (with the training
 * statistics), and the train/test split. Stored in model.relevance's
 * metadata (`fingerprint`), with the training curve (`training`), so the
 * model file alone carries what later stages need.
 */
import { createHash } from 'node:crypto';
import { sha256File } from '../../io/atomic-write.js';
import type { StudyData } from './data.js';

export interface DataFingerprint {
  source: string;
  sha256: string | null;
  sql: string | null;
  synthetic: unknown;
  id_column: string | null;
  class_column: string | null;
  features: string | null;
  max_missing: number;
  transform: string;
  standardize: string;
  proteins: string[];
  statistics: { scope: string; mean: number[]; sd: number[] }[];
  split: { seed: number; test_fraction: number; train: number; test: number; test_ids_sha256: string };
}

export interface FingerprintOptions {
  data?: string;
  sql?: string;
  synthetic: unknown;
  idColumn?: string;
  classColumn?: string;
  features?: string;
  maxMissing: number;
  transform: string;
  standardize: string;
  seed: number;
  testFraction: number;
}

/** Hashes computed elsewhere (the browser app: a file in memory, WebCrypto) instead of node:fs and node:crypto. */
export interface FingerprintHashes {
  /** sha256 of the --data file's bytes. */
  file?: string;
  /** Hex sha256 of a text. */
  text?: (text: string) => Promise<string>;
}

const sha256Text = async (text: string): Promise<string> => createHash('sha256').update(text).digest('hex');

/** How the study's table was chosen and prepared, as config.json and the fingerprint both record it (keys sorted on writing). */
export function dataSelection(o: FingerprintOptions): Pick<DataFingerprint, 'sql' | 'synthetic' | 'id_column' | 'features' | 'max_missing' | 'transform' | 'standardize'> {
  return {
    sql: o.sql ?? null,
    synthetic: o.data || o.sql ? null : o.synthetic,
    id_column: o.idColumn ?? null,
    features: o.features ?? null,
    max_missing: o.maxMissing,
    transform: o.transform,
    standardize: o.standardize,
  };
}

export async function dataFingerprint(data: StudyData, o: FingerprintOptions, hashes: FingerprintHashes = {}): Promise<DataFingerprint> {
  const testIds = await (hashes.text ?? sha256Text)(data.test.map((r) => data.ids[r]).join('\n'));
  return {
    source: o.data ?? (o.sql ? 'sql' : 'synthetic'),
    sha256: o.data ? hashes.file ?? (await sha256File(o.data)) : null,
    ...dataSelection(o),
    class_column: o.classColumn ?? null,
    proteins: data.proteins,
    statistics: data.statistics.map((s) => ({ scope: s.scope, mean: Array.from(s.mean), sd: Array.from(s.sd) })),
    split: { seed: o.seed, test_fraction: o.testFraction, train: data.train.length, test: data.test.length, test_ids_sha256: testIds },
  };
}

const list = (names: readonly string[]): string => `${names.slice(0, 8).join(', ')}${names.length > 8 ? `, ... (${names.length} in all)` : ''}`;

function proteinDifferences(model: readonly string[], data: readonly string[]): string[] {
  if (model.join('\n') === data.join('\n')) return [];
  const inData = new Set(data);
  const inModel = new Set(model);
  const gone = model.filter((n) => !inData.has(n));
  const added = data.filter((n) => !inModel.has(n));
  const out = [`proteins: the model has ${model.length}, the data ${data.length}`];
  if (gone.length) out.push(`  in the model, not in the data: ${list(gone)}`);
  if (added.length) out.push(`  in the data, not in the model: ${list(added)}`);
  if (!gone.length && !added.length) out.push('  the same names in another order');
  return out;
}

function statisticsDifferences(model: DataFingerprint, data: DataFingerprint): string[] {
  if (JSON.stringify(model.statistics) === JSON.stringify(data.statistics)) return [];
  if (model.statistics.length !== data.statistics.length || model.proteins.join('\n') !== data.proteins.join('\n')) {
    return [`standardisation: the model's training statistics cover ${model.statistics.map((s) => s.scope).join(', ')}, the data's ${data.statistics.map((s) => s.scope).join(', ')}`];
  }
  const out: string[] = [];
  model.statistics.forEach((s, k) => {
    const d = data.statistics[k]!;
    const differ = model.proteins.filter((_, j) => s.mean[j] !== d.mean[j] || s.sd[j] !== d.sd[j]);
    if (differ.length) out.push(`standardisation (${s.scope}): training mean or sd differ for ${list(differ)} (e.g. ${differ[0]}: mean ${s.mean[model.proteins.indexOf(differ[0]!)]} in the model, ${d.mean[model.proteins.indexOf(differ[0]!)]} in the data)`);
  });
  return out;
}

const SETTINGS: Array<[keyof DataFingerprint, string]> = [
  ['source', '--data/--sql'],
  ['sha256', 'data file contents (sha256)'],
  ['sql', '--sql'],
  ['synthetic', 'synthetic cohort options'],
  ['id_column', '--id-column'],
  ['class_column', '--class-column'],
  ['features', '--features'],
  ['max_missing', '--max-missing'],
  ['transform', '--transform'],
  ['standardize', '--standardize'],
];

/** Every way `data` differs from what the model was trained on, one line each, by name (empty: they match). */
export function fingerprintDifferences(model: DataFingerprint, data: DataFingerprint): string[] {
  const out: string[] = [];
  for (const [key, name] of SETTINGS) {
    const a = JSON.stringify(model[key] ?? null);
    const b = JSON.stringify(data[key] ?? null);
    if (a !== b) out.push(`${name}: the model was trained with ${a}, this run has ${b}`);
  }
  out.push(...proteinDifferences(model.proteins, data.proteins));
  out.push(...statisticsDifferences(model, data));
  const ms = model.split, ds = data.split;
  if (ms.seed !== ds.seed) out.push(`--seed: the model was trained with ${ms.seed}, this run has ${ds.seed} (the split and the masks follow the seed)`);
  if (ms.test_fraction !== ds.test_fraction) out.push(`--test-fraction: the model was trained with ${ms.test_fraction}, this run has ${ds.test_fraction}`);
  if (ms.test_ids_sha256 !== ds.test_ids_sha256) out.push(`split: the test patients differ (${ms.test} in the model's split, ${ds.test} here)`);
  return out;
}
