// Pearson and Spearman correlation (reward vs response length, paper-spec §7.14), matching
// scipy.stats.pearsonr / spearmanr on their statistic.
import { assertSameLength, hasNaN, type Numbers } from './numeric';

/**
 * Pearson's r. NaN when n < 2, when either side is constant, or when any input is NaN
 * (scipy propagates NaN and warns on constant input).
 *
 * @example pearson([1, 2, 3], [2, 4, 7]) // 0.9933…
 */
export function pearson(x: Numbers, y: Numbers): number {
  assertSameLength('pearson', x, 'x', y, 'y');
  const n = x.length;
  if (n < 2 || hasNaN(x) || hasNaN(y)) return NaN;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  const r = sxy / Math.sqrt(sxx) / Math.sqrt(syy);
  return Math.min(1, Math.max(-1, r));
}

/**
 * 1-based ranks with ties given the average of the ranks they span (scipy.stats.rankdata 'average').
 *
 * @example averageRanks([10, 20, 20, 30]) // [1, 2.5, 2.5, 4]
 */
export function averageRanks(xs: Numbers): Float64Array {
  const n = xs.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => xs[i]! - xs[j]!);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && xs[order[end]!]! === xs[order[start]!]!) end++;
    const avg = (start + 1 + end) / 2; // Mean of ranks start+1 … end.
    for (let k = start; k < end; k++) ranks[order[k]!] = avg;
    start = end;
  }
  return ranks;
}

/** Spearman's ρ: Pearson's r of the average ranks. NaN in the same cases as {@link pearson}. */
export function spearman(x: Numbers, y: Numbers): number {
  assertSameLength('spearman', x, 'x', y, 'y');
  if (x.length < 2 || hasNaN(x) || hasNaN(y)) return NaN;
  return pearson(averageRanks(x), averageRanks(y));
}
