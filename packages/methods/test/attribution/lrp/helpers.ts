/** Small models and data for the LRP tests. */
import { Generator, type Backend, type Tensor } from '@relevance/core-wasm';
import { relativeToMax } from '../../helpers/fixtures.js';
import { sequential, type BackwardRule, type LayerSpec, type Model } from '../../../src/index.js';

/** A ReLU MLP with He-initialised weights and small biases: widths[0] inputs, widths.at(-1) outputs. */
export function randomMlp(be: Backend, widths: readonly number[], seed = 1, options: { bias?: boolean; activation?: string } = {}): Model {
  const g = new Generator(seed);
  const layers: LayerSpec[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    const [inW, outW] = [widths[i]!, widths[i + 1]!];
    const params: Record<string, Tensor> = { weight: be.randomNormal([outW, inW], g, 0, Math.sqrt(2 / inW)) };
    if (options.bias ?? true) params.bias = be.randomNormal([outW], g, 0, 0.1);
    layers.push({ type: 'Dense', name: `fc${i + 1}`, params });
    if (i + 2 < widths.length) layers.push({ type: options.activation ?? 'ReLU', name: `act${i + 1}` });
  }
  return sequential(be, [-1, widths[0]!], layers);
}

export function randomInputs(be: Backend, shape: readonly number[], seed = 2, std = 1): Tensor {
  return be.randomNormal(shape, new Generator(seed), 0, std);
}

/** max |a - b| / max |b|. */
export const relDiff = relativeToMax;

/** One Dense layer y = x Wᵀ + b with mixed-sign data, as float32-exact doubles, and an output relevance R. */
export interface DenseCase {
  rows: number;
  inW: number;
  outW: number;
  /** [out][in] */
  w: number[][];
  b: number[];
  /** [rows][in] */
  x: number[][];
  /** [rows][out] */
  r: number[][];
}

export function denseCase(seed: number, rows = 3, inW = 7, outW = 5): DenseCase {
  const g = new Generator(seed);
  const u = (): number => g.uniform();
  const f = (scale: number) => Math.fround((u() * 2 - 1) * scale);
  const w = Array.from({ length: outW }, () => Array.from({ length: inW }, () => f(1)));
  const b = Array.from({ length: outW }, () => f(0.3));
  // some exact zeros in x, as after a ReLU or a mask
  const x = Array.from({ length: rows }, () => Array.from({ length: inW }, () => (u() < 0.2 ? 0 : f(2))));
  const r = Array.from({ length: rows }, () => Array.from({ length: outW }, () => f(1)));
  return { rows, inW, outW, w, b, x, r };
}

/** The rule on a one-layer Dense model, through Model.backward, as [rows][in]. */
export function ruleOnDense(be: Backend, rule: BackwardRule, c: DenseCase): number[][] {
  const model = sequential(be, [-1, c.inW], [{ type: 'Dense', name: 'fc', params: { weight: be.tensor(c.w.flat(), [c.outW, c.inW]), bias: be.tensor(c.b) } }]);
  const x = be.tensor(c.x.flat(), [c.rows, c.inW]);
  const r = be.tensor(c.r.flat(), [c.rows, c.outW]);
  const pass = model.forward(x);
  const g = model.backward(pass, r, { rules: () => rule });
  const out = Array.from(g.input!.readSync());
  g.dispose();
  pass.dispose();
  x.dispose();
  r.dispose();
  model.dispose();
  return Array.from({ length: c.rows }, (_, i) => out.slice(i * c.inW, (i + 1) * c.inW));
}

/** z + s * sign(z), sign(0) = +1. */
export const stab = (z: number, s: number): number => z + s * (z >= 0 ? 1 : -1);
export const pos = (v: number): number => Math.max(v, 0);
export const neg = (v: number): number => Math.min(v, 0);

export function maxRelDiff(a: number[][], b: number[][]): number {
  return relDiff(a.flat(), b.flat());
}
