/**
 * Seeded synthetic tree ensembles (complete trees of a given depth, features
 * and thresholds drawn from the Generator, standard-normal thresholds so that
 * standard-normal rows spread over the leaves): for benchmarks and tests.
 */
import { Generator } from '@relevance/core-wasm';
import type { TreeEnsemble } from './tree-ensemble.js';

export interface RandomEnsembleOptions {
  trees: number;
  depth: number;
  features: number;
  outputs?: number;
  seed?: number;
}

export function randomTreeEnsemble(o: RandomEnsembleOptions): TreeEnsemble {
  const g = new Generator(o.seed ?? 0);
  const K = o.outputs ?? 1;
  const perTree = 2 ** (o.depth + 1) - 1;
  const count = perTree * o.trees;
  const feature = new Int32Array(count).fill(-1);
  const threshold = new Float32Array(count);
  const yes = new Int32Array(count);
  const no = new Int32Array(count);
  const leafValue = new Float64Array(count * K);
  const cover = new Float64Array(count);
  const roots = new Int32Array(o.trees);
  for (let t = 0; t < o.trees; t++) {
    const base = t * perTree;
    roots[t] = base;
    cover[base] = 1000;
    // heap order: children of i are 2i+1, 2i+2
    for (let i = 0; i < perTree; i++) {
      const n = base + i;
      if (2 * i + 1 < perTree) {
        feature[n] = Math.floor(g.uniform() * o.features);
        threshold[n] = Math.fround(g.normal() * 0.8);
        yes[n] = base + 2 * i + 1;
        no[n] = base + 2 * i + 2;
        const share = 0.3 + 0.4 * g.uniform();
        cover[yes[n]!] = cover[n]! * share;
        cover[no[n]!] = cover[n]! * (1 - share);
      } else {
        for (let j = 0; j < K; j++) leafValue[n * K + j] = 0.1 * g.normal();
      }
    }
  }
  return {
    kind: 'tree-ensemble', source: `random(${o.trees} trees, depth ${o.depth})`, task: 'regression', features: o.features, outputs: K, roots, feature, threshold,
    mode: new Uint8Array(count), yes, no, missingYes: new Uint8Array(count), leafValue, base: new Float64Array(K), cover, postTransform: 'NONE', inputName: 'x',
  };
}
