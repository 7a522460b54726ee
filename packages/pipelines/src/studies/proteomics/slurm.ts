/**
 * `study proteomics ... --slurm`: the study as three Slurm jobs, each waiting
 * for the one before (docs/SCALE-OUT.md):
 *
 *   train.sbatch      --stage train                  -> <out>.stages/train/
 *   networks.sbatch   --stage networks --shard auto  -> <out>.stages/shard-<i>/  (a job array of n tasks)
 *   merge.sbatch      --stage merge                  -> <out>
 *
 * plus submit.sh, which submits them with `--dependency=afterok:<job>`.
 * `--submit` runs the same chain through sbatch. Every job runs the same
 * command line as the user's, less the options that pick the stage.
 */
import { execFile } from 'node:child_process';
import { chmod } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { writeTextAtomic } from '../../io/atomic-write.js';
import { DataError } from '../../io/data-error.js';

export interface SlurmPlan {
  /** The command that starts relevance (node and the bin script). */
  relevance: string[];
  /** The user's options as given, less STAGE_OPTIONS. */
  args: string[];
  /** The finished run folder. */
  out: string;
  /** Network shards (array tasks). */
  shards: number;
  /** Extra sbatch options, e.g. --partition=short, --time=02:00:00. */
  sbatch: string[];
  /** Replace an existing --out. */
  force: boolean;
}

/** Options that the jobs set themselves; the user's values are not passed on. */
export const STAGE_OPTIONS: ReadonlySet<string> = new Set(['slurm', 'submit', 'stage', 'shard', 'shards', 'model', 'out', 'force', 'array', 'sbatch']);

/** POSIX shell quoting: a word as is when safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function script(name: string, logs: string, extra: readonly string[], lines: string[], array?: number): string {
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=relevance-${name}`,
    `#SBATCH --output=${logs}/${name}-%${array ? 'A_%a' : 'j'}.log`,
    ...(array ? [`#SBATCH --array=0-${array - 1}`] : []),
    ...extra.map((o) => `#SBATCH ${o}`),
    'set -euo pipefail',
    ...lines,
    '',
  ].join('\n');
}

export interface SlurmFiles {
  dir: string;
  train: string;
  networks: string;
  merge: string;
  submit: string;
}

/** Write the three job scripts and submit.sh into `<out>.slurm/`; returns their paths. */
export async function writeSlurmScripts(plan: SlurmPlan, cwd = process.cwd()): Promise<SlurmFiles> {
  const out = resolve(cwd, plan.out);
  const dir = `${out}.slurm`;
  const stages = `${out}.stages`;
  const model = join(stages, 'train', 'model.relevance');
  const run = (extra: string[]): string => `exec ${[...plan.relevance, 'study', 'proteomics', ...plan.args, ...extra].map(shellQuote).join(' ')}`;
  const cd = `cd ${shellQuote(cwd)}`;
  const files: SlurmFiles = { dir, train: join(dir, 'train.sbatch'), networks: join(dir, 'networks.sbatch'), merge: join(dir, 'merge.sbatch'), submit: join(dir, 'submit.sh') };
  await writeTextAtomic(files.train, script('train', dir, plan.sbatch, [cd, run(['--stage', 'train', '--out', join(stages, 'train'), '--force'])]));
  await writeTextAtomic(files.networks, script('networks', dir, plan.sbatch, [cd, `${run(['--stage', 'networks', '--model', model, '--shard', 'auto', '--force', '--out'])} ${shellQuote(join(stages, 'shard-'))}"$SLURM_ARRAY_TASK_ID"`], plan.shards));
  await writeTextAtomic(files.merge, script('merge', dir, plan.sbatch, [cd, run(['--stage', 'merge', '--model', model, '--shards', stages, '--out', out, ...(plan.force ? ['--force'] : [])])]));
  await writeTextAtomic(files.submit, [
    '#!/bin/bash',
    '# submit the three jobs, each after the one before succeeded',
    'set -euo pipefail',
    `train=$(sbatch --parsable ${shellQuote(files.train)})`,
    `networks=$(sbatch --parsable --dependency=afterok:"\${train%%;*}" ${shellQuote(files.networks)})`,
    `merge=$(sbatch --parsable --dependency=afterok:"\${networks%%;*}" ${shellQuote(files.merge)})`,
    'echo "train ${train%%;*}, networks ${networks%%;*} (array), merge ${merge%%;*}"',
    '',
  ].join('\n'));
  await chmod(files.submit, 0o755);
  return files;
}

const run = promisify(execFile);

async function sbatch(args: string[]): Promise<string> {
  try {
    const { stdout } = await run('sbatch', ['--parsable', ...args]);
    return stdout.trim().split(';')[0]!;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new DataError('--submit: sbatch is not on PATH; run the scripts on a Slurm login node, or leave out --submit and submit them yourself');
    throw new DataError(`--submit: sbatch failed: ${(err.stderr ?? err.message).trim()}`);
  }
}

/** Submit train, the network array and merge, each with afterok on the one before; returns the job ids. */
export async function submitSlurm(files: SlurmFiles): Promise<{ train: string; networks: string; merge: string }> {
  const train = await sbatch([files.train]);
  const networks = await sbatch([`--dependency=afterok:${train}`, files.networks]);
  const merge = await sbatch([`--dependency=afterok:${networks}`, files.merge]);
  return { train, networks, merge };
}
