/**
 * Spectral relevance analysis (SpRAy; Lapuschkin et al. 2019, "Unmasking
 * Clever Hans predictors"): cluster per-row explanations to find the
 * prediction strategies a model uses. Rows are normalised explanations;
 * the affinity is a symmetric k-nearest-neighbour graph; the number of
 * strategies k comes from the eigengap of the normalised Laplacian; rows
 * are embedded by its first k eigenvectors (rows scaled to unit length,
 * Ng–Jordan–Weiss) and grouped by seeded k-means. Each cluster is described
 * by its mean relevance per feature (top features) and by how that mean
 * differs from the rest of the rows (distinguishing features).
 */
import { Generator } from '@relevance/core-wasm';
import { eigengapK, kMeans, knnAffinity, laplacianSpectrum } from './spectral.js';

export class StrategyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StrategyError';
  }
}

export type SprayNormalisation = 'l2' | 'max' | 'none';

export interface SprayOptions {
  /** Feature names (default f0, f1, ...). */
  featureNames?: readonly string[];
  /** Class per row and the class names, for the class shares of each cluster. */
  labels?: ArrayLike<number>;
  classes?: readonly string[];
  /** Neighbours of the affinity graph (default min(10, rows - 1)). */
  neighbours?: number;
  /** Most clusters the eigengap may choose (default 10). */
  maxClusters?: number;
  /** A fixed number of clusters (skips the eigengap). */
  clusters?: number;
  /** Per-row normalisation of the explanations before clustering (default 'l2'). */
  normalise?: SprayNormalisation;
  /** Features listed per cluster (default 5). */
  topK?: number;
  /** k-means restarts (default 10). */
  restarts?: number;
  seed?: number | bigint;
  generator?: Generator;
}

export interface FeatureRelevance {
  name: string;
  relevance: number;
}

export interface StrategyCluster {
  /** 0-based; clusters are ordered by size (largest first), ties by their first row. */
  cluster: number;
  size: number;
  /** Share of each class among the cluster's rows (with labels). */
  classes: Record<string, number>;
  /** Features by |mean relevance| in the cluster. */
  topFeatures: FeatureRelevance[];
  /** Features by |mean in the cluster − mean elsewhere| (relevance = that difference). */
  distinguishingFeatures: FeatureRelevance[];
  rows: Int32Array;
}

export interface SprayResult {
  /** Cluster per row. */
  assignments: Int32Array;
  k: number;
  /** How k was chosen. */
  chosenBy: 'eigengap' | 'fixed';
  /** Smallest eigenvalues of the normalised Laplacian, ascending (maxClusters + 1 of them). */
  eigenvalues: Float64Array;
  /** eigenvalues[i + 1] - eigenvalues[i]. */
  eigengaps: Float64Array;
  neighbours: number;
  clusters: StrategyCluster[];
}

function normaliseRows(values: ArrayLike<number>, n: number, d: number, how: SprayNormalisation): Float64Array {
  const x = Float64Array.from(values as ArrayLike<number>);
  if (how === 'none') return x;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let f = 0; f < d; f++) s = how === 'l2' ? s + x[i * d + f]! ** 2 : Math.max(s, Math.abs(x[i * d + f]!));
    const scale = how === 'l2' ? Math.sqrt(s) : s;
    if (scale > 0) for (let f = 0; f < d; f++) x[i * d + f] /= scale;
  }
  return x;
}

function ranked(values: Float64Array, names: readonly string[], k: number): FeatureRelevance[] {
  return Array.from(values.keys())
    .sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || a - b)
    .slice(0, k)
    .map((j) => ({ name: names[j]!, relevance: values[j]! }));
}

/** SpRAy over per-row explanations ([rows, features], row-major). */
export function spray(explanations: ArrayLike<number>, rows: number, options: SprayOptions = {}): SprayResult {
  if (!Number.isInteger(rows) || rows < 3) throw new StrategyError(`spray: at least 3 rows of explanations are needed, got ${rows}`);
  if (explanations.length % rows !== 0) throw new StrategyError(`spray: ${explanations.length} values do not split into ${rows} rows`);
  const d = explanations.length / rows;
  for (let i = 0; i < explanations.length; i++) {
    if (!Number.isFinite(explanations[i]!)) throw new StrategyError(`spray: the explanation of row ${Math.floor(i / d)} is not finite at feature ${i % d}; remove the row or recompute the explanation`);
  }
  const names = options.featureNames ?? Array.from({ length: d }, (_, j) => `f${j}`);
  if (names.length !== d) throw new StrategyError(`spray: ${names.length} feature names for ${d} features per row`);
  const neighbours = options.neighbours ?? Math.min(10, rows - 1);
  if (!Number.isInteger(neighbours) || neighbours < 1 || neighbours >= rows) throw new StrategyError(`spray: neighbours must be an integer from 1 to rows - 1 (${rows - 1}), got ${neighbours}`);
  const maxClusters = Math.min(options.maxClusters ?? 10, rows - 1);
  if (!Number.isInteger(maxClusters) || maxClusters < 1) throw new StrategyError(`spray: maxClusters must be a positive integer, got ${options.maxClusters}`);
  if (options.clusters !== undefined && (!Number.isInteger(options.clusters) || options.clusters < 1 || options.clusters > rows)) {
    throw new StrategyError(`spray: clusters must be an integer from 1 to the number of rows (${rows}), got ${options.clusters}`);
  }
  let generator: Generator;
  if (options.generator) generator = options.generator;
  else if (options.seed !== undefined) generator = new Generator(options.seed);
  else throw new StrategyError('spray: pass a seed or a generator for k-means (randomness is always explicit)');
  const topK = options.topK ?? 5;
  const x = normaliseRows(explanations, rows, d, options.normalise ?? 'l2');
  const affinity = knnAffinity(x, rows, d, neighbours);
  const count = Math.max(maxClusters, options.clusters ?? 0) + 1;
  const spectrum = laplacianSpectrum(affinity, Math.min(count, rows), generator);
  const { k: gapK, gaps } = eigengapK(spectrum.values, maxClusters);
  const k = options.clusters ?? gapK;
  // spectral embedding: first k eigenvectors, rows scaled to unit length
  const emb = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let c = 0; c < k; c++) norm += spectrum.vectors[i * spectrum.count + c]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let c = 0; c < k; c++) emb[i * k + c] = spectrum.vectors[i * spectrum.count + c]! / norm;
  }
  const raw = k === 1 ? new Int32Array(rows) : kMeans(emb, rows, k, k, generator, options.restarts ?? 10).labels;
  // canonical numbering: by size, then by first row
  const sizes = new Map<number, { size: number; first: number }>();
  raw.forEach((c, i) => {
    const s = sizes.get(c);
    if (s) s.size++;
    else sizes.set(c, { size: 1, first: i });
  });
  const order = [...sizes.entries()].sort((a, b) => b[1].size - a[1].size || a[1].first - b[1].first).map(([c]) => c);
  const rename = new Map(order.map((c, i) => [c, i]));
  const assignments = Int32Array.from(raw, (c) => rename.get(c)!);

  // descriptions on the explanations as given (not normalised)
  const total = new Float64Array(d);
  for (let i = 0; i < rows; i++) for (let f = 0; f < d; f++) total[f] += explanations[i * d + f]!;
  const clusters: StrategyCluster[] = order.map((_, c) => {
    const members = Int32Array.from([...assignments.keys()].filter((i) => assignments[i] === c));
    const mean = new Float64Array(d);
    for (const i of members) for (let f = 0; f < d; f++) mean[f] += explanations[i * d + f]!;
    const rest = rows - members.length;
    const diff = new Float64Array(d);
    for (let f = 0; f < d; f++) {
      const inside = mean[f]!;
      mean[f] = inside / members.length;
      diff[f] = rest > 0 ? mean[f]! - (total[f]! - inside) / rest : 0;
    }
    const classes: Record<string, number> = {};
    if (options.labels) {
      const classNames = options.classes ?? [];
      const counts = new Map<number, number>();
      for (const i of members) counts.set(options.labels[i]!, (counts.get(options.labels[i]!) ?? 0) + 1);
      for (const [label, count] of [...counts.entries()].sort((a, b) => a[0] - b[0])) classes[classNames[label] ?? String(label)] = count / members.length;
    }
    return { cluster: c, size: members.length, classes, topFeatures: ranked(mean, names, topK), distinguishingFeatures: ranked(diff, names, topK), rows: members };
  });
  return { assignments, k, chosenBy: options.clusters === undefined ? 'eigengap' : 'fixed', eigenvalues: spectrum.values, eigengaps: gaps, neighbours, clusters };
}
