/**
 * A 2-D map of the instance networks (t-SNE on the symmetrised |relevance|
 * vectors), so the report can show whether patients of one class have
 * similar networks.
 */
import type { Backend } from '@relevance/core-wasm';
import { tsne } from '@relevance/methods';
import type { InstanceRecord } from './aggregation.js';
import { pairCount, symmetrize } from './networks.js';

export async function embedInstanceNetworks(be: Backend, instances: readonly InstanceRecord[], p: number, seed: number): Promise<Float32Array | null> {
  const n = instances.length;
  if (n < 5) return null;
  const P = pairCount(p);
  const data = new Float32Array(n * P);
  instances.forEach((inst, i) => symmetrize(inst.directed, p, data.subarray(i * P, (i + 1) * P)));
  const x = be.tensor(data, [n, P]);
  try {
    const perplexity = Math.max(2, Math.min(30, Math.floor((n - 1) / 3)));
    const result = await tsne(x, { perplexity, seed, dims: 2, threads: be.threads });
    return Float32Array.from(result.embedding);
  } finally {
    x.dispose();
  }
}
