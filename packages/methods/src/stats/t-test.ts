/** Student's t distribution and the two-sample t-test (equal variances, as scipy.stats.ttest_ind). */
import { logGamma } from './special.js';

/** Continued fraction of the incomplete beta function (Numerical Recipes betacf). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided tail P(|T| >= |t|) of Student's t with df degrees of freedom. */
export function studentTTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return incompleteBeta(df / 2, 0.5, df / (df + t * t));
}

export interface TTestResult {
  t: number;
  df: number;
  /** Two-sided p-value. */
  p: number;
}

/**
 * Two-sample t-test with pooled variance (scipy.stats.ttest_ind's default),
 * two-sided. Two constant samples give p = 1 when their means agree, else 0.
 */
export function tTestIndependent(a: ArrayLike<number>, b: ArrayLike<number>): TTestResult {
  const na = a.length;
  const nb = b.length;
  if (na < 2 || nb < 2) throw new Error(`tTestIndependent: each sample needs at least 2 values, got ${na} and ${nb}`);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < na; i++) ma += a[i]!;
  for (let i = 0; i < nb; i++) mb += b[i]!;
  ma /= na;
  mb /= nb;
  let ss = 0;
  for (let i = 0; i < na; i++) ss += (a[i]! - ma) ** 2;
  for (let i = 0; i < nb; i++) ss += (b[i]! - mb) ** 2;
  const df = na + nb - 2;
  const se = Math.sqrt((ss / df) * (1 / na + 1 / nb));
  if (se === 0) return { t: ma === mb ? 0 : Math.sign(ma - mb) * Infinity, df, p: ma === mb ? 1 : 0 };
  const t = (ma - mb) / se;
  return { t, df, p: studentTTwoSided(t, df) };
}
