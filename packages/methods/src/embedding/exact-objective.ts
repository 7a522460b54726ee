/**
 * Exact t-SNE gradient with the n x n work on the backend's kernels:
 *   1 + D = [y_i, |y_i|^2, 1, 1] . [-2 y_j, 1, |y_j|^2, 1]   (one GEMM)
 *   W = 1 / (1 + D),  Z = sum(W) - n                          (W_ii = 1)
 *   M = (P - W / (a Z)) * W                                   (a: exaggeration)
 *   [M y | M 1] = M . [Y | 1]                                 (one GEMM)
 *   grad_i = 4 a (y_i (M 1)_i - (M y)_i)
 * The diagonal needs no mask: p_ii = 0, and its term y_i M_ii - M_ii y_i cancels.
 * The kernels are float32: D carries an absolute error of about 1e-7 |y|^2,
 * which the optimiser keeps small by centring the map every step.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import type { TsneObjective } from './tsne-objective.js';

export class ExactObjective implements TsneObjective {
  private readonly be: Backend;
  private readonly p: Tensor;
  private readonly n: number;
  private readonly dims: number;
  private readonly pLogP: number;

  /** `joint`: the dense n x n joint probabilities (float32, zero diagonal); `pLogP`: sum p log p. */
  constructor(be: Backend, joint: Float32Array, n: number, dims: number, pLogP: number) {
    this.be = be;
    this.n = n;
    this.dims = dims;
    this.pLogP = pLogP;
    this.p = be.tensor(joint, [n, n]);
  }

  async gradient(y: Float64Array, exaggeration: number, gradient: Float64Array, withKl: boolean): Promise<number> {
    const { be, n, dims } = this;
    const width = dims + 3;
    const left = new Float32Array(n * width);
    const right = new Float32Array(n * width);
    const augmented = new Float32Array(n * (dims + 1));
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let k = 0; k < dims; k++) {
        const v = y[i * dims + k]!;
        norm += v * v;
        left[i * width + k] = v;
        right[i * width + k] = -2 * v;
        augmented[i * (dims + 1) + k] = v;
      }
      left[i * width + dims] = norm;
      left[i * width + dims + 1] = 1;
      right[i * width + dims] = 1;
      right[i * width + dims + 1] = norm;
      left[i * width + dims + 2] = 1;
      right[i * width + dims + 2] = 1;
      augmented[i * (dims + 1) + dims] = 1;
    }
    const { products, z, pLogW } = await be.asyncScope(async () => {
      const onePlusD = be.gemm(be.tensor(left, [n, width]), be.tensor(right, [n, width]), { transB: true });
      const w = be.reciprocal(onePlusD);
      onePlusD.dispose();
      const zValue = ((await be.sumAll(w).read()) as Float32Array)[0]! - n;
      let pLogWValue = NaN;
      if (withKl) pLogWValue = ((await be.sumAll(be.mul(this.p, be.log(w))).read()) as Float32Array)[0]!;
      const scaled = be.affine(w, -1 / (exaggeration * zValue), 0);
      const difference = be.add(this.p, scaled);
      scaled.dispose();
      const m = be.mul(difference, w);
      difference.dispose();
      w.dispose();
      const mv = (await be.gemm(m, be.tensor(augmented, [n, dims + 1])).read()) as Float32Array;
      return { products: mv, z: zValue, pLogW: pLogWValue };
    });
    const scale = 4 * exaggeration;
    for (let i = 0; i < n; i++) {
      const rowSum = products[i * (dims + 1) + dims]!;
      for (let k = 0; k < dims; k++) gradient[i * dims + k] = scale * (y[i * dims + k]! * rowSum - products[i * (dims + 1) + k]!);
    }
    return withKl ? this.pLogP - pLogW + Math.log(z) : NaN;
  }

  dispose(): void {
    this.p.dispose();
  }
}
