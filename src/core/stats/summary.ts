// Mean, spread and extremes of a sample (report.ts Summary), plus the population moments that the
// paper's hypothesis is stated in (Var(‖h‖), right-skewness of ‖h_w − h_l‖).
import type { Summary } from '../report';
import { hasNaN, type Numbers } from './numeric';

/** Population moments: variance = E[(z−μ)²] (ddof = 0, numpy's default) and skew = E[(z−μ)³]/σ³. */
export interface Moments {
  readonly mean: number;
  readonly variance: number;
  readonly skew: number;
}

/**
 * Population mean, variance and skewness (scipy.stats.skew with bias=True). Two-pass, so a large
 * common offset (‖h‖ ≈ 180) does not cancel away the spread. NaN fields for an empty sample or one
 * containing NaN; skew is NaN when the variance is 0 (a constant sample has no shape).
 */
export function moments(xs: Numbers): Moments {
  const n = xs.length;
  if (n === 0 || hasNaN(xs)) return { mean: NaN, variance: NaN, skew: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  const mu = s / n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - mu;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  // scipy.stats.skew's rule: a sample whose variance is rounding dust relative to its mean is
  // constant, and a constant sample has no skewness.
  const constant = m2 <= (1e-14 * mu) ** 2;
  return { mean: mu, variance: m2, skew: constant ? NaN : m3 / m2 ** 1.5 };
}

/**
 * n, mean, population std (ddof = 0), min and max. NaN fields (n = 0) for an empty sample; a NaN
 * anywhere makes every field but n NaN, as numpy would, so a broken upstream value is visible.
 *
 * @example summary([1, 2, 3, 4]) // { n: 4, mean: 2.5, std: 1.118…, min: 1, max: 4 }
 */
export function summary(xs: Numbers): Summary {
  const n = xs.length;
  if (n === 0 || hasNaN(xs)) return { n, mean: NaN, std: NaN, min: NaN, max: NaN };
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = xs[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const m = moments(xs);
  return { n, mean: m.mean, std: Math.sqrt(m.variance), min, max };
}

/** Summary plus population skewness: the shape of EvalSetReport.hDiffNorm (paper Figure 2). */
export function summaryWithSkew(xs: Numbers): Summary & { readonly skew: number } {
  return { ...summary(xs), skew: moments(xs).skew };
}
