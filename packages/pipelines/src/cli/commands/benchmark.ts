/**
 * `relevance benchmark networks`: the proteomics study with its defaults and
 * every baseline, over data sets with a known network, once per seed, next to
 * the published rankings of other methods; prints and writes a leaderboard.
 */
import { readFile } from 'node:fs/promises';
import type { BackendName } from '@relevance/core-wasm';
import { OURS, runNetworkBenchmark, BUILTIN_SIMULATIONS } from '../../studies/networks/benchmark.js';
import { BEHIND_HEAD, formatScore, leaderboardMarkdown, perSetMarkdown, summariseSets, type LeaderRow } from '../../studies/networks/leaderboard.js';
import { PROTEOMICS_DEFAULTS } from '../../studies/proteomics/study.js';
import { defaultRunFolder } from '../../studies/study-io.js';
import { writeTextAtomic } from '../../io/atomic-write.js';
import type { Command } from '../command.js';
import { BACKEND_OPTION, FORCE_OPTION, runFolderOption, THREADS_OPTION } from '../common-options.js';
import { UsageError } from '../usage-error.js';

const SIMULATION_NAMES = BUILTIN_SIMULATIONS.map((s) => s.name);

function positiveIntegers(values: string[], option: string): number[] {
  return values.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32) throw new UsageError(`--${option}: '${v}' is not an integer in [0, 2^32); e.g. --${option} 1,2,3`);
    return n;
  });
}

function boardLines(title: string, rows: readonly LeaderRow[]): string[] {
  const width = Math.max(...rows.map((r) => r.method.length), 8);
  return [
    title,
    `  ${'rank'.padEnd(5)}${'method'.padEnd(width + 2)}${'AUROC'.padEnd(17)}${'AUPR'.padEnd(17)}${'AUPR ratio'.padEnd(17)}${'EPR'.padEnd(17)}${BEHIND_HEAD}`,
    ...rows.map((r) => `  ${String(r.rank).padEnd(5)}${r.method.padEnd(width + 2)}${formatScore(r.mean.auroc, r.sd.auroc).padEnd(17)}${formatScore(r.mean.aupr, r.sd.aupr).padEnd(17)}${formatScore(r.mean.aupr_ratio, r.sd.aupr_ratio).padEnd(17)}${formatScore(r.mean.epr, r.sd.epr).padEnd(17)}${r.behind.length} of ${r.sets}`),
  ];
}

export const benchmarkCommand: Command = {
  name: 'benchmark',
  summary: 'score the network study and the field\'s methods on data sets with known networks: a leaderboard',
  usage: 'benchmark networks [--sets <dir>[,<dir>...]] [--simulations all|none|<names>] [--seeds 1,2,3] [--out <dir>]',
  description:
    `Runs 'relevance study proteomics' with its defaults (overridable: --epochs, --masks, --hidden, --mask-groups, --replicates) on every data set, once per seed, and scores its cohort network (${OURS}) and every baseline it computes against the known network: AUROC, AUPR, AUPR ratio and early precision ratio (BEELINE's definitions), undirected and directed. ` +
    "A data-set folder holds cells.csv and truth.csv (BEELINE's layout) or Keyl et al.'s artificial_homogeneous.csv with artificial_ground_truth_pairs.csv; published rankings in its peers/ folder are scored too (marked * in the table). " +
    `Built-in simulations: ${SIMULATION_NAMES.join(', ')}. Writes scores.parquet, leaderboard.parquet, metrics.json, report.html and each study run under runs/.`,
  positionals: [{ name: 'benchmark', help: 'which benchmark: networks', required: true }],
  options: [
    { name: 'sets', type: 'list', placeholder: 'dir', help: "folders of data sets with a known network (BEELINE's or Keyl et al.'s layout, or folders of them)" },
    { name: 'simulations', type: 'list', default: ['all'], placeholder: 'all|none|names', help: `built-in simulated data sets: all, none, or names (${SIMULATION_NAMES.join(', ')})` },
    { name: 'seeds', type: 'list', default: ['1', '2', '3'], placeholder: '1,2,3', help: 'one study run per seed and data set: the spread of every figure is over these' },
    { name: 'epochs', type: 'integer', default: PROTEOMICS_DEFAULTS.epochs, help: "the study's most training epochs" },
    { name: 'masks', type: 'integer', default: PROTEOMICS_DEFAULTS.masks, help: "the study's masks per target" },
    { name: 'hidden', type: 'dims', default: [...PROTEOMICS_DEFAULTS.hidden], placeholder: PROTEOMICS_DEFAULTS.hidden.join(','), help: "the study's hidden layer sizes" },
    { name: 'mask-groups', type: 'integer', default: PROTEOMICS_DEFAULTS.maskGroups, placeholder: 'k', help: "the study's mask groups (every other protein visible with probability 1 - 1/k)" },
    { name: 'replicates', type: 'integer', default: PROTEOMICS_DEFAULTS.replicates, placeholder: 'k', help: "the study's masked predictors per run, relevance averaged (--replicates of the study)" },
    { name: 'bootstrap', type: 'integer', default: 200, help: 'bootstrap resamples of the pairs for the spread of published rankings' },
    { name: 'markdown', type: 'string', placeholder: 'file.md', help: 'also write the leaderboards and the per-set table as Markdown (docs/BENCHMARKS.md keeps them)' },
    BACKEND_OPTION,
    THREADS_OPTION,
    runFolderOption('benchmark-networks'),
    FORCE_OPTION,
  ],
  examples: [
    'relevance benchmark networks --simulations all --seeds 1,2,3',
    'relevance benchmark networks --sets ../shared/data/beeline,../shared/data/keyl2022_proteinnetworklrp --markdown docs/BENCHMARKS.md',
  ],
  async run(args, io) {
    const [name, extra] = args.positionals;
    if (name !== 'networks') throw new UsageError(`unknown benchmark '${name}'; benchmarks: networks`);
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'; 'relevance benchmark networks' takes options only`);
    const simArg = args.list('simulations');
    const simulations = simArg.includes('none') ? [] : simArg.includes('all') ? SIMULATION_NAMES : simArg;
    for (const s of simulations) if (!SIMULATION_NAMES.includes(s)) throw new UsageError(`--simulations: unknown simulation '${s}'; use all, none, or ${SIMULATION_NAMES.join(', ')}`);
    const sets = args.list('sets');
    if (sets.length === 0 && simulations.length === 0) throw new UsageError('nothing to benchmark: give --sets folders, or leave --simulations at all');
    const seeds = positiveIntegers(args.list('seeds'), 'seeds');
    if (seeds.length === 0 || new Set(seeds).size !== seeds.length) throw new UsageError('--seeds: give one or more different seeds, e.g. --seeds 1,2,3');
    for (const o of ['epochs', 'masks', 'bootstrap', 'replicates']) if (!(args.number(o) >= 1)) throw new UsageError(`--${o}: must be a positive integer, got ${args.number(o)}`);
    if (!(args.number('mask-groups') >= 2)) throw new UsageError(`--mask-groups: must be an integer of at least 2, got ${args.number('mask-groups')}`);
    const result = await runNetworkBenchmark({
      sets,
      simulations,
      seeds,
      study: { epochs: args.number('epochs'), masks: args.number('masks'), hidden: args.dims('hidden')!, maskGroups: args.number('mask-groups'), replicates: args.number('replicates') },
      backend: args.string('backend') as 'auto' | BackendName,
      threads: args.optionalNumber('threads'),
      bootstrap: args.number('bootstrap'),
      out: args.optionalString('out') ?? defaultRunFolder('benchmark-networks'),
      force: args.flag('force'),
    }, { progress: io.progress, log: (line) => io.stderr.write(`${line}\n`) });
    const lines = [...boardLines(`leaderboard over ${new Set(result.rows.map((r) => r.set)).size} data sets (mean ± sd over seeds ${seeds.join(', ')}):`, result.overall)];
    if (result.published.length) lines.push('', ...boardLines(`over the ${result.publishedSets.length} data sets with published rankings (published: ± bootstrap over pairs):`, result.published));
    const losses = result.margins.filter((m) => m.margin < -0.02);
    lines.push('', losses.length ? `${OURS} is more than 0.02 AUROC below the best baseline on: ${losses.map((m) => `${m.set} (${m.ours.toFixed(3)} vs ${m.best} ${m.bestAuroc.toFixed(3)})`).join(', ')}` : `${OURS} is within 0.02 AUROC of the best baseline, or above it, on every data set`);
    lines.push(`run folder: ${result.outDir}`, `report: ${result.outDir}/report.html`);
    io.stdout.write(`${lines.join('\n')}\n`);
    const md = args.optionalString('markdown');
    if (md) {
      const summaries = summariseSets(result.rows);
      const methods = [...new Set([...result.overall, ...result.published].map((r) => r.method))];
      await writeMarkdownSection(md, benchmarkMarkdown(result.overall, result.published, result.publishedSets.length, perSetMarkdown(summaries, methods), seeds));
    }
  },
};

const START = '<!-- leaderboard:start (relevance benchmark networks --markdown writes between these lines) -->';
const END = '<!-- leaderboard:end -->';

/** Replace the leaderboard section of an existing Markdown file (between START and END), or write a new file holding only it. */
export async function writeMarkdownSection(path: string, section: string): Promise<void> {
  let text: string | null = null;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    text = null;
  }
  const block = `${START}\n${section}${END}\n`;
  if (text !== null && text.includes(START) && text.includes(END)) {
    text = text.slice(0, text.indexOf(START)) + block + text.slice(text.indexOf(END) + END.length + 1);
  } else if (text !== null) {
    throw new UsageError(`--markdown ${path}: the file exists but has no leaderboard section; add the two lines\n${START}\n${END}\nwhere the tables go, or name a new file`);
  } else text = block;
  await writeTextAtomic(path, text);
}

export function benchmarkMarkdown(overall: LeaderRow[], published: LeaderRow[], publishedSets: number, perSet: string, seeds: number[]): string {
  return [
    `### Over every data set (mean ± sd over seeds ${seeds.join(', ')})`,
    '',
    leaderboardMarkdown(overall),
    '',
    ...(published.length ? [`### Over the ${publishedSets} data sets with published rankings (published: ± bootstrap sd over pairs)`, '', leaderboardMarkdown(published), ''] : []),
    '### AUROC per data set',
    '',
    perSet,
    '',
  ].join('\n');
}
