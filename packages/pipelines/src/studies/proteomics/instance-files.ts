/**
 * The per-patient networks as compact matrix files (docs/RUN-FOLDERS.md):
 *
 * - `instance_networks.npy`: float32, shape (patients, pairs): the
 *   symmetrised relevance, pairs in edges_cohort's order (upper triangle in
 *   protein order). Every finished run has it; Python:
 *   `np.load('instance_networks.npy', mmap_mode='r')`, R: `RcppCNPy::npyLoad`.
 * - `instance_directed.npy`: float32, shape (patients, 2, pairs): [:, 0, k] is
 *   the relevance of pair k's source for predicting its target, [:, 1, k] the
 *   reverse. Shard outputs have it (merge needs the directions).
 * - `instance_networks.json`: the row order (`instances`: ids, `class`), `proteins`,
 *   and per patient `test_mse_hidden` and `prediction_correlation`.
 *
 * Writers stream one patient at a time; readers read one shard at a time.
 */
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../../io/atomic-write.js';
import { DataError } from '../../io/data-error.js';
import { openNpy, writeNpy } from '../../io/npy.js';
import type { StudyData } from './data.js';
import type { InstanceRecord } from './aggregation.js';
import { pairCount, symmetrize } from './networks.js';

export const NETWORKS_FILE = 'instance_networks.npy';
export const DIRECTED_FILE = 'instance_directed.npy';
export const INDEX_FILE = 'instance_networks.json';

interface IndexFile {
  instances: string[];
  class: (string | null)[];
  proteins: string[];
  layout: Record<string, string>;
  test_mse_hidden: (number | null)[];
  prediction_correlation: (number | null)[];
}

/** Pair k's two directions of one instance's p x p matrix [target * p + source], written into out[0..P) and out[P..2P). */
function directions(directed: Float32Array, p: number, out: Float32Array): Float32Array {
  const P = pairCount(p);
  for (let a = 0, k = 0; a < p; a++) for (let b = a + 1; b < p; b++, k++) {
    out[k] = directed[b * p + a]!; // source a predicting target b
    out[P + k] = directed[a * p + b]!;
  }
  return out;
}

/** The rows of instance_networks.npy, one patient at a time (the block is reused). */
export function* symmetricRows(data: StudyData, instances: readonly InstanceRecord[]): Generator<Float32Array> {
  const p = data.proteins.length;
  const block = new Float32Array(pairCount(p));
  for (const inst of instances) yield symmetrize(inst.directed, p, block);
}

/** Write the index and the matrix files of `instances` into `dir`; returns the file names. */
export async function writeInstanceFiles(dir: string, data: StudyData, instances: readonly InstanceRecord[], which: { symmetric: boolean; directed: boolean }): Promise<string[]> {
  const p = data.proteins.length;
  const P = pairCount(p);
  const files: string[] = [];
  if (which.symmetric) {
    await writeNpy(join(dir, NETWORKS_FILE), [instances.length, P], symmetricRows(data, instances));
    files.push(NETWORKS_FILE);
  }
  if (which.directed) {
    const block = new Float32Array(2 * P);
    await writeNpy(join(dir, DIRECTED_FILE), [instances.length, 2, P], (function* () {
      for (const inst of instances) yield directions(inst.directed, p, block);
    })());
    files.push(DIRECTED_FILE);
  }
  await writeJsonAtomic(join(dir, INDEX_FILE), instanceIndex(data, instances));
  files.push(INDEX_FILE);
  return files;
}

/** instance_networks.json: the row order, the proteins, the layout and each patient's prediction quality. */
export function instanceIndex(data: StudyData, instances: readonly InstanceRecord[]): IndexFile {
  return {
    instances: instances.map((i) => data.ids[i.row]!),
    class: instances.map((i) => (data.labels ? data.labels[i.row]! : null)),
    proteins: data.proteins,
    layout: {
      [NETWORKS_FILE]: 'float32 (patients, pairs): symmetrised |relevance|; pairs in edges_cohort order (source < target in protein order)',
      [DIRECTED_FILE]: 'float32 (patients, 2, pairs): [:, 0] relevance of source for predicting target, [:, 1] the reverse',
    },
    test_mse_hidden: instances.map((i) => i.mseHidden),
    prediction_correlation: instances.map((i) => i.predictionCorrelation),
  };
}

/**
 * Read one shard's instance networks (instance_directed.npy and its index)
 * into records for `data`; errors name the folder and what does not match.
 */
export async function readShardInstances(dir: string, data: StudyData): Promise<InstanceRecord[]> {
  let index: IndexFile;
  try {
    index = JSON.parse(await readFile(join(dir, INDEX_FILE), 'utf8')) as IndexFile;
  } catch {
    throw new DataError(`${dir}: no readable ${INDEX_FILE}; is it the output of --stage networks (or a --shard run)?`);
  }
  const p = data.proteins.length;
  if (index.proteins.join('\n') !== data.proteins.join('\n')) throw new DataError(`${dir}: its networks are over other proteins than the data (${index.proteins.length} in the shard, ${p} in the data)`);
  const rowOf = new Map(data.ids.map((id, r) => [id, r]));
  const reader = await openNpy(join(dir, DIRECTED_FILE));
  try {
    const P = pairCount(p);
    if (reader.shape.join() !== [index.instances.length, 2, P].join()) throw new DataError(`${join(dir, DIRECTED_FILE)}: shape (${reader.shape.join(', ')}), expected (${index.instances.length}, 2, ${P}) from ${INDEX_FILE}`);
    const records: InstanceRecord[] = [];
    for (let i = 0; i < index.instances.length; i++) {
      const id = index.instances[i]!;
      const row = rowOf.get(id);
      if (row === undefined) throw new DataError(`${dir}: instance '${id}' is not in the data`);
      const pairsBlock = await reader.readRows(i, 1);
      const directed = new Float32Array(p * p);
      for (let a = 0, k = 0; a < p; a++) for (let b = a + 1; b < p; b++, k++) {
        directed[b * p + a] = pairsBlock[k]!;
        directed[a * p + b] = pairsBlock[P + k]!;
      }
      records.push({ row, directed, mseHidden: index.test_mse_hidden[i] ?? NaN, predictionCorrelation: index.prediction_correlation[i] ?? NaN });
    }
    return records;
  } finally {
    await reader.close();
  }
}

/** A finished run's instance networks as a matrix (patients x pairs) with row ids, classes and pair names `source|target`. */
export async function readNetworkMatrix(dir: string): Promise<{ ids: string[]; classes: (string | null)[]; features: string[]; values: Float32Array }> {
  const index = JSON.parse(await readFile(join(dir, INDEX_FILE), 'utf8')) as IndexFile;
  const reader = await openNpy(join(dir, NETWORKS_FILE));
  try {
    const p = index.proteins.length;
    if (reader.shape.join() !== [index.instances.length, pairCount(p)].join()) throw new DataError(`${join(dir, NETWORKS_FILE)}: shape (${reader.shape.join(', ')}) does not match ${INDEX_FILE} (${index.instances.length} patients, ${p} proteins)`);
    const features: string[] = [];
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) features.push(`${index.proteins[a]}|${index.proteins[b]}`);
    return { ids: index.instances, classes: index.class ?? index.instances.map(() => null), features, values: await reader.readRows(0, index.instances.length) };
  } finally {
    await reader.close();
  }
}
