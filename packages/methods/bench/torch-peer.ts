/**
 * Plain torch on the methods benchmark's MLP, run now through bench/torch-mlp.py
 * (for bench/mlp-vs-torch.ts and bench/compare-builds.ts --torch): process CPU
 * and wall milliseconds per call of forward, saliency and IG-32.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Methods-bench row name -> torch-mlp.py row. */
export const PEER_ROWS: Record<string, string> = { forward: 'forward', saliency: 'saliency', 'integrated-gradients (32 steps)': 'ig32' };

export type PeerTimes = Record<string, { cpu_ms: number[]; wall_ms: number[] }>;

export function runTorch(python: string, threads: number, repeats: number): PeerTimes | null {
  // the .py file sits in bench/ beside the sources; dist/bench/ holds the compiled script
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'torch-mlp.py');
  const r = spawnSync(python, [script, '--runs', String(repeats), '--threads', String(threads)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0) {
    console.log(`  torch: not run (${python} ${script}: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`);
    return null;
  }
  return JSON.parse(r.stdout) as PeerTimes;
}

/** The best CPU and wall milliseconds of one row over several torch runs (null: torch did not run). */
export function peerBest(peers: ReadonlyArray<PeerTimes | null>, key: string): { cpu: number; wall: number } | null {
  const p = peers.filter((x): x is PeerTimes => x !== null).map((x) => x[key]!);
  if (p.length === 0) return null;
  return { cpu: Math.min(...p.flatMap((x) => x.cpu_ms)), wall: Math.min(...p.flatMap((x) => x.wall_ms)) };
}
