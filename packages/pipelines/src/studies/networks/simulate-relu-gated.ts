/**
 * The ReLU-gated block model of Keyl et al. 2022 (npj Precis. Oncol. 6:35,
 * data_artificial.py), seeded and with an explicit truth:
 *
 *   x = tanh(F2 · ReLU(F1 · (x0 + eps))),   x0 ~ U(0, 1)^p,   eps ~ N(0, noise^2 · C)
 *
 * Genes fall into consecutive blocks of `blockSize` (a last block of one gene
 * joins the one before). F1 and F2 are zero outside the blocks, 1 on the
 * diagonal and U(-1, 1) elsewhere inside a block. By default C is a
 * block-diagonal correlation matrix (random inside each block), so, unlike
 * Keyl's unseeded make_spd_matrix noise over all 32 variables, no dependence
 * crosses blocks. `crossNoise` = c > 0 brings Keyl's setting back:
 * C = (1 - c) C_blocks + c C_all with C_all a random correlation over all genes;
 * genes of different blocks then correlate through the noise, and the truth
 * still holds the blocks only (that confounding is what makes it hard).
 * This is the one-pass form: Keyl's `step` loop overwrote its result 50 times,
 * so one ReLU-linear-tanh pass is what their data hold, and what we simulate.
 *
 * Truth: every within-block pair, undirected, written in both directions.
 * The model has no causal direction between observed genes (they share latent
 * inputs) and no defined sign, so the sign is '+' by convention.
 */
import type { Generator } from '@relevance/core-wasm';

export interface ReluGatedModel {
  type: 'relu-gated';
  genes: number;
  /** Gene indices of each block. */
  blocks: number[][];
  /** p x p row-major, zero outside blocks. */
  f1: Float64Array;
  f2: Float64Array;
  /** Lower Cholesky factor of each block's noise correlation (row-major, size b x b). */
  noiseFactor: Float64Array[];
  noise: number;
  /** Share c of the noise correlation that spans all genes, and the lower Cholesky factor of C_all (null when c = 0). */
  crossNoise: number;
  crossFactor: Float64Array | null;
}

/** Consecutive blocks of `size`; a single leftover gene joins the last block. */
export function geneBlocks(genes: number, size: number): number[][] {
  const blocks: number[][] = [];
  for (let start = 0; start < genes; start += size) blocks.push(Array.from({ length: Math.min(size, genes - start) }, (_, k) => start + k));
  if (blocks.length > 1 && blocks[blocks.length - 1]!.length === 1) blocks[blocks.length - 2]!.push(blocks.pop()![0]!);
  return blocks;
}

/** A random b x b correlation matrix (A Aᵀ + ridge I with A standard normal, normalised) and its lower Cholesky factor. */
function randomCorrelationFactor(b: number, g: Generator, ridge = b): Float64Array {
  const a = Float64Array.from({ length: b * b }, () => g.normal());
  const c = new Float64Array(b * b);
  for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) {
    let s = i === j ? ridge : 0;
    for (let k = 0; k < b; k++) s += a[i * b + k]! * a[j * b + k]!;
    c[i * b + j] = s;
  }
  const d = Array.from({ length: b }, (_, i) => Math.sqrt(c[i * b + i]!));
  for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) c[i * b + j]! /= d[i]! * d[j]!;
  const l = new Float64Array(b * b);
  for (let i = 0; i < b; i++) for (let j = 0; j <= i; j++) {
    let s = c[i * b + j]!;
    for (let k = 0; k < j; k++) s -= l[i * b + k]! * l[j * b + k]!;
    l[i * b + j] = i === j ? Math.sqrt(s) : s / l[j * b + j]!;
  }
  return l;
}

/** Block masks, F1, F2 and the noise factors (per block; over all genes when crossNoise > 0). */
export function reluGatedModel(genes: number, blockSize: number, noise: number, crossNoise: number, g: Generator): ReluGatedModel {
  const blocks = geneBlocks(genes, blockSize);
  const f1 = new Float64Array(genes * genes);
  const f2 = new Float64Array(genes * genes);
  for (const f of [f1, f2]) {
    for (const block of blocks) for (const i of block) for (const j of block) f[i * genes + j] = i === j ? 1 : 2 * g.uniform() - 1;
  }
  const noiseFactor = blocks.map((b) => randomCorrelationFactor(b.length, g));
  // a small ridge keeps C_all's correlations sizeable (about 1/sqrt(genes)) and still positive definite
  const crossFactor = crossNoise > 0 ? randomCorrelationFactor(genes, g, 0.1 * genes) : null;
  return { type: 'relu-gated', genes, blocks, f1, f2, noiseFactor, noise, crossNoise, crossFactor };
}

/** Draw `samples` rows (row-major samples x genes): one pass of tanh(F2 ReLU(F1 (x0 + eps))). */
export function sampleReluGated(model: ReluGatedModel, samples: number, g: Generator): Float64Array {
  const p = model.genes;
  const out = new Float64Array(samples * p);
  const u = new Float64Array(p);
  const h = new Float64Array(p);
  const z = new Float64Array(p);
  const zAll = new Float64Array(p);
  const own = Math.sqrt(1 - model.crossNoise);
  const shared = Math.sqrt(model.crossNoise);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < p; i++) z[i] = g.normal();
    if (model.crossFactor) for (let i = 0; i < p; i++) zAll[i] = g.normal();
    model.blocks.forEach((block, b) => {
      const l = model.noiseFactor[b]!;
      const m = block.length;
      block.forEach((gi, i) => {
        let eps = 0;
        for (let k = 0; k <= i; k++) eps += l[i * m + k]! * z[block[k]!]!;
        if (model.crossFactor) {
          let across = 0;
          for (let k = 0; k <= gi; k++) across += model.crossFactor[gi * p + k]! * zAll[k]!;
          eps = own * eps + shared * across;
        }
        u[gi] = g.uniform() + model.noise * eps;
      });
    });
    for (const block of model.blocks) {
      for (const i of block) {
        let a = 0;
        for (const j of block) a += model.f1[i * p + j]! * u[j]!;
        h[i] = Math.max(a, 0);
      }
      for (const i of block) {
        let a = 0;
        for (const j of block) a += model.f2[i * p + j]! * h[j]!;
        out[s * p + i] = Math.tanh(a);
      }
    }
  }
  return out;
}
