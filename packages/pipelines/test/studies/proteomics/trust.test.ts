/** The trust panel: every scope and baseline, spreads that contain the point estimates, and plain statements where a baseline wins. */
import { describe, expect, it } from 'vitest';
import { loadStudyData } from '../../../src/studies/proteomics/data.js';
import { PROTEOMICS_DEFAULTS } from '../../../src/studies/proteomics/study.js';
import { pairCount } from '../../../src/studies/proteomics/networks.js';
import { trustPanel, type TrustInputs } from '../../../src/studies/proteomics/trust.js';
import { Generator } from '@relevance/core-wasm';
import { runQuiet, smallOptions, tempDir } from './helpers.js';
import { runSummaryLines } from '../../../src/studies/run-summary.js';

async function inputs(): Promise<TrustInputs> {
  const data = await loadStudyData({ source: null, maxMissing: 0.5, transform: 'none', testFraction: 0.3, standardize: 'global', seed: 3, synthetic: { ...PROTEOMICS_DEFAULTS.synthetic, proteins: 10, classes: 2, instancesPerClass: 40 } });
  const P = pairCount(data.proteins.length);
  const truth = new Uint8Array(P);
  for (let k = 0; k < P; k += 4) truth[k] = 1;
  const g = new Generator(5);
  const networks = Float32Array.from({ length: data.test.length * P }, (_, k) => g.uniform() + 0.05 * truth[k % P]!); // weakly informative
  const p = data.proteins.length;
  const pairIndex = (a: number, b: number): number => a * p - (a * (a + 1)) / 2 + (b - a - 1);
  const directedOf = (i: number): Float32Array => Float32Array.from({ length: p * p }, (_, k) => {
    const t = Math.floor(k / p), s = k % p;
    return t === s ? 0 : networks[i * P + pairIndex(Math.min(t, s), Math.max(t, s))]!;
  });
  return {
    data, networks, pairs: P, directedOf, instanceRows: data.test, included: data.test.map((_, i) => i),
    partial: { cohort: null, byClass: new Map() },
    baselines: new Map([['oracle', Float32Array.from(truth)], ['inverse', Float32Array.from(truth, (v) => 1 - v)]]),
    classBaselines: new Map(),
    truth: { union: truth, byClass: () => truth }, known: null, seed: 1, draws: 20,
  };
}

describe('trust panel', () => {
  it('says plainly that a perfect baseline beats us, and that we beat an inverted one', async () => {
    const panel = trustPanel(await inputs())!;
    const cohort = (m: string) => panel.rows.find((r) => r.scope === 'cohort' && r.method === m)!;
    expect(cohort('oracle').auroc).toBe(1);
    expect(cohort('oracle').verdict).toBe('baseline better');
    expect(cohort('inverse').verdict).toBe('ours better');
    expect(cohort('oracle').ours).toBeLessThan(1);
    expect(cohort('oracle').ours_lo).toBeLessThan(cohort('oracle').ours_hi);
    expect(panel.metrics['trust.baseline_wins']).toContainEqual(expect.stringMatching(/^oracle beats our network on the cohort against the truth: AUROC 1\.000 vs 0\.\d+ \(beyond the spread\)/));
    const patients = panel.rows.filter((r) => r.scope === 'patients');
    expect(patients.map((r) => r.method).sort()).toEqual(['inverse', 'lioness_pearson', 'oracle']);
    expect(patients.find((r) => r.method === 'oracle')!.patients_better).toBe(0);
    expect(panel.table.rows).toBe(panel.rows.length);
  });

  it('is reproducible from the seed', async () => {
    const a = trustPanel(await inputs())!;
    const b = trustPanel(await inputs())!;
    expect(b.rows).toEqual(a.rows);
  });

  it('is written by the study: cohort, each class and patients, for every baseline, with a trust table', async () => {
    const r = await runQuiet(smallOptions(tempDir(), { baselines: ['pearson', 'partial_correlation', 'clr'] }));
    const rows = (r.metrics as any).trust.rows as Array<Record<string, any>>;
    const scopes = new Set(rows.map((x) => x.scope));
    expect([...scopes].sort()).toEqual(['class_A', 'class_B', 'cohort', 'patients'].sort());
    for (const x of rows) {
      if (x.verdict === 'baseline better') expect(x.difference_hi).toBeLessThan(0);
      if (x.verdict === 'ours better') expect(x.difference_lo).toBeGreaterThan(0);
    }
    // bootstrapped baselines carry a spread; clr (one run) does not
    const cohortRow = (m: string) => rows.find((x) => x.scope === 'cohort' && x.method === m)!;
    expect(cohortRow('pearson').lo).toBeLessThanOrEqual(cohortRow('pearson').hi);
    expect(cohortRow('clr').spread).toMatch(/baseline: one run/);
    // `relevance summary` (and the end of the study's output) says the same in the terminal
    const lines = await runSummaryLines(r.outDir, { topK: 5 });
    expect(lines.join('\n')).toMatch(/cohort network vs truth: AUROC \d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]/);
    expect(lines).toContainEqual(expect.stringMatching(/^trust panel \(\d+ comparisons/));
    expect(lines.filter((l) => /^ {2,3}\d\. P\d+ – P\d+/.test(l))).toHaveLength(5);
    expect(lines).toContainEqual(expect.stringMatching(/^options: config\.json sha256 [0-9a-f]{16}, seed 1/));
    expect(lines).toContainEqual(expect.stringMatching(/^data: synthetic_cohort\.parquet sha256 [0-9a-f]{16}/));
  }, 120_000);
});
