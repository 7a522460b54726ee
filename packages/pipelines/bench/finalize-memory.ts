/**
 * Peak memory of finalising a paper-sized cohort (a script, not a test):
 * 3,400 test patients x 145 proteins (the synthetic cohort's nearest size to
 * the paper's 147), random instance networks in place of computed ones, then
 * everything `--stage merge` does after reading the shards: aggregation,
 * evaluation, the tables, the matrix file. Baselines and t-SNE are left out
 * (they scale with the training rows and are the same in the one-command
 * study). Prints seconds and the process's peak resident memory.
 *
 *   node dist/bench/finalize-memory.js [--patients 3400] [--proteins 145]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '@relevance/core-wasm';
import { loadStudyData } from '../src/studies/proteomics/data.js';
import { SYNTHETIC_DEFAULTS } from '../src/studies/proteomics/synthetic.js';
import { finalize, type InstanceRecord } from '../src/studies/proteomics/finalize.js';
import { writeInstanceFiles } from '../src/studies/proteomics/instance-files.js';
import { writeRunTables } from '../src/io/run-format.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const patients = option('patients', 3400);
const proteins = option('proteins', 145);
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;

const t0 = performance.now();
const data = await loadStudyData({
  source: null, maxMissing: 0.5, transform: 'none', testFraction: 0.5, standardize: 'global', seed: 1,
  synthetic: { ...SYNTHETIC_DEFAULTS, proteins, classes: 2, instancesPerClass: patients },
});
const p = data.proteins.length;
const g = new Generator(5);
const instances: InstanceRecord[] = data.test.map((row) => ({ row, directed: Float32Array.from({ length: p * p }, () => g.normal()), mseHidden: g.uniform(), predictionCorrelation: g.uniform() }));
console.log(`${instances.length} test patients x ${p} proteins; instance records ${mb(instances.length * p * p * 4)}; after load ${mb(process.memoryUsage().rss)} resident`);
const result = finalize({ data, instances, truth: null, known: null, directed: false, topK: [], baselines: [], instanceTopK: 50, minInstanceCorrelation: null, training: [], embedding: null, seed: 1 });
const dir = mkdtempSync(join(tmpdir(), 'relevance-finalize-memory-'));
try {
  await writeRunTables(dir, result.tables, 'proteomics');
  await writeInstanceFiles(dir, data, instances, { symmetric: true, directed: false });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const peak = process.resourceUsage().maxRSS * 1024;
console.log(`finalise + write: ${((performance.now() - t0) / 1000).toFixed(1)} s; peak resident memory ${mb(peak)} (issue 13's goal: under 4096 MB)`);
