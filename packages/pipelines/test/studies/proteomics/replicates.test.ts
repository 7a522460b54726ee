/**
 * --replicates k (replicates.ts): k masked predictors with seeds seed .. seed + k - 1 on the same data,
 * each patient's relevance averaged, and the agreement of their networks.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { stats } from '@relevance/methods';
import { createProgress } from '../../../src/progress/progress.js';
import { relevancePhase, runProteomicsCore, trainPhase } from '../../../src/studies/proteomics/core.js';
import { addReplicates, meanPairRelevance, replicateMetrics, replicateRanks } from '../../../src/studies/proteomics/replicates.js';
import { aggregateInstances, cohortScorer } from '../../../src/studies/proteomics/aggregation.js';
import type { InstanceRecord } from '../../../src/studies/proteomics/aggregation.js';
import type { StudyData } from '../../../src/studies/proteomics/data.js';
import { runQuiet, smallOptions, tempDir, TEST_BACKEND } from './helpers.js';
import { readTable } from '../../../src/io/read-table.js';
import { runSummaryLines } from '../../../src/studies/run-summary.js';

const record = (row: number, directed: number[], mse = 1, corr = 0.5): InstanceRecord => ({ row, directed: Float32Array.from(directed), mseHidden: mse, predictionCorrelation: corr });
const data = { proteins: ['a', 'b', 'c'] } as unknown as StudyData;

describe('replicates', () => {
  it('average each patient\'s relevance, the prediction figures and measure the networks\' agreement', async () => {
    const first = [record(4, [0, 1, 2, 3, 0, 5, 6, 7, 0]), record(9, [0, 2, 0, 0, 0, 1, 1, 0, 0], 2, 0.1)];
    const seen: number[] = [];
    const agreement = await addReplicates(first.map((r) => ({ ...r, directed: r.directed.slice() })), data, { ...smallOptions('x'), seed: 7, replicates: 3 }, async (o, r) => {
      seen.push(o.seed, r);
      return [record(4, [0, 3, 2, 1, 0, 5, 6, 7, 0], 3, 0.2), record(9, [0, 2, 0, 0, 0, 1, 1, 0, 0].map((v) => -v), 4, 0.4)];
    }, null);
    expect(seen).toEqual([8, 2, 9, 3]);
    expect(agreement.seeds).toEqual([7, 8, 9]);
    expect(agreement.spearman).toHaveLength(3); // pairs (1,2), (1,3), (2,3)
    // replicates 2 and 3 gave the same records: their networks agree perfectly
    expect(agreement.spearman[2]).toBeCloseTo(1, 12);
    const a = meanPairRelevance(first, 3), b = meanPairRelevance([record(4, [0, 3, 2, 1, 0, 5, 6, 7, 0]), record(9, [0, 2, 0, 0, 0, 1, 1, 0, 0])], 3);
    expect(agreement.spearman[0]).toBeCloseTo(stats.spearman(a, b), 12);
    expect(Array.from(a)).toEqual([(1 + 3 + 2 + 0) / 4, (2 + 6 + 0 + 1) / 4, (5 + 7 + 1 + 0) / 4]); // the mean instance network (symmetrize)
  });

  it('replace the records in place by the mean', async () => {
    const first = [record(4, [0, 1, 2, 3, 0, 5, 6, 7, 0], 1, 0.5)];
    await addReplicates(first, data, { ...smallOptions('x'), seed: 1, replicates: 2 }, async () => [record(4, [0, 2, 2, 0, 0, 1, 1, 1, 0], 3, 0.1)], null);
    expect(Array.from(first[0]!.directed)).toEqual([0, 1.5, 2, 1.5, 0, 3, 3.5, 4, 0]);
    expect(first[0]!.mseHidden).toBe(2);
    expect(first[0]!.predictionCorrelation).toBeCloseTo(0.3, 12);
  });

  it('refuse replicates whose patients are out of step', async () => {
    await expect(addReplicates([record(4, new Array(9).fill(0))], data, { ...smallOptions('x'), replicates: 2 }, async () => [record(5, new Array(9).fill(0))], null)).rejects.toThrow(/replicate 2: patient rows out of step \(5 against 4\)/);
    await expect(addReplicates([record(4, new Array(9).fill(0))], data, { ...smallOptions('x'), replicates: 2 }, async () => [], null)).rejects.toThrow(/replicate 2: 0 patients' networks, replicate 1 has 1/);
  });

  it('rank each pair in every replicate\'s own network and keep its lowest and highest rank', () => {
    const { min, max } = replicateRanks([Float32Array.from([0.9, 0.1, 0.5, NaN]), Float32Array.from([0.2, 0.8, 0.5, 0.5])]);
    // replicate 1: pairs 0, 2, 1, 3 (NaN last); replicate 2: 1, 2, 3, 0 (the tie 2/3 in pair order)
    expect(Array.from(min)).toEqual([1, 1, 2, 3]);
    expect(Array.from(max)).toEqual([4, 3, 2, 4]);
  });

  it('metrics: each replicate\'s own cohort network scored against the truth, directed where the study is', () => {
    const labels = [1, 0, 1, 0];
    const net = (pairs: number[], directed: number[]) => ({ pairs: Float32Array.from(pairs), directed: Float32Array.from(directed) });
    const cohort = [net([0.9, 0.1, 0.8, 0.2], [0.1, 0.9, 0.2, 0.8]), net([0.1, 0.9, 0.8, 0.2], [0.9, 0.1, 0.8, 0.2])];
    const m = replicateMetrics({ seeds: [1, 2], spearman: [0.5], cohort }, 1, { labels, directed: false });
    expect(m['network.replicates.auroc']).toEqual([1, Number(stats.auroc(cohort[1]!.pairs, labels).toFixed(4))]);
    expect((m['network.replicates.aupr'] as number[])[0]).toBe(1);
    // --directed: the directed matrices against labels of ordered pairs
    expect(replicateMetrics({ seeds: [1, 2], spearman: [0.5], cohort }, 1, { labels, directed: true })['network.replicates.auroc']).toEqual([0, 1]);
    expect(replicateMetrics({ seeds: [1, 2], spearman: [0.5] }, 1, { labels, directed: false })['network.replicates.auroc']).toBeUndefined();
  });

  it('metrics: the count and seeds for one predictor; agreement for several', () => {
    expect(replicateMetrics(null, 5)).toEqual({ 'network.replicates.count': 1, 'network.replicates.seeds': [5] });
    expect(replicateMetrics({ seeds: [5, 6, 7], spearman: [0.9, 0.8, 0.7] }, 5)).toEqual({ 'network.replicates.count': 3, 'network.replicates.seeds': [5, 6, 7], 'network.replicates.spearman_mean': 0.8, 'network.replicates.spearman_min': 0.7 });
  });

  it('the study with --replicates 2 scores each predictor alone: replicate 1 alone is the one-predictor study\'s cohort network', async () => {
    const o = (replicates: number) => smallOptions(tempDir(), { replicates, baselines: ['pearson'], epochs: 8, masks: 3 });
    const one = await runQuiet(o(1)), two = await runQuiet(o(2));
    const alone = two.metrics as { network: { replicates: { auroc: number[]; aupr: number[] }; cohort: { auroc: number } } };
    const single = one.metrics as typeof alone;
    expect(alone.network.replicates.auroc).toHaveLength(2);
    expect(alone.network.replicates.auroc[0]).toBeCloseTo(single.network.cohort.auroc, 4);
    expect(alone.network.replicates.auroc[1]).not.toBeCloseTo(single.network.cohort.auroc, 6);
    const edges = await readTable(`${two.outDir}/edges_cohort.parquet`);
    const column = (t: typeof edges, name: string) => t.columns.find((c) => c.name === name)!.values as ArrayLike<number>;
    const lo = column(edges, 'replicate_rank_min'), hi = column(edges, 'replicate_rank_max');
    // replicate 1's ranks (the one-predictor study's edges_cohort order) lie within each pair's range
    const oneEdges = await readTable(`${one.outDir}/edges_cohort.parquet`);
    const score1 = column(oneEdges, 'relevance');
    const order = Array.from({ length: score1.length }, (_, i) => i).sort((a, b) => score1[b]! - score1[a]! || a - b);
    order.forEach((pair, position) => expect(position + 1 >= lo[pair]! && position + 1 <= hi[pair]!, `pair ${pair}`).toBe(true));
    expect(Math.min(...Array.from(lo))).toBe(1);
    // one predictor: both columns are the pair's rank in the cohort network
    expect(Array.from(column(oneEdges, 'replicate_rank_min'))).toEqual(Array.from(column(oneEdges, 'replicate_rank_max')));
    order.forEach((pair, position) => expect(column(oneEdges, 'replicate_rank_min')[pair]).toBe(position + 1));
    // the run's summary says what each predictor alone scored, and each top edge's rank range; one predictor: neither
    const lines = await runSummaryLines(two.outDir, { topK: 3 });
    const [a1, a2] = alone.network.replicates.auroc;
    expect(lines).toContain(`  each predictor alone: cohort AUROC ${Math.min(a1!, a2!).toFixed(3)} to ${Math.max(a1!, a2!).toFixed(3)}, AUPR ${Math.min(...alone.network.replicates.aupr).toFixed(3)} to ${Math.max(...alone.network.replicates.aupr).toFixed(3)}; edges_cohort's replicate_rank_min/max give each pair's rank range over them`);
    expect(lines.filter((l) => / ranks \d+–\d+ over the predictors alone$/.test(l))).toHaveLength(3);
    expect((await runSummaryLines(one.outDir, { topK: 3 })).some((l) => l.includes('over the predictors alone'))).toBe(false);
  });

  it('the study with --replicates 2: replicate 1 is the one-predictor study, replicate 2 a predictor trained with seed + 1 on the same data', async () => {
    const be = await createBackend(TEST_BACKEND === 'auto' ? 'wasm' : TEST_BACKEND, { threads: 2 });
    const progress = createProgress({ stream: { write: () => true }, quiet: true });
    const io = { progress, log: () => {}, edges: async () => ({ truth: null, known: null }) };
    const options = (replicates: number) => smallOptions(tempDir(), { seed: 3, replicates, baselines: [], epochs: 6, masks: 3 });
    try {
      const one = await runProteomicsCore(null, options(1), be, io, (t) => t);
      const two = await runProteomicsCore(null, options(2), be, io, (t) => t);
      const seed4 = { ...options(2), seed: 4 };
      const t = await trainPhase(be, one.data, seed4, progress, []);
      const second = await relevancePhase(t.model, be, one.data, seed4, one.data.test, progress);
      t.model.dispose();
      expect(two.records.map((r) => r.row)).toEqual(one.records.map((r) => r.row));
      two.records.forEach((r, i) => {
        const want = Float32Array.from(one.records[i]!.directed, (v, j) => (v + second[i]!.directed[j]!) / 2);
        expect(Buffer.from(r.directed.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      });
      expect(one.result.metrics['network.replicates.count']).toBe(1);
      expect(two.result.metrics['network.replicates.count']).toBe(2);
      expect(two.result.metrics['network.replicates.seeds']).toEqual([3, 4]);
      const rho = two.result.metrics['network.replicates.spearman_mean'] as number;
      expect(rho).toBeGreaterThan(-1);
      expect(rho).toBeLessThan(1); // two trainings do not give the same network
      // each replicate is scored by cohortScore: the cohort network of aggregateInstances, byte for byte
      // (two classes here, so the strongest class network), with and without --min-instance-correlation
      expect(one.data.classNames.length).toBeGreaterThanOrEqual(2);
      for (const minCorr of [null, 0.2]) {
        const score = cohortScorer(one.data, minCorr);
        score(two.records); // the scorer's partial correlations are computed on the first call and reused
        const alone = score(one.records), full = aggregateInstances(one.data, one.records, minCorr);
        expect(Buffer.from(alone.pairs.buffer).equals(Buffer.from(full.cohort.score.buffer)), `min correlation ${minCorr}`).toBe(true);
        expect(Buffer.from(alone.directed.buffer).equals(Buffer.from(full.directedScore.buffer)), `min correlation ${minCorr}, directed`).toBe(true);
      }
      one.model.dispose();
      two.model.dispose();
    } finally {
      be.destroy();
    }
  });
});
