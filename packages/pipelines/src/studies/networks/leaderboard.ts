/**
 * The benchmark's leaderboard: per data set and method the mean and spread of
 * each metric over seeds (or, for a published ranking, over bootstrap
 * resamples of the pairs), and per method the mean over data sets, ranked by
 * mean AUROC. The spread of a mean over data sets is the standard deviation,
 * over seeds, of the per-seed means (published rankings: the root mean square
 * of their bootstrap spreads divided by the square root of the number of sets).
 */
import { stats } from '@relevance/methods';
import { SCORE_METRICS, type ScoreMetric, type Scores } from './scores.js';

export interface ScoreRow extends Scores {
  set: string;
  method: string;
  /** 'ours' (the study's network), 'baseline' (computed in the same run) or 'published'. */
  kind: 'ours' | 'baseline' | 'published';
  /** The seed of the run; null for a published ranking. */
  seed: number | null;
  /** Seconds the method took (NaN when unknown). */
  seconds: number;
  /** Published rankings: bootstrap spread of each metric. */
  spread?: Scores;
}

export interface SetSummary {
  set: string;
  method: string;
  kind: ScoreRow['kind'];
  runs: number;
  mean: Scores;
  sd: Scores;
  seconds: number;
}

export interface LeaderRow {
  method: string;
  kind: ScoreRow['kind'];
  sets: number;
  mean: Scores;
  sd: Scores;
  seconds: number;
  rank: number;
  /**
   * The sets (of those ranked over) where this method's AUROC is more than BEHIND_MARGIN below the best
   * other method computed in the same runs (ours or a baseline; published rankings are not computed here):
   * issue 10's robustness goal, applied to every method alike.
   */
  behind: string[];
}

/** How far below the best other method of the run a set counts as lost (AUROC). */
export const BEHIND_MARGIN = 0.02;

const sdOf = (v: number[]): number => (v.length > 1 ? Math.sqrt(stats.variance(v)) : NaN);
const finite = (v: number[]): number[] => v.filter(Number.isFinite);

function byKey<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(r);
  }
  return m;
}

/** Mean and spread per (set, method). */
export function summariseSets(rows: readonly ScoreRow[]): SetSummary[] {
  const out: SetSummary[] = [];
  for (const group of byKey(rows, (r) => `${r.set}\u0000${r.method}`).values()) {
    const first = group[0]!;
    const mean = {} as Scores, sd = {} as Scores;
    for (const m of SCORE_METRICS) {
      const v = finite(group.map((r) => r[m]));
      mean[m] = v.length ? stats.mean(v) : NaN;
      sd[m] = first.spread ? first.spread[m] : sdOf(v);
    }
    const secs = finite(group.map((r) => r.seconds));
    out.push({ set: first.set, method: first.method, kind: first.kind, runs: group.length, mean, sd, seconds: secs.length ? stats.mean(secs) : NaN });
  }
  return out;
}

/**
 * Per method, the mean over the given sets (only methods present on every one
 * of them), ranked by mean AUROC (ties: mean AUPR).
 */
export function leaderboard(rows: readonly ScoreRow[], sets: readonly string[]): LeaderRow[] {
  const wanted = new Set(sets);
  const summaries = summariseSets(rows.filter((r) => wanted.has(r.set)));
  const out: LeaderRow[] = [];
  for (const [method, group] of byKey(summaries, (s) => s.method)) {
    if (group.length !== wanted.size) continue;
    const kind = group[0]!.kind;
    const mean = {} as Scores, sd = {} as Scores;
    const mine = rows.filter((r) => r.method === method && wanted.has(r.set));
    for (const m of SCORE_METRICS) {
      const v = group.map((s) => s.mean[m]);
      mean[m] = v.some((x) => Number.isNaN(x)) ? NaN : stats.mean(v);
      if (kind === 'published') {
        const sds = group.map((s) => s.sd[m]);
        sd[m] = Math.sqrt(stats.mean(sds.map((x) => x * x))) / Math.sqrt(group.length);
      } else {
        // the spread of the mean over sets across seeds
        const perSeed = [...byKey(mine, (r) => String(r.seed)).values()].filter((g) => g.length === wanted.size).map((g) => stats.mean(g.map((r) => r[m])));
        sd[m] = sdOf(finite(perSeed));
      }
    }
    const secs = finite(group.map((s) => s.seconds));
    out.push({ method, kind, sets: group.length, mean, sd, seconds: secs.length ? secs.reduce((a, b) => a + b, 0) : NaN, rank: 0, behind: setsBehind(summaries, method) });
  }
  out.sort((a, b) => b.mean.auroc - a.mean.auroc || b.mean.aupr - a.mean.aupr || (a.method < b.method ? -1 : 1));
  out.forEach((r, i) => (r.rank = i + 1));
  return out;
}

/** The sets where `method`'s mean AUROC is more than BEHIND_MARGIN below the best other computed method's (set order). */
function setsBehind(summaries: readonly SetSummary[], method: string): string[] {
  const out: string[] = [];
  for (const [set, group] of byKey(summaries, (s) => s.set)) {
    const mine = group.find((s) => s.method === method);
    const others = group.filter((s) => s.method !== method && s.kind !== 'published').map((s) => s.mean.auroc).filter(Number.isFinite);
    if (mine && others.length && mine.mean.auroc < Math.max(...others) - BEHIND_MARGIN) out.push(set);
  }
  return out;
}

/** Per set: our AUROC minus the best baseline computed in the same run (the issue's "never more than 0.02 below"). */
export function marginOverBaselines(summaries: readonly SetSummary[], ours: string): { set: string; ours: number; best: string; bestAuroc: number; margin: number }[] {
  const out = [];
  for (const [set, group] of byKey(summaries, (s) => s.set)) {
    const mine = group.find((s) => s.method === ours);
    const base = group.filter((s) => s.kind === 'baseline').sort((a, b) => b.mean.auroc - a.mean.auroc)[0];
    if (!mine || !base) continue;
    out.push({ set, ours: mine.mean.auroc, best: base.method, bestAuroc: base.mean.auroc, margin: mine.mean.auroc - base.mean.auroc });
  }
  return out;
}

/** `0.812 ± 0.010` (or `0.812` without a spread). */
export function formatScore(mean: number, sd: number, digits = 3): string {
  if (!Number.isFinite(mean)) return '–';
  return Number.isFinite(sd) ? `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}` : mean.toFixed(digits);
}

/** The column head of LeaderRow.behind. */
export const BEHIND_HEAD = `sets > ${BEHIND_MARGIN} AUROC below the best other`;

/** A leaderboard as a Markdown table. */
export function leaderboardMarkdown(rows: readonly LeaderRow[], metrics: readonly ScoreMetric[] = ['auroc', 'aupr', 'aupr_ratio', 'epr']): string {
  const head = `| rank | method | kind | ${metrics.map((m) => m.replace('_', ' ')).join(' | ')} | ${BEHIND_HEAD} |`;
  const rule = `|---|---|---|${metrics.map(() => '---').join('|')}|---|`;
  const body = rows.map((r) => `| ${r.rank} | ${r.kind === 'ours' ? `**${r.method}**` : r.method} | ${r.kind} | ${metrics.map((m) => formatScore(r.mean[m], r.sd[m])).join(' | ')} | ${r.behind.length} of ${r.sets} |`);
  return [head, rule, ...body].join('\n');
}

/** Per-set AUROC (mean ± sd) of every method: one row per set, one column per method. */
export function perSetMarkdown(summaries: readonly SetSummary[], methods: readonly string[], metric: ScoreMetric = 'auroc'): string {
  const sets = [...new Set(summaries.map((s) => s.set))];
  const head = `| data set | ${methods.join(' | ')} |`;
  const rule = `|---|${methods.map(() => '---').join('|')}|`;
  const body = sets.map((set) => {
    const cells = methods.map((m) => {
      const s = summaries.find((x) => x.set === set && x.method === m);
      return s ? formatScore(s.mean[metric], s.sd[metric]) : '–';
    });
    return `| ${set} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...body].join('\n');
}
