/**
 * `relevance benchmark networks`: the proteomics study, with its defaults, and
 * every baseline it computes, over data sets with a known network (folders in
 * BEELINE's or Keyl et al.'s layout, and the built-in simulators), once per
 * seed; published rankings in a set's `peers/` folder are scored too. Writes a
 * run folder (the study runs under runs/, the scores and the leaderboard as
 * Parquet, a report page) and returns the leaderboard.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic, writeTextAtomic } from '../../io/atomic-write.js';
import { writeTable } from '../../io/write-table.js';
import { makeTable, numberColumn, stringColumn } from '../../io/table.js';
import { SilentProgress } from '../../progress/silent-progress.js';
import { runManifest } from '../manifest.js';
import { PROTEOMICS_DEFAULTS, runProteomicsStudy, type ProteomicsOptions } from '../proteomics/study.js';
import { inRunFolder, stopwatch, type StudyIO } from '../study-io.js';
import { discoverDataSets, type NetworkDataSet } from './datasets.js';
import { leaderboard, marginOverBaselines, summariseSets, type LeaderRow, type ScoreRow } from './leaderboard.js';
import { benchmarkReportHtml } from './report-page.js';
import { bootstrapSpread, peerMatrix, SCORE_METRICS, scoreMatrix, truthMatrix, type Scores } from './scores.js';
import { BUILTIN_SIMULATIONS, simulateBuiltin } from './simulators.js';
import { writeNetworkDataset } from './write-dataset.js';

/** The name our network goes by in the leaderboard. */
export const OURS = 'relevance';

export interface NetworkBenchmarkOptions {
  /** Folders of data sets (BEELINE or Keyl layout, or folders of them). */
  sets: string[];
  /** Names of built-in simulations to run (see BUILTIN_SIMULATIONS). */
  simulations: string[];
  seeds: number[];
  /** Study options that differ from the study's defaults (a quick run: fewer epochs or masks). */
  study: Partial<Pick<ProteomicsOptions, 'epochs' | 'masks' | 'hidden' | 'rule' | 'testFraction' | 'maskGroups' | 'replicates'>>;
  backend: ProteomicsOptions['backend'];
  threads?: number;
  /** Bootstrap resamples for the spread of published rankings. */
  bootstrap: number;
  out: string;
  /** Replace a finished run at `out`. */
  force?: boolean;
}

export interface NetworkBenchmarkResult {
  outDir: string;
  rows: ScoreRow[];
  /** Over every data set (methods computed in the run). */
  overall: LeaderRow[];
  /** Over the data sets with published rankings, those included. */
  published: LeaderRow[];
  publishedSets: string[];
  margins: ReturnType<typeof marginOverBaselines>;
}

function scoresFrom(block: Record<string, unknown> | undefined): Scores | null {
  if (!block || typeof block.auroc !== 'number') return null;
  return Object.fromEntries(SCORE_METRICS.map((m) => [m, typeof block[m] === 'number' ? (block[m] as number) : NaN])) as Scores;
}

/** The scores of one study run: our cohort network and every baseline, read back from its metrics.json. */
export function rowsFromMetrics(set: string, seed: number, metrics: Record<string, any>): ScoreRow[] {
  const rows: ScoreRow[] = [];
  const ours = scoresFrom(metrics.network?.cohort);
  const timing = metrics.timing_s ?? {};
  // ours: every predictor's training and relevance (the replicates after the first are their own phase)
  if (ours) rows.push({ set, method: OURS, kind: 'ours', seed, seconds: (timing.train ?? NaN) + (timing.relevance ?? NaN) + (timing.replicates ?? 0), ...ours });
  for (const [name, block] of Object.entries<Record<string, unknown>>(metrics.baselines ?? {})) {
    const s = scoresFrom(block);
    if (s) rows.push({ set, method: name, kind: 'baseline', seed, seconds: timing.methods?.[name] ?? NaN, ...s });
  }
  return rows;
}

/** A published ranking's name in the leaderboard: never the same as a method computed in the run (GENIE3 is both). */
export function publishedName(peer: string): string {
  return `${peer.toLowerCase()} (published)`;
}

async function scorePeers(ds: NetworkDataSet, genes: string[], options: NetworkBenchmarkOptions): Promise<ScoreRow[]> {
  if (ds.peers.length === 0) return [];
  const truth = await truthMatrix(ds.truth, genes);
  const rows: ScoreRow[] = [];
  for (const peer of ds.peers) {
    const { scores } = await peerMatrix(peer.path, genes);
    const s = scoreMatrix(scores, truth, genes.length, true);
    rows.push({ set: ds.name, method: publishedName(peer.name), kind: 'published', seed: null, seconds: NaN, ...s, spread: bootstrapSpread(scores, truth, genes.length, true, options.bootstrap, 1) });
  }
  return rows;
}

async function simulatedSets(names: readonly string[], dir: string): Promise<NetworkDataSet[]> {
  const out: NetworkDataSet[] = [];
  for (const name of names) {
    const folder = join(dir, name);
    await writeNetworkDataset(simulateBuiltin(name), folder, { force: true });
    out.push({ name, data: join(folder, 'cells.csv'), truth: join(folder, 'truth.csv'), idColumn: 'cell', peers: [] });
  }
  return out;
}

export async function runNetworkBenchmark(options: NetworkBenchmarkOptions, io: StudyIO): Promise<NetworkBenchmarkResult> {
  return inRunFolder(options.out, options.force, (dir) => benchmarkInto(options, io, dir));
}

async function benchmarkInto(options: NetworkBenchmarkOptions, io: StudyIO, outDir: string): Promise<NetworkBenchmarkResult> {
  const clock = stopwatch();
  const sets = [...discoverDataSets(options.sets), ...(await simulatedSets(options.simulations, join(outDir, 'simulated')))];
  const rows: ScoreRow[] = [];
  const total = sets.length * options.seeds.length;
  io.progress.start('benchmark runs', total);
  for (const ds of sets) {
    let genes: string[] | null = null;
    for (const seed of options.seeds) {
      const runDir = join(outDir, 'runs', ds.name, `seed-${seed}`);
      const study: ProteomicsOptions = { ...PROTEOMICS_DEFAULTS, ...options.study, data: ds.data, idColumn: ds.idColumn, truth: ds.truth, seed, out: runDir, tsne: false, backend: options.backend, threads: options.threads };
      const result = await runProteomicsStudy(study, { progress: new SilentProgress(), log: (line) => {
        if (line.startsWith('warning')) io.log(`${ds.name} seed ${seed}: ${line}`);
      } });
      rows.push(...rowsFromMetrics(ds.name, seed, result.metrics));
      genes ??= JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')).used.proteins as string[];
      const mine = rows.filter((r) => r.set === ds.name && r.seed === seed);
      const ours = mine.find((r) => r.kind === 'ours');
      const best = mine.filter((r) => r.kind === 'baseline').sort((a, b) => b.auroc - a.auroc)[0];
      io.progress.tick(1, `${ds.name} seed ${seed}: ours ${ours?.auroc.toFixed(3)}, best baseline ${best?.method} ${best?.auroc.toFixed(3)}`);
    }
    rows.push(...(await scorePeers(ds, genes!, options)));
  }
  io.progress.done(`${total} study runs over ${sets.length} data sets`);
  const names = sets.map((s) => s.name);
  const publishedSets = sets.filter((s) => s.peers.length > 0).map((s) => s.name);
  const overall = leaderboard(rows.filter((r) => r.kind !== 'published'), names);
  const published = publishedSets.length ? leaderboard(rows, publishedSets) : [];
  const margins = marginOverBaselines(summariseSets(rows), OURS);
  await writeOutputs(outDir, options, sets, rows, overall, published, publishedSets, margins);
  const timings = { total: clock.total() };
  await writeJsonAtomic(join(outDir, 'manifest.json'), await runManifest({
    study: 'benchmark-networks', outDir, inputs: sets.map((s) => ({ path: s.data })), seed: options.seeds[0]!, backend: options.backend, threads: options.threads ?? 0, timings, used: { sets: names, seeds: options.seeds },
    files: ['scores.parquet', 'leaderboard.parquet', 'metrics.json', 'config.json', 'report.html'],
  }));
  return { outDir, rows, overall, published, publishedSets, margins };
}

async function writeOutputs(
  outDir: string, options: NetworkBenchmarkOptions, sets: NetworkDataSet[], rows: ScoreRow[], overall: LeaderRow[], published: LeaderRow[], publishedSets: string[], margins: NetworkBenchmarkResult['margins'],
): Promise<void> {
  const col = (m: keyof Scores) => numberColumn(m, rows.map((r) => r[m]));
  await writeTable(join(outDir, 'scores.parquet'), makeTable('scores', [
    stringColumn('set', rows.map((r) => r.set)), stringColumn('method', rows.map((r) => r.method)), stringColumn('kind', rows.map((r) => r.kind)),
    numberColumn('seed', rows.map((r) => r.seed ?? NaN)), ...SCORE_METRICS.map(col), numberColumn('seconds', rows.map((r) => r.seconds)),
  ]));
  const boards: Array<[string, LeaderRow[]]> = [['all_sets', overall], ['published_sets', published]];
  const flat = boards.flatMap(([scope, b]) => b.map((r) => ({ scope, r })));
  await writeTable(join(outDir, 'leaderboard.parquet'), makeTable('leaderboard', [
    stringColumn('scope', flat.map((x) => x.scope)), numberColumn('rank', flat.map((x) => x.r.rank)), stringColumn('method', flat.map((x) => x.r.method)), stringColumn('kind', flat.map((x) => x.r.kind)),
    numberColumn('sets', flat.map((x) => x.r.sets)),
    ...SCORE_METRICS.flatMap((m) => [numberColumn(m, flat.map((x) => x.r.mean[m])), numberColumn(`${m}_sd`, flat.map((x) => x.r.sd[m]))]),
    numberColumn('sets_behind', flat.map((x) => x.r.behind.length)), stringColumn('behind', flat.map((x) => x.r.behind.join(','))),
  ]));
  const metrics = {
    leaderboard: Object.fromEntries(boards.map(([scope, b]) => [scope, Object.fromEntries(b.map((r) => [r.method, { rank: r.rank, kind: r.kind, ...r.mean, sd: r.sd, behind: r.behind }]))])),
    margin_over_best_baseline: Object.fromEntries(margins.map((m) => [m.set, { ours: m.ours, best: m.best, best_auroc: m.bestAuroc, margin: m.margin }])),
  };
  await writeJsonAtomic(join(outDir, 'metrics.json'), metrics);
  await writeJsonAtomic(join(outDir, 'config.json'), { study: 'benchmark-networks', sets: sets.map((s) => ({ name: s.name, data: s.data, truth: s.truth, peers: s.peers.map((p) => p.name) })), simulations: options.simulations, seeds: options.seeds, study_options: options.study, bootstrap: options.bootstrap, backend: options.backend });
  await writeTextAtomic(join(outDir, 'report.html'), benchmarkReportHtml({ overall, published, publishedSets, summaries: summariseSets(rows), margins, sets: sets.map((s) => s.name), seeds: options.seeds }));
}

export { BUILTIN_SIMULATIONS };
