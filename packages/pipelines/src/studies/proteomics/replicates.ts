/**
 * Replicates of the masked predictor (--replicates k): k predictors trained on the same training rows
 * with seeds seed, seed + 1, ..., seed + k - 1 (weights, minibatches, training masks and the patients'
 * relevance masks), each explaining the same patients. A patient's network is the mean of its k
 * directed relevance matrices, so the class and cohort networks are built from the averaged relevance.
 * Their agreement says how much the network depends on the training seed: per pair of replicates, the
 * Spearman correlation of the pairs' mean |relevance| over the patients (both directions, undirected).
 *
 * The data (split, standardisation, synthetic cohort) keeps the study's seed, so replicate 1 is the
 * one-predictor study itself, byte for byte, and the model files are replicate 1's.
 *
 * Staged (--stage train / networks / merge): train writes replicate r's model as
 * model.replicate-<r>.relevance beside model.relevance (replicate 1); a networks shard writes replicate
 * 1's networks in its folder and replicate r's in replicate-<r>/; the merge averages them with
 * addReplicates, as the one-command study does, so the merged run has the same bytes.
 */
import { stats } from '@relevance/methods';
import { cohortScorer, type InstanceRecord, type PairAndDirected } from './aggregation.js';
import { pairCount, symmetrize } from './networks.js';
import type { StudyData } from './data.js';
import type { ProteomicsOptions } from './study.js';

/** Most replicates (each one a full training and relevance pass). */
export const MAX_REPLICATES = 32;

/** How the replicates agree: seeds, and the Spearman correlations of their networks (pairs of replicates). */
export interface ReplicateAgreement {
  seeds: number[];
  spearman: number[];
  /** Each replicate's own cohort network (pair scores in edges_cohort's order, and the directed scores); absent when not scored. */
  cohort?: PairAndDirected[];
}

/** The mean over patients of their instance networks (symmetrize: per pair the mean of |R| in both directions). */
export function meanPairRelevance(instances: readonly InstanceRecord[], p: number): Float64Array {
  const out = new Float64Array(pairCount(p));
  const one = new Float32Array(out.length);
  for (const rec of instances) {
    symmetrize(rec.directed, p, one);
    for (let k = 0; k < out.length; k++) out[k] += one[k]!;
  }
  for (let k = 0; k < out.length; k++) out[k] /= Math.max(1, instances.length);
  return out;
}

/** One replicate: train a predictor with these options and return its relevance for the study's patients, in order. */
export type ReplicateRun = (options: ProteomicsOptions, replicate: number) => Promise<InstanceRecord[]>;

/**
 * Replicates 2..k run through `run` (with seed + r - 1), their relevance averaged into `first` (replicate
 * 1's records, replaced in place by the mean) and their agreement measured; each replicate's own cohort
 * network is kept too (`scoreOf`: aggregation.ts's cohortScorer; null: not scored).
 */
export async function addReplicates(
  first: InstanceRecord[],
  data: StudyData,
  options: ProteomicsOptions,
  run: ReplicateRun,
  scoreOf: ((records: readonly InstanceRecord[]) => PairAndDirected) | null = cohortScorer(data, options.minInstanceCorrelation),
): Promise<ReplicateAgreement> {
  const k = options.replicates, p = data.proteins.length;
  const sums = first.map((rec) => Float64Array.from(rec.directed));
  const mse = first.map((rec) => rec.mseHidden), corr = first.map((rec) => rec.predictionCorrelation);
  const networks = [meanPairRelevance(first, p)];
  const cohort = scoreOf ? [scoreOf(first)] : undefined;
  const seeds = [options.seed];
  for (let r = 2; r <= k; r++) {
    const seed = options.seed + r - 1;
    const records = await run(replicateOptions(options, r), r);
    if (records.length !== first.length) throw new Error(`replicate ${r}: ${records.length} patients' networks, replicate 1 has ${first.length}`);
    records.forEach((rec, i) => {
      if (rec.row !== first[i]!.row) throw new Error(`replicate ${r}: patient rows out of step (${rec.row} against ${first[i]!.row})`);
      const s = sums[i]!;
      for (let j = 0; j < s.length; j++) s[j] += rec.directed[j]!;
      mse[i] += rec.mseHidden;
      corr[i] += rec.predictionCorrelation;
    });
    networks.push(meanPairRelevance(records, p));
    cohort?.push(scoreOf!(records));
    seeds.push(seed);
  }
  first.forEach((rec, i) => {
    rec.directed = Float32Array.from(sums[i]!, (v) => v / k);
    rec.mseHidden = mse[i]! / k;
    rec.predictionCorrelation = corr[i]! / k;
  });
  const spearman: number[] = [];
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) spearman.push(stats.spearman(networks[a]!, networks[b]!));
  return { seeds, spearman, ...(cohort ? { cohort } : {}) };
}

/**
 * Per pair, its lowest and highest rank (1 = the strongest pair) over the replicates' own cohort networks:
 * how far an edge of the averaged network depends on the training seed. Ties keep the pairs' order.
 */
export function replicateRanks(cohort: readonly Float32Array[]): { min: Int32Array; max: Int32Array } {
  const P = cohort[0]!.length;
  const min = new Int32Array(P).fill(P + 1), max = new Int32Array(P);
  const order = new Int32Array(P);
  for (const score of cohort) {
    const key = (i: number): number => (Number.isNaN(score[i]!) ? -Infinity : score[i]!);
    order.forEach((_, i) => (order[i] = i));
    order.sort((a, b) => key(b) - key(a) || a - b);
    order.forEach((pair, position) => {
      min[pair] = Math.min(min[pair]!, position + 1);
      max[pair] = Math.max(max[pair]!, position + 1);
    });
  }
  return { min, max };
}

/**
 * metrics.json entries of the replicates (network.replicates.*); with the truth, each replicate's own cohort
 * network is scored too (AUROC and AUPR, one per replicate), as network.cohort is: `directed` scores the
 * directed matrix against `labels` of ordered pairs, else the pair scores against labels in edges_cohort's order.
 */
export function replicateMetrics(agreement: ReplicateAgreement | null, seed: number, truth: { labels: ArrayLike<number>; directed: boolean } | null = null): Record<string, unknown> {
  if (!agreement) return { 'network.replicates.count': 1, 'network.replicates.seeds': [seed] };
  const s = agreement.spearman;
  const round = (x: number) => Number(x.toFixed(4));
  const scores = agreement.cohort?.map((c) => (truth?.directed ? c.directed : c.pairs));
  const scored = truth && scores ? {
    'network.replicates.auroc': scores.map((c) => round(stats.auroc(c, truth.labels))),
    'network.replicates.aupr': scores.map((c) => round(stats.aupr(c, truth.labels))),
  } : {};
  return {
    'network.replicates.count': agreement.seeds.length,
    'network.replicates.seeds': agreement.seeds,
    'network.replicates.spearman_mean': round(s.reduce((a, b) => a + b, 0) / s.length),
    'network.replicates.spearman_min': round(Math.min(...s)),
    ...scored,
  };
}

/** The options replicate r (1-based) trains and explains with: the study's, with seed + r - 1. */
export function replicateOptions<O extends { seed: number }>(options: O, replicate: number): O {
  return replicate === 1 ? options : { ...options, seed: options.seed + replicate - 1 };
}

/** Replicate r's model file beside replicate 1's `model` (…/model.relevance → …/model.replicate-<r>.relevance). */
export function replicateModelFile(model: string, replicate: number): string {
  return replicate === 1 ? model : `${model.replace(/\.relevance$/, '')}.replicate-${replicate}.relevance`;
}

/** model.relevance metadata of replicate r of k (none with one predictor, so those files keep their bytes). */
export function replicateModelMetadata(k: number, replicate: number): { replicates?: number; replicate?: number } {
  return k > 1 ? { replicates: k, replicate } : {};
}

/** Where a networks shard keeps replicate r's networks: its own folder for replicate 1, replicate-<r>/ for the others. */
export function replicateSubfolder(replicate: number): string {
  return replicate === 1 ? '' : `replicate-${replicate}`;
}

/** The progress label of replicate r of k. */
export function replicateLabel(phase: string, replicate: number, k: number): string {
  return k > 1 ? `${phase} (replicate ${replicate} of ${k})` : phase;
}

