/**
 * Train once, networks per shard, merge: the staged study equals the
 * one-command study byte for byte, with --replicates too; --model refuses other
 * data, naming what differs; --shard auto reads Slurm and Kubernetes environments; --slurm
 * writes the three jobs with the user's options.
 */
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseShard } from '../../../src/studies/proteomics/shard.js';
import { shellQuote, writeSlurmScripts } from '../../../src/studies/proteomics/slurm.js';
import { openNpy } from '../../../src/io/npy.js';
import { metricsWithoutTimings, runQuiet, smallOptions, tableBytes, tempDir } from './helpers.js';
import { runCaptured } from '../../cli/helpers/run-cli.js';

describe('study proteomics --stage', () => {
  it('train, networks for shards 0/2 and 1/2, merge: the same bytes as the one-command study', async () => {
    const whole = tempDir(), work = tempDir();
    await runQuiet(smallOptions(whole, { instanceTopK: 5 }));
    const model = join(work, 'train', 'model.relevance');
    await runQuiet(smallOptions(join(work, 'train'), { stage: 'train' }));
    for (const i of [0, 1]) await runQuiet(smallOptions(join(work, `shard-${i}`), { stage: 'networks', model, shard: { index: i, count: 2 } }));
    const merged = tempDir();
    await runQuiet(smallOptions(merged, { stage: 'merge', model, shards: [work], instanceTopK: 5 }));
    const tw = tableBytes(whole), tm = tableBytes(merged);
    expect([...tm.keys()]).toEqual([...tw.keys()]);
    for (const [file, bytes] of tw) expect(tm.get(file)!.equals(bytes), `${file}: staged differs from one-command`).toBe(true);
    for (const file of ['instance_networks.npy', 'model.relevance']) expect(readFileSync(join(merged, file)).equals(readFileSync(join(whole, file))), file).toBe(true);
    expect(metricsWithoutTimings(merged)).toEqual(metricsWithoutTimings(whole));
    // the matrix file: patients x pairs, float32
    const npy = await openNpy(join(whole, 'instance_networks.npy'));
    expect(npy.shape).toEqual([JSON.parse(readFileSync(join(whole, 'instance_networks.json'), 'utf8')).instances.length, 45]);
    await npy.close();
  });

  it('with --replicates 2: train writes both models, each shard both replicates, and the merge equals the one-command study', async () => {
    const opts = (out: string, o: Partial<Parameters<typeof smallOptions>[1]> = {}) => smallOptions(out, { replicates: 2, epochs: 6, masks: 3, baselines: ['pearson'], ...o });
    const whole = tempDir(), work = tempDir();
    await runQuiet(opts(whole));
    const model = join(work, 'train', 'model.relevance');
    await runQuiet(opts(join(work, 'train'), { stage: 'train' }));
    expect(existsSync(join(work, 'train', 'model.replicate-2.relevance'))).toBe(true);
    for (const i of [0, 1]) await runQuiet(opts(join(work, `shard-${i}`), { stage: 'networks', model, shard: { index: i, count: 2 } }));
    expect(existsSync(join(work, 'shard-1', 'replicate-2', 'instance_directed.npy'))).toBe(true);
    const merged = tempDir();
    await runQuiet(opts(merged, { stage: 'merge', model, shards: [work] }));
    const tw = tableBytes(whole), tm = tableBytes(merged);
    expect([...tm.keys()]).toEqual([...tw.keys()]);
    for (const [file, bytes] of tw) expect(tm.get(file)!.equals(bytes), `${file}: staged differs from one-command`).toBe(true);
    for (const file of ['instance_networks.npy', 'model.relevance']) expect(readFileSync(join(merged, file)).equals(readFileSync(join(whole, file))), file).toBe(true);
    const metrics = metricsWithoutTimings(merged) as { network: { replicates: { count: number; seeds: number[]; spearman_mean: number } } };
    expect(metrics).toEqual(metricsWithoutTimings(whole));
    expect(metrics.network.replicates.count).toBe(2);
    expect(metrics.network.replicates.seeds).toEqual([1, 2]);
    // the merged networks are the replicates' mean: not replicate 1's alone (the one-predictor merge)
    const single = tempDir(), singleWork = tempDir();
    await runQuiet(opts(join(singleWork, 'train'), { stage: 'train', replicates: 1 }));
    const singleModel = join(singleWork, 'train', 'model.relevance');
    await runQuiet(opts(join(singleWork, 'shard'), { stage: 'networks', model: singleModel, replicates: 1 }));
    await runQuiet(opts(single, { stage: 'merge', model: singleModel, shards: [singleWork], replicates: 1 }));
    expect(readFileSync(join(single, 'instance_networks.npy')).equals(readFileSync(join(merged, 'instance_networks.npy')))).toBe(false);
  });

  it('--replicates must agree across the stages, and a shard must hold every replicate', async () => {
    const opts = (out: string, o: Partial<Parameters<typeof smallOptions>[1]> = {}) => smallOptions(out, { replicates: 2, epochs: 3, masks: 2, baselines: [], ...o });
    const work = tempDir();
    await runQuiet(opts(join(work, 'train'), { stage: 'train' }));
    const model = join(work, 'train', 'model.relevance');
    await expect(runQuiet(opts(join(work, 'x'), { stage: 'networks', model, replicates: 3 }))).rejects.toThrow(/--model .*model\.relevance: was trained with --replicates 2, this run has --replicates 3; give every stage the same --replicates/);
    await expect(runQuiet(opts(join(work, 'y'), { stage: 'networks', model, replicates: 1 }))).rejects.toThrow(/was trained with --replicates 2, this run has --replicates 1/);
    expect(existsSync(join(work, 'x')) || existsSync(join(work, 'y'))).toBe(false);
    await runQuiet(opts(join(work, 'shard'), { stage: 'networks', model }));
    rmSync(join(work, 'shard', 'replicate-2'), { recursive: true });
    await expect(runQuiet(opts(join(tempDir(), 'm'), { stage: 'merge', model, shards: [join(work, 'shard')] }))).rejects.toThrow(/--shards .*shard: has no replicate-2\/ with its networks \(this merge has --replicates 2\); the shard is incomplete: rerun --stage networks --replicates 2 for it/);
    // a shard computed with another replicate-2 model (trained again with another seed) is refused by the merge
    const other = tempDir();
    await runQuiet(opts(join(other, 'train'), { stage: 'train', seed: 1, epochs: 4 }));
    copyFileSync(join(other, 'train', 'model.replicate-2.relevance'), join(work, 'train', 'model.replicate-2.relevance'));
    await expect(runQuiet(opts(join(tempDir(), 'm2'), { stage: 'merge', model, shards: [join(work, 'shard')] }))).rejects.toThrow(/was computed with another model \(.*model\.replicate-2\.relevance, sha256 [0-9a-f]+\) than --model gives/);
    // a replicate file under another replicate's name
    copyFileSync(join(work, 'train', 'model.relevance'), join(work, 'train', 'model.replicate-2.relevance'));
    await expect(runQuiet(opts(join(work, 'w'), { stage: 'networks', model }))).rejects.toThrow(/model\.replicate-2\.relevance holds replicate 1 of 2, not replicate 2; give the --stage train folder's model files under the names it wrote/);
    rmSync(join(work, 'train', 'model.replicate-2.relevance'));
    await expect(runQuiet(opts(join(work, 'z'), { stage: 'networks', model }))).rejects.toThrow(/model\.replicate-2\.relevance is missing; --stage train --replicates 2 writes replicate 2's model there/);
  });

  it('--model refuses data it was not trained on and names each difference', async () => {
    const work = tempDir();
    await runQuiet(smallOptions(join(work, 'train'), { stage: 'train' }));
    const model = join(work, 'train', 'model.relevance');
    const other = smallOptions(join(work, 'x'), { stage: 'networks', model, standardize: 'per-class', seed: 3 });
    const error = await runQuiet(other).then(() => null, (e: Error) => e.message);
    expect(error).toMatch(/--standardize: the model was trained with "global", this run has "per-class"/);
    expect(error).toMatch(/--seed: the model was trained with 1, this run has 3/);
    expect(existsSync(join(work, 'x'))).toBe(false);
    await expect(runQuiet(smallOptions(join(work, 'y'), { stage: 'merge', model, shards: [work] }))).rejects.toThrow(/holds no instance networks/);
  });
});

describe('--shard auto', () => {
  it('reads Slurm arrays (COUNT, or MIN/MAX) and Kubernetes Indexed Jobs (with a count)', () => {
    expect(parseShard('auto', { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' })).toEqual({ index: 2, count: 3 });
    expect(parseShard('auto', { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '4', SLURM_ARRAY_TASK_MAX: '7' })).toEqual({ index: 1, count: 4 });
    expect(parseShard('auto/8', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 8 });
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '3', RELEVANCE_SHARD_COUNT: '5' })).toEqual({ index: 3, count: 5 });
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '3' })).toThrow(/auto\/<completions>/);
    expect(() => parseShard('auto', {})).toThrow(/SLURM_ARRAY_TASK_ID.*JOB_COMPLETION_INDEX/);
    expect(() => parseShard('auto/2', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '3' })).toThrow(/has 3 tasks/);
    expect(parseShard('1/4', {})).toEqual({ index: 1, count: 4 });
  });
});

describe('--slurm', () => {
  it('writes train, a network array and merge with the same options, and submit.sh chains them with afterok', async () => {
    const dir = tempDir();
    const files = await writeSlurmScripts({ relevance: ['/usr/bin/node', '/x/relevance.js'], args: ['--data=my data.csv', '--epochs=5'], out: 'run', shards: 3, sbatch: ['--time=01:00:00'], force: false }, dir);
    const networks = readFileSync(files.networks, 'utf8');
    expect(networks).toContain('#SBATCH --array=0-2');
    expect(networks).toContain('#SBATCH --time=01:00:00');
    expect(networks).toContain(`${shellQuote('--data=my data.csv')} --epochs=5 --stage networks --model ${join(dir, 'run.stages', 'train', 'model.relevance')} --shard auto`);
    expect(readFileSync(files.train, 'utf8')).toContain(`--stage train --out ${join(dir, 'run.stages', 'train')}`);
    expect(readFileSync(files.merge, 'utf8')).toContain(`--stage merge --model ${join(dir, 'run.stages', 'train', 'model.relevance')} --shards ${join(dir, 'run.stages')} --out ${join(dir, 'run')}`);
    expect(readFileSync(files.submit, 'utf8')).toMatch(/--dependency=afterok:"\$\{train%%;\*\}"/);
  });
});

describe('the stages from the command line', () => {
  it('--stage train ends with the next step, not a run summary (it writes no metrics)', async () => {
    const out = join(tempDir(), 'train');
    const r = await runCaptured(['study', 'proteomics', '--stage', 'train', '--synthetic-proteins', '10', '--synthetic-classes', '2', '--synthetic-instances-per-class', '30', '--hidden', '8,8', '--epochs', '3', '--masks', '2', '--threads', '1', '--quiet', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/run folder: /);
    expect(existsSync(join(out, 'model.relevance'))).toBe(true);
  });
});
