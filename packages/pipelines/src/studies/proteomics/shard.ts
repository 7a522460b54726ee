/**
 * --shard i/n, or --shard auto: the shard index and count from the batch
 * scheduler's environment (docs/SCALE-OUT.md):
 *
 * - Slurm job arrays: SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT, or
 *   with SLURM_ARRAY_TASK_MIN / _MAX (index = ID - MIN, count = MAX - MIN + 1);
 * - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX, with the count from
 *   --shard auto/<n> or RELEVANCE_SHARD_COUNT (Kubernetes does not export the
 *   job's completions).
 */
import { UsageError } from '../../cli/usage-error.js';

export interface Shard {
  index: number;
  count: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`--shard auto: ${name}=${v} is not a whole number`);
  return Number(v);
}

function fromSlurm(env: Env, id: number): Shard {
  const min = integer(env, 'SLURM_ARRAY_TASK_MIN');
  const max = integer(env, 'SLURM_ARRAY_TASK_MAX');
  const count = integer(env, 'SLURM_ARRAY_TASK_COUNT') ?? (min !== undefined && max !== undefined ? max - min + 1 : undefined);
  if (count === undefined) throw new UsageError('--shard auto: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/_MAX; submit as an array (sbatch --array=0-<n-1>)');
  const step = integer(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
  if (step !== 1) throw new UsageError(`--shard auto: the array has step ${step}; use a contiguous array (--array=0-<n-1>)`);
  return { index: id - (min ?? 0), count };
}

/** Parse --shard: null (no sharding), i/n, auto or auto/n; `env` is the process environment. */
export function parseShard(text: string | undefined, env: Env = process.env): Shard | null {
  if (text === undefined) return null;
  const t = text.trim();
  const fixed = /^(\d+)\/(\d+)$/.exec(t);
  if (fixed) return { index: Number(fixed[1]), count: Number(fixed[2]) };
  const auto = /^auto(?:\/(\d+))?$/.exec(t);
  if (!auto) throw new UsageError(`--shard ${text}: write it as i/n (this machine's index i, from 0, of n shards, e.g. --shard 0/4), or auto (from a Slurm array or a Kubernetes Indexed Job)`);
  const given = auto[1] === undefined ? undefined : Number(auto[1]);
  const slurm = integer(env, 'SLURM_ARRAY_TASK_ID');
  if (slurm !== undefined) {
    const shard = fromSlurm(env, slurm);
    if (given !== undefined && given !== shard.count) throw new UsageError(`--shard auto/${given}: the Slurm array has ${shard.count} tasks`);
    return shard;
  }
  const k8s = integer(env, 'JOB_COMPLETION_INDEX');
  if (k8s !== undefined) {
    const count = given ?? integer(env, 'RELEVANCE_SHARD_COUNT');
    if (count === undefined) throw new UsageError('--shard auto: JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but not the count; write --shard auto/<completions> or set RELEVANCE_SHARD_COUNT');
    return { index: k8s, count };
  }
  throw new UsageError('--shard auto: no SLURM_ARRAY_TASK_ID (a Slurm job array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) in the environment; give --shard i/n outside a scheduler');
}
