/**
 * Summaries of a perturbation curve f(x_0), f(x_1), ..., f(x_K) (x_k: the
 * first k regions perturbed).
 *
 * AOPC, the area over the perturbation curve (Samek et al. 2017, eq. 12):
 *   AOPC = 1 / (K + 1) sum_{k=0..K} (f(x_0) - f(x_k)),
 * larger for MoRF orderings that find the relevant regions first.
 *
 * AUPC, the area under the perturbation curve (the "AUC" of the perturbation
 * curves in SmoothTaylor, Goh et al. 2020): the trapezoid integral of f over
 * the fraction of steps done, k / K in [0, 1]; smaller is better for MoRF.
 */

export function aopc(curve: ArrayLike<number>): number {
  const f0 = curve[0]!;
  let s = 0;
  for (let k = 0; k < curve.length; k++) s += f0 - curve[k]!;
  return s / curve.length;
}

export function aupc(curve: ArrayLike<number>): number {
  const steps = curve.length - 1;
  if (steps <= 0) return curve.length ? curve[0]! : NaN;
  let s = 0;
  for (let k = 0; k < steps; k++) s += (curve[k]! + curve[k + 1]!) / 2;
  return s / steps;
}
