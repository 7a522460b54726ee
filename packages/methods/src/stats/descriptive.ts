/** Small descriptive statistics on plain arrays (NaN-aware where it matters). */

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/** Sample variance (n - 1). */
export function variance(values: ArrayLike<number>): number {
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i]! - m) ** 2;
  return s / (values.length - 1);
}

/** Quantile by linear interpolation between order statistics (numpy's default, type 7). NaNs are ignored. */
export function quantile(values: ArrayLike<number>, q: number): number {
  // a typed array's sort is numeric and puts NaNs last: count them off the end
  const sorted = Float64Array.from(values).sort();
  let n = sorted.length;
  while (n > 0 && Number.isNaN(sorted[n - 1]!)) n--;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

/**
 * Ranks 1..n with ties given their average rank (the convention of Spearman's
 * rho, Mann-Whitney and Kruskal-Wallis).
 */
export function rank(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const x = Float64Array.from(values);
  const order = Int32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!));
  const ranks = new Float64Array(n);
  averageRanksInto(order, n, x, ranks);
  return ranks;
}

/**
 * out[order[k]] = the rank (1-based, ties averaged) of x[order[k]] for k < m,
 * where order[0..m) lists rows by increasing x.
 */
export function averageRanksInto(order: Int32Array, m: number, x: Float64Array, out: Float64Array): void {
  let i = 0;
  while (i < m) {
    let j = i;
    while (j + 1 < m && x[order[j + 1]!] === x[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]!] = r;
    i = j + 1;
  }
}

/** Pearson correlation of two vectors (NaN when either is constant). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Spearman's rank correlation (Pearson on average ranks). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearson(rank(a), rank(b));
}
