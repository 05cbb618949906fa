// Tukey box-plot statistics for ‖h‖ per eval set (paper Figure 3, paper-spec §7.4).
import type { BoxStats } from '../report';
import { hasNaN, quantileSorted, sortedCopy, type Numbers } from './numeric';
import { moments, summary } from './summary';

/** At most this many outliers are kept, the most extreme ones, so a report stays small. */
export const MAX_OUTLIERS = 200;

/**
 * Median, quartiles (numpy's linear interpolation), IQR, Tukey whiskers and outliers, with the
 * population variance and skewness. Whiskers are the most extreme data points inside
 * [q1 − 1.5·IQR, q3 + 1.5·IQR]. Outliers are the points outside; when there are more than 200,
 * the 200 farthest from the median are kept, returned in ascending order.
 * Empty input, or any NaN, gives NaN statistics and no outliers.
 *
 * @example boxStats([1, 2, 3, 4, 100]).outliers // [100]
 */
export function boxStats(xs: Numbers, maxOutliers = MAX_OUTLIERS): BoxStats {
  const base = summary(xs);
  if (base.n === 0 || hasNaN(xs)) {
    return {
      ...base,
      median: NaN,
      q1: NaN,
      q3: NaN,
      iqr: NaN,
      whiskerLo: NaN,
      whiskerHi: NaN,
      outliers: [],
      variance: NaN,
      skew: NaN,
    };
  }
  const s = sortedCopy(xs);
  const q1 = quantileSorted(s, 0.25);
  const median = quantileSorted(s, 0.5);
  const q3 = quantileSorted(s, 0.75);
  const iqr = q3 - q1;
  const fenceLo = q1 - 1.5 * iqr;
  const fenceHi = q3 + 1.5 * iqr;
  // The sample is sorted, so the inside points form one contiguous run [first, last].
  let first = 0;
  while (s[first]! < fenceLo) first++;
  let last = s.length - 1;
  while (s[last]! > fenceHi) last--;
  const m = moments(s);
  return {
    ...base,
    median,
    q1,
    q3,
    iqr,
    whiskerLo: s[first]!,
    whiskerHi: s[last]!,
    outliers: extremeOutliers(s, first, last, median, maxOutliers),
    variance: m.variance,
    skew: m.skew,
  };
}

/** Points below index `first` or above `last` of the sorted sample, at most `cap` of them, farthest from the median first. */
function extremeOutliers(s: Float64Array, first: number, last: number, median: number, cap: number): number[] {
  const below = Array.from(s.subarray(0, first));
  const above = Array.from(s.subarray(last + 1));
  if (below.length + above.length <= cap) return [...below, ...above];
  // Merge from both ends inwards: the sample's extremes are its two ends, so take whichever end is farther.
  const keptBelow: number[] = [];
  const keptAbove: number[] = [];
  let lo = 0;
  let hi = above.length - 1;
  while (keptBelow.length + keptAbove.length < cap) {
    const canLo = lo < below.length;
    const canHi = hi >= 0;
    if (canLo && (!canHi || median - below[lo]! >= above[hi]! - median)) keptBelow.push(below[lo++]!);
    else keptAbove.push(above[hi--]!);
  }
  return [...keptBelow, ...keptAbove.reverse()];
}
