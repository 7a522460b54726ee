/**
 * Acceptance of the proteomics study on real and reference data (../shared):
 * Keyl et al.'s synthetic data with a correct, disjoint split; the TCGA RPPA
 * pan-cancer table against Keyl's Reactome list; and the built-in synthetic
 * cohort end to end through the CLI. These runs take a few minutes on 2 cores.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireShared, sharedPath } from '../../io/helpers/shared-data.js';
import { runCaptured } from '../../cli/helpers/run-cli.js';
import { readTable } from '../../../src/io/read-table.js';
import { PROTEOMICS_DEFAULTS, type ProteomicsOptions } from '../../../src/studies/proteomics/study.js';
import { runQuiet, tempDir, TEST_BACKEND } from './helpers.js';

const keyl = sharedPath('data', 'keyl2022_proteinnetworklrp');
const tcga = sharedPath('data', 'tcga_rppa_firehose_pancan', 'rppa_pancan_level3.csv');

/**
 * Keyl et al.'s configuration (Main_artificial.py): 5 hidden layers of 10 x 32, SGD lr 0.1, batch 25, 300 epochs,
 * and their masks, half of the other proteins visible (--mask-groups 2; the study's default shows three quarters),
 * 100 per target, with one predictor (the study's default averages three with 34 masks each).
 */
const KEYL_SETUP = { hidden: [320, 320, 320, 320, 320], epochs: 300, optimizer: 'sgd' as const, lr: 0.1, momentum: 0, batchSize: 25, validationFraction: 0, maskGroups: 2, masks: 100, replicates: 1 };

/** A study run as every acceptance test makes it: the defaults, then `options`, written to `out` on the test backend without the t-SNE; its metrics. */
async function acceptanceMetrics(options: Partial<ProteomicsOptions>, out: string): Promise<any> {
  const r = await runQuiet({ ...PROTEOMICS_DEFAULTS, ...options, out, backend: TEST_BACKEND, tsne: false });
  return r.metrics as any;
}

describe.runIf(requireShared("Keyl et al.'s synthetic data", keyl))("Keyl et al. 2022 synthetic data, disjoint 50/50 split", () => {
  it('homogeneous: the cohort network recovers the four blocks (AUROC >= 0.99 for the average network), next to partial correlation', async () => {
    const out = tempDir();
    const m = await acceptanceMetrics({
      ...KEYL_SETUP,
      data: join(keyl!, 'artificial_homogeneous.csv'),
      truth: join(keyl!, 'artificial_ground_truth_pairs.csv'),
      testFraction: 0.5,
      // a quarter of the 2000 test patients: medians and means over 500 networks are stable
      shard: { index: 0, count: 4 },
    }, out);
    console.log(`homogeneous: cohort AUROC median ${m.network.cohort.auroc}, mean ${m.network.cohort_mean.auroc}; partial correlation ${m.baselines.partial_correlation.auroc}, Pearson ${m.baselines.pearson.auroc}, graphical lasso ${m.baselines.graphical_lasso.auroc}`);
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(cfg.test_fraction).toBe(0.5);
    expect(m.data.train + m.data.test).toBe(4000);
    expect(m.network.cohort_mean.auroc).toBeGreaterThanOrEqual(0.99);
    expect(m.network.cohort.auroc).toBeGreaterThanOrEqual(0.97);
    expect(m.baselines.partial_correlation.auroc).toBeGreaterThan(0.95);
    expect(m.network.cohort_mean.auroc).toBeGreaterThan(m.baselines.partial_correlation.auroc);
    expect(m.network.cohort_mean.auroc).toBeGreaterThan(m.baselines.pearson.auroc);
  }, 900_000);

  it('heterogeneous: each patient network recovers its group\'s block (mean per-instance AUROC >= 0.98), per class too; LIONESS-Pearson reported', async () => {
    const dir = tempDir();
    const truth = readFileSync(join(keyl!, 'artificial_ground_truth_pairs.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
    const truthPath = join(dir, 'truth_by_group.csv');
    writeFileSync(truthPath, `source,target,class\n${truth.map(([block, s, t]) => `${s},${t},${block}`).join('\n')}\n`);
    const file = join(keyl!, 'artificial_heterogeneous.csv');
    const index = (await readTable(file)).columns[0]!.name;
    const m = await acceptanceMetrics({
      sql: `select *, cast(floor("${index}" / 1000) as integer)::varchar as grp from '${file}'`,
      idColumn: index,
      classColumn: 'grp',
      truth: truthPath,
      testFraction: 0.5,
    }, join(dir, 'run'));
    console.log(`heterogeneous: per-instance AUROC mean ${m.network.per_instance.auroc_mean} (median ${m.network.per_instance.auroc_median}) over ${m.network.per_instance.instances}; per class ${JSON.stringify(m.network.per_class)}; LIONESS-Pearson ${m.baselines.lioness_pearson.per_instance.auroc_mean}`);
    expect(m.network.per_instance.auroc_mean).toBeGreaterThanOrEqual(0.98);
    for (const g of ['0', '1', '2', '3']) expect(m.network.per_class[g].auroc).toBeGreaterThanOrEqual(0.98);
    expect(m.network.per_instance.auroc_mean).toBeGreaterThan(m.baselines.lioness_pearson.per_instance.auroc_mean);
  }, 600_000);
});

describe.runIf(requireShared('the TCGA RPPA table and Keyl\'s Reactome list', tcga && keyl))('TCGA RPPA against Reactome (a CI-sized subset)', () => {
  it('top-36 and top-100 Reactome hits with hypergeometric p-values for LRP and every baseline', async () => {
    const dir = tempDir();
    const edges = readFileSync(join(keyl!, 'reactome_147_edges.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
    const known = edges.filter((e) => e[2] && e[3]).map((e) => `${e[2]},${e[3]}`);
    const knownPath = join(dir, 'reactome_firehose.csv');
    writeFileSync(knownPath, `source,target\n${known.join('\n')}\n`);
    const names = readFileSync(join(keyl!, 'antibody_name_map_keyl_to_firehose.csv'), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')[1]).filter((n): n is string => Boolean(n));
    const m = await acceptanceMetrics({
      sql: `select * from '${tcga}' where cancer_type in ('BRCA', 'OV', 'UCEC') and sample_type_code = '01'`,
      idColumn: 'sample_barcode',
      classColumn: 'cancer_type',
      features: names.join(','),
      standardize: 'per-class',
      knownEdges: knownPath,
      hidden: [256, 256],
      epochs: 150,
      masks: 20,
      replicates: 1,
      shard: { index: 0, count: 3 },
    }, join(dir, 'run'));
    const rows: string[] = [];
    for (const method of ['lrp', 'pearson', 'spearman', 'partial_correlation', 'graphical_lasso']) {
      const k = m.known_edges[method];
      rows.push(`${method}: top36 ${k.top_36.hits}/${k.top_36.expected.toFixed(1)} p=${k.top_36.p_value.toExponential(2)}, top100 ${k.top_100.hits}/${k.top_100.expected.toFixed(1)} p=${k.top_100.p_value.toExponential(2)}, AUROC ${k.auroc}`);
      expect(k.top_36.k).toBe(36);
      expect(k.top_100.k).toBe(100);
      expect(k.top_100.p_value).toBeGreaterThanOrEqual(0);
      expect(k.top_100.p_value).toBeLessThanOrEqual(1);
    }
    console.log(`TCGA (${m.data.rows} patients, ${m.data.proteins} antibodies, ${m.data.classes} cancer types, ${m.known_edges.pairs_in_data} Reactome pairs):\n${rows.join('\n')}`);
    expect(m.data.proteins).toBeGreaterThan(100);
    // LRP finds Reactome interactions well above chance
    expect(m.known_edges.lrp.top_100.hits).toBeGreaterThan(m.known_edges.lrp.top_100.expected);
    expect(m.known_edges.lrp.top_100.p_value).toBeLessThan(0.05);
  }, 1_200_000);
});

describe('the built-in synthetic cohort through the CLI', () => {
  it('`relevance study proteomics` writes a complete run folder and recovers the known network better than partial correlation', async () => {
    const out = tempDir();
    const r = await runCaptured(['study', 'proteomics', '--out', out, '--backend', TEST_BACKEND]);
    expect(r.stderr).toMatch(/data: 3000 rows, 40 proteins, 4 classes/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cohort network AUROC/);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    console.log(`synthetic default: cohort ${m.network.cohort.auroc} (AUPR ${m.network.cohort.aupr}; mean ${m.network.cohort_mean.auroc}), per instance ${m.network.per_instance.auroc_mean}, per class ${JSON.stringify(m.network.per_class)}; partial correlation ${m.baselines.partial_correlation.auroc}, GENIE3 ${m.baselines.genie3.auroc}, GRNBoost2 ${m.baselines.grnboost2.auroc}, PIDC ${m.baselines.pidc.auroc}; ${m.timing_s.total} s`);
    console.log(r.stdout);
    expect(m.network.cohort_mean.auroc).toBeGreaterThan(m.baselines.partial_correlation.auroc);
    expect(m.network.per_instance.auroc_mean).toBeGreaterThan(m.baselines.lioness_pearson.per_instance.auroc_mean);
    for (const f of ['config.json', 'manifest.json', 'metrics.json', 'model.relevance', 'model.onnx', 'synthetic_truth.csv']) expect(readFileSync(join(out, f)).length).toBeGreaterThan(0);
    for (const t of ['edges_cohort', 'edges_class', 'edges_instance', 'baselines', 'instances', 'training', 'curves', 'proteins']) {
      expect(readFileSync(join(out, `${t}.parquet`)).length).toBeGreaterThan(0);
      // the Arrow copy only for the tables the report reads (io/run-format.ts)
      if (t !== 'baselines') expect(readFileSync(join(out, `${t}.arrow`)).length).toBeGreaterThan(0);
    }
    expect(readFileSync(join(out, 'instance_networks.npy')).length).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.seed).toBe(1);
    expect(manifest.outputs.every((o: { sha256: string }) => /^[0-9a-f]{64}$/.test(o.sha256))).toBe(true);
  }, 600_000);
});
