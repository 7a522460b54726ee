/**
 * A real one-node Slurm cluster (Debian's slurm-wlm and munge, started by this
 * test as its own processes): `study proteomics --slurm --submit --array 3 --replicates 2`
 * submits train, a 3-task network array and merge, and the merged run must
 * equal a single-process run byte for byte (every table, the network matrix,
 * the model; metrics.json but for its wall-clock timing_s). Skips with the
 * reason where Slurm is not installed or its daemons cannot start, but never
 * under CI=true. Needs the built CLI (npm run build).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { metricsWithoutTimings } from './helpers.js';
import { missingSlurm, startSlurmCluster, waitForJobs } from './slurm-cluster.js';

const pkg = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const bin = join(pkg, 'bin', 'relevance.js');
const built = existsSync(join(pkg, 'dist', 'src', 'studies', 'proteomics', 'slurm.js'));
const missing = built ? missingSlurm() : 'packages/pipelines is not compiled (run npm run build at the root)';
const CI = process.env.CI === 'true';

/** A small synthetic cohort, few epochs, two replicates (so each stage also handles --replicates): the point is the bytes, not the science. */
const OPTIONS = ['--synthetic-proteins', '10', '--synthetic-classes', '2', '--synthetic-instances-per-class', '40', '--hidden', '24,24', '--epochs', '15', '--masks', '6', '--replicates', '2', '--baselines', 'pearson,partial_correlation,clr', '--threads', '1', '--quiet'];

function relevance(args: string[], env?: NodeJS.ProcessEnv): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, 'study', 'proteomics', ...OPTIONS, ...args], { env: env ?? process.env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`relevance ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { seconds: (performance.now() - t0) / 1000, stdout: r.stdout };
}

/** Files that must be byte-identical between the merged and the single-process run. */
function outputs(dir: string): string[] {
  return readdirSync(dir).filter((f) => /\.(parquet|arrow|npy|csv)$/.test(f) || f === 'model.relevance' || f === 'instance_networks.json').sort();
}

if (missing) {
  if (CI) it('has Slurm and munge installed', () => expect.fail(`${missing}; .ci/run installs slurm-wlm and munge`));
  else it.skip(`real Slurm array: skipped, ${missing}`, () => undefined);
}

describe.runIf(!missing)('study proteomics on a real one-node Slurm cluster', () => {
  it('train + 3-task network array + merge give the bytes of one process', async (ctx) => {
    const root = mkdtempSync(join(tmpdir(), 'relevance-slurm-'));
    let cluster;
    try {
      cluster = await startSlurmCluster(join(root, 'cluster'));
    } catch (e) {
      rmSync(root, { recursive: true, force: true });
      if (CI) throw e;
      console.warn(`real Slurm array: skipped, ${(e as Error).message}`);
      return ctx.skip();
    }
    try {
      const whole = relevance(['--out', join(root, 'whole')]);
      const t0 = performance.now();
      const submitted = relevance(['--slurm', '--submit', '--array', '3', '--out', join(root, 'run')], cluster.env);
      expect(submitted.stdout).toMatch(/submitted: train \d+, networks \d+ \(array\), merge \d+/);
      await waitForJobs(cluster, 8 * 60 * 1000);
      const sharded = (performance.now() - t0) / 1000;
      const logs = join(root, 'run.slurm');
      expect(existsSync(join(root, 'run', 'manifest.json')), `no merged run; job logs: ${readdirSync(logs).map((f) => `${f}: ${readFileSync(join(logs, f), 'utf8').slice(-400)}`).join('\n')}`).toBe(true);
      expect(readdirSync(join(root, 'run.stages')).sort()).toEqual(['shard-0', 'shard-1', 'shard-2', 'train']);
      const files = outputs(join(root, 'whole'));
      expect(outputs(join(root, 'run'))).toEqual(files);
      for (const f of files) expect(readFileSync(join(root, 'run', f)).equals(readFileSync(join(root, 'whole', f))), `${f}: the Slurm run differs from one process`).toBe(true);
      expect(metricsWithoutTimings(join(root, 'run'))).toEqual(metricsWithoutTimings(join(root, 'whole')));
      expect(existsSync(join(root, 'run.stages', 'train', 'model.replicate-2.relevance'))).toBe(true);
      for (const i of [0, 1, 2]) expect(existsSync(join(root, 'run.stages', `shard-${i}`, 'replicate-2', 'instance_directed.npy')), `shard-${i}/replicate-2`).toBe(true);
      expect((metricsWithoutTimings(join(root, 'run')) as { network: { replicates: { count: number } } }).network.replicates.count).toBe(2);
      console.log(`Slurm: train + 3 network shards + merge ${sharded.toFixed(1)} s wall (one machine, shared cores) vs one process ${whole.seconds.toFixed(1)} s; ${files.length} files byte-identical`);
    } finally {
      await cluster.stop();
      rmSync(root, { recursive: true, force: true, maxRetries: 5 });
    }
  }, 10 * 60 * 1000);
});
