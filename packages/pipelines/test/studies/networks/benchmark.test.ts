/**
 * `relevance benchmark networks`: data-set discovery, BEELINE's scores on
 * hand-computed cases, the leaderboard's means and spreads, and one small run
 * through the CLI (a planted linear network, a published ranking beside it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { discoverDataSets } from '../../../src/studies/networks/datasets.js';
import { leaderboard, marginOverBaselines, summariseSets, type ScoreRow } from '../../../src/studies/networks/leaderboard.js';
import { bootstrapSpread, peerMatrix, scoreMatrix, truthMatrix } from '../../../src/studies/networks/scores.js';
import { rowsFromMetrics } from '../../../src/studies/networks/benchmark.js';
import { readTable } from '../../../src/io/read-table.js';
import { runCaptured } from '../../cli/helpers/run-cli.js';
import { useTempDir } from '../../io/helpers/temp-dir.js';

const tmp = useTempDir('relevance-bench-');

/** A chain g0 -> g1 -> ... -> g{p-1} with linear effects and noise, as cells.csv and truth.csv. */
function chainSet(dir: string, p: number, n: number, seed: number): void {
  mkdirSync(dir, { recursive: true });
  const g = new Generator(seed);
  const lines = [`cell,${Array.from({ length: p }, (_, j) => `g${j}`).join(',')}`];
  for (let i = 0; i < n; i++) {
    const x: number[] = [];
    for (let j = 0; j < p; j++) x.push((j ? 0.9 * x[j - 1]! : 0) + g.normal());
    lines.push(`c${i},${x.map((v) => v.toFixed(5)).join(',')}`);
  }
  writeFileSync(join(dir, 'cells.csv'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'truth.csv'), `source,target,sign\n${Array.from({ length: p - 1 }, (_, j) => `g${j},g${j + 1},+`).join('\n')}\ng0,g0,+\n`);
}

describe('data sets', () => {
  it('finds BEELINE folders (with peers), Keyl folders and folders of them; rejects a folder without any', () => {
    const root = tmp.path('sets');
    chainSet(join(root, 'b'), 4, 10, 1);
    chainSet(join(root, 'a'), 4, 10, 2);
    mkdirSync(join(root, 'a', 'peers'));
    writeFileSync(join(root, 'a', 'peers', 'GENIE3.csv'), 'source,target,score\ng0,g1,1\n');
    const keyl = tmp.path('keyl');
    mkdirSync(keyl);
    writeFileSync(join(keyl, 'artificial_homogeneous.csv'), ',0,1\n0,1,2\n');
    writeFileSync(join(keyl, 'artificial_ground_truth_pairs.csv'), 'block,source,target\n0,0,1\n');
    const sets = discoverDataSets([root, keyl]);
    expect(sets.map((s) => s.name)).toEqual(['a', 'b', 'keyl-homogeneous']);
    expect(sets[0]!.peers).toEqual([{ name: 'GENIE3', path: join(root, 'a', 'peers', 'GENIE3.csv') }]);
    expect(sets[0]!.idColumn).toBe('cell');
    const empty = tmp.path('empty');
    mkdirSync(empty);
    expect(() => discoverDataSets([empty])).toThrow(/holds no data set with a known network.*cells\.csv and truth\.csv/);
    expect(() => discoverDataSets([join(root, 'a'), join(root, 'a')])).toThrow(/two data sets are named 'a'/);
  });
});

describe('scores', () => {
  it('match hand-computed AUROC, AUPR, ratios and directed figures', async () => {
    const dir = tmp.path('tiny');
    mkdirSync(dir);
    // 3 genes, truth a -> b only; undirected pairs: ab (true), ac, bc
    writeFileSync(join(dir, 'truth.csv'), 'source,target\na,b\na,a\n');
    const genes = ['a', 'b', 'c'];
    const truth = await truthMatrix(join(dir, 'truth.csv'), genes);
    expect(Array.from(truth)).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0]); // [target * p + source]: b <- a; the self-loop dropped
    // scores [target * p + source]: a->b 0.9, b->a 0.1, a->c 0.5, c->b 0.95
    const s = new Float64Array(9);
    s[1 * 3 + 0] = 0.9; s[0 * 3 + 1] = 0.1; s[2 * 3 + 0] = 0.5; s[1 * 3 + 2] = 0.95;
    const m = scoreMatrix(s, truth, 3, true);
    // undirected: ab = 0.9, ac = 0.5, bc = 0.95 -> the true pair is second of three: AUROC 1/2, AP = 1/2
    expect(m.auroc).toBeCloseTo(0.5, 12);
    expect(m.aupr).toBeCloseTo(0.5, 12);
    expect(m.aupr_ratio).toBeCloseTo(0.5 / (1 / 3), 12);
    expect(m.epr).toBeCloseTo(0, 12); // top-1 is bc
    // directed: 6 ordered pairs, a->b (0.9) below c->b (0.95) only: AUROC 4/5
    expect(m.auroc_directed).toBeCloseTo(4 / 5, 12);
  });

  it('scores a published ranking with unlisted pairs below every listed one, and rejects unknown genes', async () => {
    const path = tmp.write('peer.csv', 'source,target,score\na,b,0.2\nb,c,0.1\n');
    const { scores, listed } = await peerMatrix(path, ['a', 'b', 'c']);
    expect(listed).toBe(2);
    expect(scores[1 * 3 + 0]).toBe(0.2);
    expect(scores[2 * 3 + 1]).toBe(0.1);
    expect(scores[0 * 3 + 2]).toBeLessThan(0.1);
    const bad = tmp.write('peer-bad.csv', 'source,target,score\na,z,0.2\n');
    await expect(peerMatrix(bad, ['a', 'b', 'c'])).rejects.toThrow(/row 1 names a gene that is not in the data/);
  });

  it('bootstrap spreads are seeded and positive', () => {
    const p = 6;
    const g = new Generator(3);
    const truth = new Uint8Array(p * p);
    for (let j = 1; j < p; j++) truth[j * p + j - 1] = 1;
    const scores = Float64Array.from({ length: p * p }, (_, k) => 0.3 * truth[k]! + g.uniform());
    const a = bootstrapSpread(scores, truth, p, true, 50, 7);
    expect(a).toEqual(bootstrapSpread(scores, truth, p, true, 50, 7));
    expect(a.auroc).toBeGreaterThan(0);
    expect(a.auroc).toBeLessThan(0.3);
  });
});

describe('leaderboard', () => {
  const row = (set: string, method: string, kind: ScoreRow['kind'], seed: number | null, auroc: number): ScoreRow => ({ set, method, kind, seed, seconds: 1, auroc, aupr: auroc / 2, aupr_ratio: 1, epr: 1, auroc_directed: NaN, aupr_directed: NaN });
  const rows = [
    row('x', 'ours', 'ours', 1, 0.95), row('x', 'ours', 'ours', 2, 0.85), row('y', 'ours', 'ours', 1, 0.7), row('y', 'ours', 'ours', 2, 0.6),
    row('x', 'base', 'baseline', 1, 0.85), row('x', 'base', 'baseline', 2, 0.85), row('y', 'base', 'baseline', 1, 0.75), row('y', 'base', 'baseline', 2, 0.75),
    { ...row('x', 'peer', 'published', null, 0.5), spread: { auroc: 0.03, aupr: 0.01, aupr_ratio: 0, epr: 0, auroc_directed: NaN, aupr_directed: NaN } },
  ];

  it('summarises each set over seeds and ranks methods by mean AUROC over the sets', () => {
    const s = summariseSets(rows).find((r) => r.set === 'x' && r.method === 'ours')!;
    expect(s.mean.auroc).toBeCloseTo(0.9, 12);
    expect(s.sd.auroc).toBeCloseTo(Math.sqrt(0.005), 12); // sample sd of 0.95, 0.85
    const board = leaderboard(rows, ['x', 'y']);
    expect(board.map((r) => r.method)).toEqual(['base', 'ours']); // 0.8 vs 0.775; the peer is not on every set
    // spread of the mean over sets across seeds: seed 1 mean 0.825, seed 2 mean 0.725
    expect(board[1]!.sd.auroc).toBeCloseTo(Math.sqrt(0.005), 12);
    expect(board[0]!.sd.auroc).toBeCloseTo(0, 12);
    const onX = leaderboard(rows, ['x']);
    expect(onX.map((r) => r.method)).toEqual(['ours', 'base', 'peer']);
    expect(onX[2]!.sd.auroc).toBeCloseTo(0.03, 12);
  });

  it('counts, for every method, the sets where it is more than 0.02 AUROC below the best other computed method', () => {
    const three = [...rows, row('x', 'third', 'baseline', 1, 0.87), row('x', 'third', 'baseline', 2, 0.87), row('y', 'third', 'baseline', 1, 0.74), row('y', 'third', 'baseline', 2, 0.74)];
    const behind = Object.fromEntries(leaderboard(three, ['x', 'y']).map((r) => [r.method, r.behind]));
    // x: ours 0.90, base 0.85, third 0.87; y: ours 0.65, base 0.75, third 0.74
    expect(behind).toEqual({ ours: ['y'], base: ['x'], third: ['x'] });
    // a published ranking is judged against the computed methods, and is not one of them
    const onX = leaderboard([...three, row('x', 'peer2', 'published', null, 0.99)], ['x']);
    expect(onX.find((r) => r.method === 'peer')!.behind).toEqual(['x']);
    expect(onX.find((r) => r.method === 'ours')!.behind).toEqual([]);
  });

  it('reports the margin of our network over the best baseline of each set', () => {
    const m = marginOverBaselines(summariseSets(rows), 'ours');
    expect(m.map((r) => [r.set, r.best, Number(r.margin.toFixed(6))])).toEqual([['x', 'base', 0.05], ['y', 'base', -0.1]]);
  });

  it('reads a study run back from its metrics.json', () => {
    const r = rowsFromMetrics('s', 4, { network: { cohort: { auroc: 0.9, aupr: 0.5, epr: 2 } }, baselines: { pearson: { auroc: 0.7, aupr: 0.4 }, lioness_pearson: { per_instance: {} } }, timing_s: { train: 1, relevance: 2, methods: { pearson: 0.5 } } });
    expect(r.map((x) => [x.method, x.kind, x.auroc, x.seconds])).toEqual([['relevance', 'ours', 0.9, 3], ['pearson', 'baseline', 0.7, 0.5]]);
    expect(r[0]!.epr).toBe(2);
    expect(Number.isNaN(r[0]!.aupr_ratio)).toBe(true);
    // with replicates, their phase (the other predictors' training and relevance) counts as ours too
    const k = rowsFromMetrics('s', 4, { network: { cohort: { auroc: 0.9 } }, timing_s: { train: 1, relevance: 2, replicates: 4.5 } });
    expect(k[0]!.seconds).toBe(7.5);
  });
});

describe('relevance benchmark networks', () => {
  it('runs the study and its baselines per set and seed, scores published rankings, and writes the leaderboard', async () => {
    const sets = tmp.path('cli-sets');
    chainSet(join(sets, 'chain'), 6, 240, 11);
    mkdirSync(join(sets, 'chain', 'peers'));
    writeFileSync(join(sets, 'chain', 'peers', 'GENIE3.csv'), `source,target,score\n${Array.from({ length: 5 }, (_, j) => `g${j},g${j + 1},1`).join('\n')}\n`);
    const out = tmp.path('bench-out');
    const r = await runCaptured(['benchmark', 'networks', '--sets', sets, '--simulations', 'none', '--seeds', '1,2', '--epochs', '3', '--masks', '2', '--hidden', '8', '--replicates', '2', '--backend', 'wasm', '--threads', '1', '--out', out, '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/leaderboard over 1 data sets/);
    expect(r.stdout).toMatch(/genie3 \(published\)/); // a published ranking never merges with the method of the same name computed in the run
    const board = await readTable(join(out, 'leaderboard.parquet'));
    const methods = board.columns.find((c) => c.name === 'method')!;
    expect(board.rows).toBeGreaterThan(4);
    expect(Array.from({ length: board.rows }, (_, i) => (methods as { values: string[] }).values[i])).toEqual(expect.arrayContaining(['relevance', 'partial_correlation', 'genie3', 'genie3 (published)']));
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.leaderboard.published_sets['genie3 (published)'].auroc).toBe(1);
    expect(metrics.leaderboard.published_sets.genie3.kind).toBe('baseline');
    expect(metrics.leaderboard.all_sets.partial_correlation.auroc).toBeGreaterThan(0.95);
    expect(existsSync(join(out, 'runs', 'chain', 'seed-2', 'metrics.json'))).toBe(true);
    // the study options reach each run: two replicate predictors per study run
    const run = JSON.parse(readFileSync(join(out, 'runs', 'chain', 'seed-2', 'metrics.json'), 'utf8'));
    expect(run.network.replicates.seeds).toEqual([2, 3]);
    // train_all: both predictors' training, the first's lap and the second's inside the replicates phase
    expect(run.timing_s.train_all).toBeGreaterThan(run.timing_s.train);
    expect(run.timing_s.train_all).toBeLessThan(run.timing_s.train + run.timing_s.replicates);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/data-metric="leaderboard\.relevance\.auroc"/);
  }, 240_000);

  it('rejects bad options with exit 2 and a message naming the option', async () => {
    for (const [argv, message] of [
      [['benchmark', 'graphs'], /unknown benchmark 'graphs'/],
      [['benchmark', 'networks', '--simulations', 'nope'], /--simulations: unknown simulation 'nope'/],
      [['benchmark', 'networks', '--simulations', 'none'], /nothing to benchmark/],
      [['benchmark', 'networks', '--seeds', '1,1'], /--seeds: give one or more different seeds/],
      [['benchmark', 'networks', '--seeds', 'x'], /--seeds: 'x' is not an integer/],
      [['benchmark', 'networks', '--replicates', '0'], /--replicates: must be a positive integer, got 0/],
      [['benchmark', 'networks', '--mask-groups', '1'], /--mask-groups: must be an integer of at least 2, got 1/],
    ] as const) {
      const r = await runCaptured([...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('the study prints its own leaderboard', () => {
  it('ranks this run\'s network among the baselines by AUROC', async () => {
    const { runLeaderboard } = await import('../../../src/cli/commands/study-proteomics.js');
    const lines = runLeaderboard({ network: { cohort: { auroc: 0.8, aupr: 0.5, epr: 2 } }, baselines: { genie3: { auroc: 0.85, aupr: 0.6 }, pearson: { auroc: 0.7, aupr: 0.4 }, lioness_pearson: { per_instance: {} } } });
    expect(lines[0]).toBe('this run against the truth (rank 2 of 3 by AUROC):');
    expect(lines.slice(2).map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(['genie3', 'relevance (this study)', 'pearson']);
    expect(lines[3]).toMatch(/0\.800 {2}0\.500 {2}2\.000/);
  });
});
