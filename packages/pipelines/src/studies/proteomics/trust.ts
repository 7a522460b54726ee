/**
 * The trust panel: this study's network against every baseline, for the
 * cohort, each class and each patient, on the truth and on the known edges,
 * with spreads, saying plainly where a baseline beats us.
 *
 * Spreads are bootstrap intervals (2.5th to 97.5th percentile over `draws`
 * resamples, seeded). Our cohort and class networks are re-aggregated from
 * resampled test patients; the cheap baselines (BOOTSTRAPPED_BASELINES) are
 * recomputed on resampled training patients; the others are one run, without
 * a spread. For patients, the spread is of the mean paired difference,
 * resampling patients. The comparison is of undirected pairs (AUROC).
 */
import { Generator } from '@relevance/core-wasm';
import { stats } from '@relevance/methods';
import { booleanColumn, makeTable, numberColumn, stringColumn, type Table } from '../../io/table.js';
import { computeBaselines } from './baselines.js';
import type { StudyData } from './data.js';
import { LionessPearson, targetNormalizedNetwork } from './networks.js';
import { cohortNetwork } from './aggregation.js';
import { rowsMatrix } from './baselines.js';
import type { Progress } from '../../progress/progress.js';

/** Resamples per spread. */
export const TRUST_DRAWS = 50;
/** Baselines cheap enough to recompute on every resample of the training patients. */
export const BOOTSTRAPPED_BASELINES: readonly string[] = ['pearson', 'spearman', 'partial_correlation'];

export type Verdict = 'baseline better' | 'baseline ahead, within the spread' | 'ours ahead, within the spread' | 'ours better';

export interface TrustRow {
  /** 'truth' or 'known' (the known edges). */
  target: string;
  /** 'cohort', a class name, or 'patients' (mean over patients, paired). */
  scope: string;
  method: string;
  auroc: number;
  lo: number;
  hi: number;
  ours: number;
  ours_lo: number;
  ours_hi: number;
  /** ours - baseline, with its interval. */
  difference: number;
  difference_lo: number;
  difference_hi: number;
  /** Patients scope: share of patients whose network beats the baseline; NaN elsewhere. */
  patients_better: number;
  spread: string;
  verdict: Verdict;
}

export interface TrustInputs {
  data: StudyData;
  /** Instance networks, row-major [instances, pairs]. */
  networks: Float32Array;
  pairs: number;
  /** Directed relevance of each instance (row = target, column = source), which the class and cohort networks aggregate. */
  directedOf: (instance: number) => ArrayLike<number>;
  /** Data row of each instance. */
  instanceRows: readonly number[];
  /** Instances aggregated into the class and cohort networks. */
  included: readonly number[];
  /** Partial-correlation weights of the cohort and of each class (as in the study's networks). */
  partial: { cohort: Float32Array | null; byClass: ReadonlyMap<string, Float32Array | null> };
  /** Baseline pair scores on the cohort's and each class's training rows. */
  baselines: ReadonlyMap<string, Float32Array>;
  classBaselines: ReadonlyMap<string, ReadonlyMap<string, Float32Array>>;
  /** Pair labels of the truth (the union, and a class's own when it has one) and of the known edges. */
  truth: { union: Uint8Array; byClass: (c: string) => Uint8Array } | null;
  known: Uint8Array | null;
  seed: number;
  draws?: number;
  /** Progress of the resampling (a phase of its own, with an estimate). */
  progress?: Progress;
}

export interface TrustPanel {
  rows: TrustRow[];
  metrics: Record<string, unknown>;
  table: Table;
}

const lo = (v: number[]): number => stats.quantile(v, 0.025);
const hi = (v: number[]): number => stats.quantile(v, 0.975);
const r4 = (x: number): number => (Number.isFinite(x) ? Number(x.toFixed(4)) : x);

/** A bootstrap sample (with replacement) of `rows`. */
function resample(rows: readonly number[], g: Generator): number[] {
  return Array.from({ length: rows.length }, () => rows[g.int(rows.length)]!);
}

/** Labels of a scope for one target: the class's truth, or the union / the known edges. */
function labelsOf(t: TrustInputs, target: string, scope: string): Uint8Array {
  if (target === 'known') return t.known!;
  return scope === 'cohort' || scope === 'patients' ? t.truth!.union : t.truth!.byClass(scope);
}

/** Our network's AUROC on `targets` for `draws` resamples of the instances in `rows`. */
function bootstrapOurs(t: TrustInputs, rows: readonly number[], network: (rows: readonly number[]) => Float32Array, targets: readonly Uint8Array[], g: Generator, draws: number): number[][] {
  const out = targets.map(() => [] as number[]);
  for (let d = 0; d < draws; d++) {
    const score = network(resample(rows, g));
    targets.forEach((y, k) => out[k]!.push(stats.auroc(score, y)));
  }
  return out;
}

/** A baseline's AUROC on `targets` for `draws` resamples of the training rows `rows`. */
function bootstrapBaseline(t: TrustInputs, method: string, rows: readonly number[], targets: readonly Uint8Array[], g: Generator, draws: number): number[][] {
  const out = targets.map(() => [] as number[]);
  for (let d = 0; d < draws; d++) {
    const run = computeBaselines(t.data, resample(rows, g), t.seed, { methods: [method] }).get(method)!;
    targets.forEach((y, k) => out[k]!.push(stats.auroc(run.pairs, y)));
  }
  return out;
}

function verdictOf(difference: number, dlo: number, dhi: number): Verdict {
  if (dhi < 0) return 'baseline better';
  if (dlo > 0) return 'ours better';
  return difference < 0 ? 'baseline ahead, within the spread' : 'ours ahead, within the spread';
}

/** One comparison row from point estimates and (possibly empty) resampled values. */
function row(target: string, scope: string, method: string, ours: { point: number; draws: number[] }, base: { point: number; draws: number[] }, spread: string): TrustRow {
  const diffs = ours.draws.map((v, i) => v - (base.draws.length ? base.draws[i]! : base.point));
  const difference = ours.point - base.point;
  const [dlo, dhi] = diffs.length ? [lo(diffs), hi(diffs)] : [NaN, NaN];
  return {
    target, scope, method,
    auroc: r4(base.point), lo: r4(base.draws.length ? lo(base.draws) : NaN), hi: r4(base.draws.length ? hi(base.draws) : NaN),
    ours: r4(ours.point), ours_lo: r4(ours.draws.length ? lo(ours.draws) : NaN), ours_hi: r4(ours.draws.length ? hi(ours.draws) : NaN),
    difference: r4(difference), difference_lo: r4(dlo), difference_hi: r4(dhi),
    patients_better: NaN, spread, verdict: verdictOf(difference, dlo, dhi),
  };
}

/** Cohort and class rows: our aggregated network against each baseline of the same scope. */
function scopeRows(t: TrustInputs, targets: readonly string[], g: Generator, draws: number): TrustRow[] {
  const out: TrustRow[] = [];
  const p = t.data.proteins.length;
  const labelOfInstance = (i: number): string | null => (t.data.labels ? t.data.labels[t.instanceRows[i]!]! : null);
  const scopes: Array<{ scope: string; instances: number[]; train: number[]; partial: Float32Array | null; baselines: ReadonlyMap<string, Float32Array>; own: boolean }> = [
    { scope: 'cohort', instances: [...t.included], train: t.data.train, partial: t.partial.cohort, baselines: t.baselines, own: true },
    // a class too small for its own baselines is compared with the cohort's
    ...t.data.classNames.map((c) => ({ scope: c, instances: t.included.filter((i) => labelOfInstance(i) === c), train: t.classBaselines.has(c) ? t.data.train.filter((r) => t.data.labels![r] === c) : t.data.train, partial: t.partial.byClass.get(c) ?? null, baselines: t.classBaselines.get(c) ?? t.baselines, own: t.classBaselines.has(c) })),
  ];
  for (const s of scopes) {
    if (s.instances.length < 2) continue;
    const ys = targets.map((target) => labelsOf(t, target, s.scope));
    // the cohort's network is the study's cohort score (the strongest class network where classes qualify)
    const network = (rows: readonly number[]): Float32Array =>
      s.scope === 'cohort' ? cohortNetwork(t.directedOf, rows, p, labelOfInstance, t.partial).pairs : targetNormalizedNetwork(t.directedOf, rows, p, s.partial).pairs;
    const point = network(s.instances);
    const oursDraws = bootstrapOurs(t, s.instances, network, ys, g, draws);
    t.progress?.tick(1, `${s.scope}: our network`);
    for (const [method, pairs] of s.baselines) {
      t.progress?.tick(1, `${s.scope}: ${method}`);
      const baseDraws = BOOTSTRAPPED_BASELINES.includes(method) ? bootstrapBaseline(t, method, s.train, ys, g, draws) : null;
      const spread = `ours: ${draws} resamples of ${s.instances.length} test patients; baseline${s.own ? '' : ' (the cohort\'s: the class has too few training patients for its own)'}: ${baseDraws ? `${draws} resamples of ${s.train.length} training patients` : 'one run'}`;
      targets.forEach((target, k) => out.push(row(target, s.scope, method, { point: stats.auroc(point, ys[k]!), draws: oursDraws[k]! }, { point: stats.auroc(pairs, ys[k]!), draws: baseDraws ? baseDraws[k]! : [] }, spread)));
    }
  }
  return out;
}

/** Per-patient rows: each patient's network against the baselines (their class's where computed) and LIONESS, paired, mean over patients. */
function patientRows(t: TrustInputs, targets: readonly string[], g: Generator, draws: number): TrustRow[] {
  const p = t.data.proteins.length;
  const lioness = new LionessPearson(rowsMatrix(t.data, t.data.train).values, t.data.train.length, p);
  const classOf = (i: number): string | null => (t.data.labels ? t.data.labels[t.instanceRows[i]!]! : null);
  const out: TrustRow[] = [];
  for (const target of targets) {
    const y = (i: number): Uint8Array => (target === 'known' ? t.known! : classOf(i) !== null ? t.truth!.byClass(classOf(i)!) : t.truth!.union);
    const ours = t.included.map((i) => stats.auroc(t.networks.subarray(i * t.pairs, (i + 1) * t.pairs), y(i)));
    const cache = new Map<string, number>();
    const baseFor = (method: string, i: number): number => {
      const c = classOf(i);
      const pairs = (c !== null ? t.classBaselines.get(c)?.get(method) : undefined) ?? t.baselines.get(method)!;
      const key = `${method}|${c !== null && t.classBaselines.get(c)?.has(method) ? c : ''}|${target === 'known' ? '' : c ?? ''}`;
      if (!cache.has(key)) cache.set(key, stats.auroc(pairs, y(i)));
      return cache.get(key)!;
    };
    const methods: Array<[string, (i: number) => number]> = [
      ...[...t.baselines.keys()].map((m) => [m, (i: number) => baseFor(m, i)] as [string, (i: number) => number]),
      ['lioness_pearson', (i) => stats.auroc(lioness.instance(t.data.values.subarray(t.instanceRows[i]! * p, (t.instanceRows[i]! + 1) * p)), y(i))],
    ];
    for (const [method, score] of methods) {
      const base = t.included.map(score);
      out.push(pairedRow(target, method, ours, base, g, draws));
    }
  }
  return out;
}

/** The patients row: mean AUROCs, the mean paired difference with a bootstrap interval over patients, and the share of patients where ours is higher. */
function pairedRow(target: string, method: string, ours: number[], base: number[], g: Generator, draws: number): TrustRow {
  const idx = ours.map((_, i) => i).filter((i) => Number.isFinite(ours[i]!) && Number.isFinite(base[i]!));
  const meanOf = (v: number[], rows: readonly number[]): number => rows.reduce((s, i) => s + v[i]!, 0) / rows.length;
  const oursDraws: number[] = [], baseDraws: number[] = [];
  for (let d = 0; d < draws && idx.length > 1; d++) {
    const sample = resample(idx, g);
    oursDraws.push(meanOf(ours, sample));
    baseDraws.push(meanOf(base, sample));
  }
  const r = row(target, 'patients', method, { point: meanOf(ours, idx), draws: oursDraws }, { point: meanOf(base, idx), draws: baseDraws }, `${draws} resamples of ${idx.length} test patients (paired)`);
  r.patients_better = r4(idx.filter((i) => ours[i]! > base[i]!).length / idx.length);
  return r;
}

/** The panel: every row, metrics.json entries (trust.*) and the `trust` table. Null without truth or known edges. */
export function trustPanel(t: TrustInputs): TrustPanel | null {
  const targets = [...(t.truth ? ['truth'] : []), ...(t.known ? ['known'] : [])];
  if (targets.length === 0 || t.included.length < 2) return null;
  const draws = t.draws ?? TRUST_DRAWS;
  const g = new Generator(t.seed + 7919);
  const scopes = 1 + t.data.classNames.length;
  t.progress?.start(`trust panel (${draws} resamples)`, scopes * (1 + t.baselines.size) + 1);
  const rows = scopeRows(t, targets, g, draws);
  rows.push(...patientRows(t, targets, g, draws));
  t.progress?.tick(1, 'patients');
  t.progress?.done(`${rows.length} comparisons, ${rows.filter((r) => r.verdict.startsWith('baseline')).length} where a baseline is ahead`);
  return { rows, metrics: { 'trust.draws': draws, 'trust.rows': rows, 'trust.baseline_wins': baselineWins(rows) }, table: trustTable(rows) };
}

/** Plain sentences, one per comparison a baseline wins on its point estimate, the clear wins first. */
export function baselineWins(rows: readonly TrustRow[]): string[] {
  const wins = rows.filter((r) => r.verdict.startsWith('baseline'));
  wins.sort((a, b) => Number(b.verdict === 'baseline better') - Number(a.verdict === 'baseline better') || a.difference - b.difference);
  const where = (r: TrustRow): string => (r.scope === 'cohort' ? 'the cohort' : r.scope === 'patients' ? 'patients (mean)' : `class ${r.scope}`);
  const target = (r: TrustRow): string => (r.target === 'known' ? 'the known edges' : 'the truth');
  return wins.map((r) => `${r.method} beats our network on ${where(r)} against ${target(r)}: AUROC ${r.auroc.toFixed(3)} vs ${r.ours.toFixed(3)}${r.verdict === 'baseline better' ? ' (beyond the spread)' : ' (within the spread)'}`);
}

export function trustTable(rows: readonly TrustRow[]): Table {
  const num = (k: keyof TrustRow) => numberColumn(k, rows.map((r) => r[k] as number));
  const str = (k: keyof TrustRow) => stringColumn(k, rows.map((r) => r[k] as string));
  return makeTable('trust', [
    str('target'), str('scope'), str('method'), num('auroc'), num('lo'), num('hi'), num('ours'), num('ours_lo'), num('ours_hi'),
    num('difference'), num('difference_lo'), num('difference_hi'), num('patients_better'), str('spread'), str('verdict'),
    booleanColumn('baseline_wins', rows.map((r) => r.verdict.startsWith('baseline'))),
  ]);
}
