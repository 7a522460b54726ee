/**
 * A 2-D map of the instance networks (t-SNE on the symmetrised |relevance|
 * vectors), so the report can show whether patients of one class have
 * similar networks.
 */
import type { Backend } from '@relevance/core-wasm';
import type { InstanceRecord } from './finalize.js';
import { pairCount, symmetrize } from './networks.js';

export async function embedInstanceNetworks(be: Backend, instances: readonly InstanceRecord[], p: number, seed: number): Promise<Float32Array | null> {
  const n = instances.length;
  if (n < 5) return null;
  const methods = (await import('@relevance/methods')) as Record<string, unknown>;
  const tsne = methods.tsne as undefined | ((be: Backend, data: Float32Array, rows: number, cols: number, options: Record<string, unknown>) => Promise<{ embedding: Float32Array }>);
  if (!tsne) return null;
  const P = pairCount(p);
  const data = new Float32Array(n * P);
  instances.forEach((inst, i) => symmetrize(inst.directed, p, data.subarray(i * P, (i + 1) * P)));
  const perplexity = Math.max(2, Math.min(30, Math.floor((n - 1) / 3)));
  const result = await tsne(be, data, n, P, { perplexity, seed, dims: 2 });
  return result.embedding;
}
