// Where one value sits within a reference sample, for hovers ("‖h‖ = 212, the 97th percentile of
// the training sample"). Same result as scipy.stats.percentileofscore(sample, x) (kind='rank').
import type { Numbers } from './numeric';

/**
 * Percentile (0–100) of x within an ascending sample: the average of the strict (% below x) and
 * weak (% at or below x) ranks, plus half a rank-step when x occurs in the sample, which is scipy's
 * kind='rank': (left + right + (right > left ? 1 : 0))·50/n. NaN for an empty sample or x = NaN.
 * The sample must be sorted ascending (sort once, query many times); O(log n) per query.
 *
 * @example percentileRank([1, 2, 3, 4], 3) // 75, as scipy.stats.percentileofscore
 */
export function percentileRank(sortedSample: Numbers, x: number): number {
  const n = sortedSample.length;
  if (n === 0 || Number.isNaN(x)) return NaN;
  const left = lowerBound(sortedSample, x, false);
  const right = lowerBound(sortedSample, x, true);
  return ((left + right + (right > left ? 1 : 0)) * 50) / n;
}

/** Number of elements < x (orEqual = false) or ≤ x (orEqual = true) in an ascending array. */
function lowerBound(s: Numbers, x: number, orEqual: boolean): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = s[mid]!;
    if (v < x || (orEqual && v === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
