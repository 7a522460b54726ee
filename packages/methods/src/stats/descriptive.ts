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

/**
 * Quantile by linear interpolation between order statistics (numpy's default, type 7). NaNs are ignored.
 * The two order statistics are found by selection (expected O(n)), not by sorting: the same values, so
 * the same result as interpolating in a sorted copy.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  const a = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) a[n++] = v;
  }
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const below = selectInPlace(a, n, lo);
  // after the selection everything right of lo is >= a[lo]: the next order statistic is their minimum
  let above = below;
  if (hi > lo) {
    above = a[lo + 1]!;
    for (let k = lo + 2; k < n; k++) if (a[k]! < above) above = a[k]!;
  }
  return below + (above - below) * (pos - lo);
}

/**
 * The k-th smallest of a[0..n) (no NaN), 0-based, moved to a[k] with a[0..k) <= a[k] <= a[k+1..n)
 * (quickselect: median-of-three pivots, Hoare partitions, insertion sort below 16 elements).
 */
export function selectInPlace(a: Float64Array, n: number, k: number): number {
  let left = 0, right = n - 1;
  while (right - left >= 16) {
    const mid = (left + right) >> 1;
    if (a[mid]! < a[left]!) swap(a, mid, left);
    if (a[right]! < a[left]!) swap(a, right, left);
    if (a[right]! < a[mid]!) swap(a, right, mid);
    const pivot = a[mid]!;
    let i = left, j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k]!; // between j and i every element equals the pivot
  }
  for (let i = left + 1; i <= right; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= left && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
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
  const ranks = new Float64Array(n);
  if (x.some(Number.isNaN)) {
    // NaN has no place in an order: keep the comparator sort's ranks for such input
    const order = Int32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!));
    averageRanksInto(order, n, x, ranks);
    return ranks;
  }
  // a value's average rank depends on its value alone: (#smaller + #smaller-or-equal + 1) / 2, found by
  // bisection in a sorted copy (the same numbers as averaging the positions of a sorted order)
  const sorted = Float64Array.from(x).sort();
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    let lo = 0, hi = n;
    while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m]! < v) lo = m + 1; else hi = m; }
    const first = lo;
    hi = n;
    while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m]! <= v) lo = m + 1; else hi = m; }
    ranks[i] = (first + lo - 1) / 2 + 1;
  }
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
