/**
 * What the t-SNE optimiser needs from a gradient implementation (exact on the
 * backend, or Barnes-Hut on the host): the gradient of
 * KL(P || Q) = sum_ij p_ij log(p_ij / q_ij) with q_ij = w_ij / Z,
 * w_ij = 1 / (1 + |y_i - y_j|^2), Z = sum_{k != l} w_kl:
 *   dC/dy_i = 4 sum_j (exaggeration * p_ij - q_ij) w_ij (y_i - y_j),
 * and, when asked, the KL divergence with the unexaggerated P:
 *   KL = sum p log p - sum p log w + log Z   (sum p = 1).
 */
export interface TsneObjective {
  /** Write dC/dy into `gradient` ([n, dims]); return the KL divergence when `withKl`, else NaN. */
  gradient(y: Float64Array, exaggeration: number, gradient: Float64Array, withKl: boolean): Promise<number>;
  dispose(): void;
}
