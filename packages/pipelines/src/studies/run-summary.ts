/**
 * A run folder summarised for the terminal (`relevance summary <run>`, and the
 * end of `study proteomics` and `merge`): the headline figures with their
 * spreads, the strongest edges, the trust panel in words, warnings, and the
 * fingerprints (sha256) of the data and of the resolved options.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../io/atomic-write.js';
import { DataError } from '../io/data-error.js';
import { readTable } from '../io/read-table.js';
import { cellValue } from '../io/table.js';

type Json = Record<string, any>;

const f3 = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '–');

async function readJson(path: string): Promise<Json | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Json;
  } catch {
    return null;
  }
}

/** "0.792 [0.751, 0.830]" with the trust panel's interval of our network, when there is one. */
function spread(m: Json, target: string, point: unknown): string {
  const row = (m.trust?.rows as Json[] | undefined)?.find((r) => r.target === target && r.scope === 'cohort');
  return row && Number.isFinite(row.ours_lo) ? `${f3(point)} [${f3(row.ours_lo)}, ${f3(row.ours_hi)}]` : f3(point);
}

/** The headline figures of a proteomics run. */
export function proteomicsHeadline(m: Json): string[] {
  const out: string[] = [];
  const d = m.data ?? {};
  out.push(`data: ${d.rows} rows (${d.train} train, ${d.test} test), ${d.proteins} proteins, ${d.classes} classes, ${d.instances} instance networks`);
  if (m.network?.cohort) out.push(`cohort network vs truth: AUROC ${spread(m, 'truth', m.network.cohort.auroc)}, AUPR ${f3(m.network.cohort.aupr)}`);
  if (m.network?.per_class) for (const [c, v] of Object.entries<Json>(m.network.per_class)) out.push(`  class ${c}: AUROC ${f3(v.auroc)}, AUPR ${f3(v.aupr)}`);
  if (m.network?.per_instance) out.push(`patients: mean AUROC ${f3(m.network.per_instance.auroc_mean)} over ${m.network.per_instance.instances}`);
  const rep = m.network?.replicates;
  if (rep?.count > 1) {
    out.push(`replicates: ${rep.count} masked predictors (seeds ${rep.seeds.join(', ')}), relevance averaged; their networks agree with Spearman ${f3(rep.spearman_mean)} (lowest pair ${f3(rep.spearman_min)})`);
    const finite = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)) : []);
    const auroc = finite(rep.auroc), aupr = finite(rep.aupr);
    if (auroc.length) out.push(`  each predictor alone: cohort AUROC ${f3(Math.min(...auroc))} to ${f3(Math.max(...auroc))}, AUPR ${aupr.length ? `${f3(Math.min(...aupr))} to ${f3(Math.max(...aupr))}` : '–'}; edges_cohort's replicate_rank_min/max give each pair's rank range over them`);
    else out.push(`  edges_cohort's replicate_rank_min/max give each pair's rank range over the ${rep.count} predictors`);
  }
  else if (rep?.count === 1) out.push(`one masked predictor (seed ${rep.seeds[0]}): the spreads above are over patients, not training seeds; --replicates 3 measures how much the network depends on the seed`);
  const known = m.known_edges;
  if (known?.lrp) {
    const ks = Object.keys(known.lrp).filter((k) => k.startsWith('top_'));
    const hits = ks.map((k) => `top ${known.lrp[k].k}: ${known.lrp[k].hits} hits (${f3(known.lrp[k].expected)} expected, p ${Number(known.lrp[k].p_value).toPrecision(2)})`).join('; ');
    out.push(`known edges (${known.match?.pairs_in_data ?? known.pairs_in_data}${known.match ? ` of ${known.match.pairs_in_file}` : ''} pairs in the data): AUROC ${spread(m, 'known', known.lrp.auroc)}; ${hits}`);
  }
  if (m.prediction) out.push(`masked prediction: test MSE on hidden entries ${f3(m.prediction.test_mse_hidden)}, median instance correlation ${f3(m.prediction.median_instance_correlation)}`);
  return out;
}

/** The trust panel in a few lines: counts, then where baselines beat us. */
export function trustLines(m: Json, max = 6): string[] {
  const rows = m.trust?.rows as Json[] | undefined;
  if (!rows?.length) return [];
  const count = (v: string) => rows.filter((r) => r.verdict === v).length;
  const wins = (m.trust.baseline_wins as string[] | undefined) ?? [];
  const out = [`trust panel (${rows.length} comparisons with every baseline; ${m.trust.draws} bootstrap resamples): ours better ${count('ours better')}, ours ahead within the spread ${count('ours ahead, within the spread')}, baseline ahead within the spread ${count('baseline ahead, within the spread')}, baseline better ${count('baseline better')}`];
  if (wins.length === 0) out.push('  no baseline beats our network');
  for (const w of wins.slice(0, max)) out.push(`  ${w}`);
  if (wins.length > max) out.push(`  ... and ${wins.length - max} more (metrics.json trust.baseline_wins, trust.parquet)`);
  return out;
}

/** The k strongest cohort edges from edges_cohort.parquet. */
async function topEdges(dir: string, k: number): Promise<string[]> {
  const path = join(dir, 'edges_cohort.parquet');
  if (!existsSync(path)) return [];
  const t = await readTable(path);
  const col = (n: string) => t.columns.find((c) => c.name === n);
  const [src, tgt, rel, truth, known, lo, hi] = ['source', 'target', 'relevance', 'truth', 'known', 'replicate_rank_min', 'replicate_rank_max'].map(col);
  if (!src || !tgt || !rel) return [];
  // with --replicates, each edge's rank range over the predictors alone (one predictor: both are its rank)
  const replicated = lo && hi && Array.from({ length: t.rows }, (_, r) => r).some((r) => cellValue(lo, r) !== cellValue(hi, r));
  const range = (r: number) => (replicated ? `  ranks ${cellValue(lo!, r)}–${cellValue(hi!, r)} over the predictors alone` : '');
  const order = Array.from({ length: t.rows }, (_, r) => r).sort((a, b) => Number(cellValue(rel, b)) - Number(cellValue(rel, a)) || a - b).slice(0, k);
  const flag = (c: typeof truth, r: number, name: string) => (c && cellValue(c, r) === true ? ` ${name}` : '');
  const labels = order.map((r) => `${cellValue(src, r)} – ${cellValue(tgt, r)}`);
  const width = Math.max(...labels.map((l) => l.length));
  const flags = order.map((r) => `${flag(truth, r, 'truth')}${flag(known, r, 'known')}`);
  const flagWidth = Math.max(...flags.map((f) => f.length));
  return [`top ${order.length} edges of the cohort network (score${truth || known ? '; marked when in the truth or the known edges' : ''}):`, ...order.map((r, i) => `  ${String(i + 1).padStart(2)}. ${labels[i]!.padEnd(width)}  ${Number(cellValue(rel, r)).toPrecision(3)}${replicated ? flags[i]!.padEnd(flagWidth) : flags[i]}${range(r)}`)];
}

/** Data and options fingerprints: sha256 of each input (from the manifest) and of config.json. */
async function fingerprints(dir: string, manifest: Json | null): Promise<string[]> {
  const out: string[] = [];
  for (const input of (manifest?.inputs as Json[] | undefined) ?? []) {
    out.push(`data: ${input.path}${input.sha256 ? ` sha256 ${String(input.sha256).slice(0, 16)}` : ''}${input.rows !== undefined ? ` (${input.rows} rows x ${input.columns} columns)` : ''}${input.query ? ` query: ${input.query}` : ''}`);
  }
  if (existsSync(join(dir, 'config.json'))) out.push(`options: config.json sha256 ${(await sha256File(join(dir, 'config.json'))).slice(0, 16)}${manifest?.seed !== undefined ? `, seed ${manifest.seed}` : ''}${manifest?.backend ? `, backend ${manifest.backend}` : ''}`);
  return out;
}

/** Every line of the summary of a run folder. */
export async function runSummaryLines(dir: string, options: { topK?: number } = {}): Promise<string[]> {
  const config = await readJson(join(dir, 'config.json'));
  const metrics = await readJson(join(dir, 'metrics.json'));
  if (!config || !metrics) throw new DataError(`${dir}: not a run folder (config.json and metrics.json are needed; write one with relevance study ...)`);
  const manifest = await readJson(join(dir, 'manifest.json'));
  const lines = [`run: ${dir} (study ${config.study ?? 'unknown'})`];
  if (config.study === 'proteomics') {
    lines.push(...proteomicsHeadline(metrics));
    if (metrics.known_edges?.match?.warning) lines.push(`warning: ${metrics.known_edges.match.warning}`);
    lines.push(...trustLines(metrics), ...(await topEdges(dir, options.topK ?? 10)));
  } else {
    lines.push(...flatNumbers(metrics).slice(0, 20));
  }
  lines.push(...(await fingerprints(dir, manifest)));
  if (existsSync(join(dir, 'report.html'))) lines.push(`report: ${join(dir, 'report.html')}`);
  return lines;
}

/** "classifier.test_accuracy 0.93" for the numeric leaves of metrics.json, timings left out. */
function flatNumbers(m: Json, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(m)) {
    if (k === 'timing_s') continue;
    if (typeof v === 'number') out.push(`${prefix}${k} ${Number.isInteger(v) ? v : v.toPrecision(4)}`);
    else if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...flatNumbers(v as Json, `${prefix}${k}.`));
  }
  return out;
}
