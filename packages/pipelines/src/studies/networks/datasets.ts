/**
 * Data sets with a known network for `relevance benchmark networks`. Layouts:
 *  - BEELINE (Pratapa et al. 2020): a folder with `cells.csv` (samples x genes,
 *    first column `cell`) and `truth.csv` (`source,target[,sign]`), optionally
 *    `peers/<ALGORITHM>.csv` (`source,target,score`): published rankings on the
 *    same data, which the benchmark scores too;
 *  - Keyl et al. 2022: a folder with `artificial_homogeneous.csv` and
 *    `artificial_ground_truth_pairs.csv`;
 *  - a folder whose sub-folders are data sets in these layouts.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataError } from '../../io/data-error.js';

export interface NetworkDataSet {
  name: string;
  /** The data table (samples x genes). */
  data: string;
  /** The true edges. */
  truth: string;
  /** The id column of the data table, when the layout names one. */
  idColumn?: string;
  /** Published rankings of other methods on the same data: name -> file. */
  peers: { name: string; path: string }[];
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The data set stored in `dir`, or null when `dir` is not in a known layout. */
export function dataSetIn(dir: string): NetworkDataSet | null {
  if (existsSync(join(dir, 'cells.csv')) && existsSync(join(dir, 'truth.csv'))) {
    const peersDir = join(dir, 'peers');
    const peers = isDir(peersDir)
      ? readdirSync(peersDir).filter((f) => f.endsWith('.csv')).sort().map((f) => ({ name: f.slice(0, -4), path: join(peersDir, f) }))
      : [];
    return { name: basename(dir), data: join(dir, 'cells.csv'), truth: join(dir, 'truth.csv'), idColumn: 'cell', peers };
  }
  if (existsSync(join(dir, 'artificial_homogeneous.csv')) && existsSync(join(dir, 'artificial_ground_truth_pairs.csv'))) {
    return { name: 'keyl-homogeneous', data: join(dir, 'artificial_homogeneous.csv'), truth: join(dir, 'artificial_ground_truth_pairs.csv'), peers: [] };
  }
  return null;
}

/** Every data set under the given folders (each a data set or a folder of data sets), sorted by name within a folder. */
export function discoverDataSets(folders: readonly string[]): NetworkDataSet[] {
  const out: NetworkDataSet[] = [];
  for (const folder of folders) {
    if (!isDir(folder)) throw new DataError(`--sets: ${folder} is not a folder; give folders in BEELINE's layout (cells.csv, truth.csv) or folders of them`);
    const own = dataSetIn(folder);
    if (own) {
      out.push(own);
      continue;
    }
    const found = readdirSync(folder).sort().map((d) => join(folder, d)).filter(isDir).map(dataSetIn).filter((d): d is NetworkDataSet => d !== null);
    if (found.length === 0) {
      throw new DataError(`--sets: ${folder} holds no data set with a known network: expected cells.csv and truth.csv (BEELINE's layout), Keyl et al.'s artificial_homogeneous.csv with artificial_ground_truth_pairs.csv, or sub-folders with them`);
    }
    out.push(...found);
  }
  const names = new Set<string>();
  for (const d of out) {
    if (names.has(d.name)) throw new DataError(`--sets: two data sets are named '${d.name}' (${d.data}); give each folder once`);
    names.add(d.name);
  }
  return out;
}
