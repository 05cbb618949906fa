// Kendall's τ-b between gold scores and model scores, per prompt, exactly as scipy.stats.kendalltau's
// default (variant 'b', nan_policy 'propagate'), and the nanmean over prompts the paper reports
// (paper-spec §4.5, §7.10).
import type { KendallReport } from '../report';
import { assertSameLength, hasNaN, nanMean, type Numbers } from './numeric';

/**
 * τ_b = (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂)), with n₀ = n(n−1)/2 and n₁, n₂ the pairs tied in x, in y.
 * NaN when n < 2, when either side is entirely tied (zero denominator), or when any input is NaN.
 * O(n log n): sort by (x, y), then the discordant pairs are the inversions of the y sequence.
 *
 * @example kendallTauB([1, 2, 3, 4], [1, 3, 2, 4]) // 0.666…, as scipy.stats.kendalltau
 */
export function kendallTauB(x: Numbers, y: Numbers): number {
  assertSameLength('kendallTauB', x, 'x', y, 'y');
  const n = x.length;
  if (n < 2 || hasNaN(x) || hasNaN(y)) return NaN;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((i, j) => x[i]! - x[j]! || y[i]! - y[j]!);
  const ys = new Float64Array(n);
  for (let k = 0; k < n; k++) ys[k] = y[order[k]!]!;

  // Ties in x, and ties in x and y jointly, are runs in the (x, y) order.
  let xTies = 0;
  let jointTies = 0;
  let runX = 1;
  let runXY = 1;
  for (let k = 1; k <= n; k++) {
    const sameX = k < n && x[order[k]!]! === x[order[k - 1]!]!;
    const sameXY = sameX && ys[k] === ys[k - 1];
    if (sameX) runX++;
    else {
      xTies += (runX * (runX - 1)) / 2;
      runX = 1;
    }
    if (sameXY) runXY++;
    else {
      jointTies += (runXY * (runXY - 1)) / 2;
      runXY = 1;
    }
  }
  // Within one x run the ys ascend, so every inversion of ys is a pair with x_i < x_j and y_i > y_j.
  const discordant = countInversionsAndSort(ys);
  let yTies = 0;
  let runY = 1;
  for (let k = 1; k <= n; k++) {
    if (k < n && ys[k] === ys[k - 1]) runY++;
    else {
      yTies += (runY * (runY - 1)) / 2;
      runY = 1;
    }
  }
  const total = (n * (n - 1)) / 2;
  if (xTies === total || yTies === total) return NaN;
  const concordantMinusDiscordant = total - xTies - yTies + jointTies - 2 * discordant;
  const tau = concordantMinusDiscordant / Math.sqrt(total - xTies) / Math.sqrt(total - yTies);
  return Math.min(1, Math.max(-1, tau));
}

/** Sorts `a` ascending in place (bottom-up merge sort) and returns the number of pairs i < j with a[i] > a[j]. */
function countInversionsAndSort(a: Float64Array): number {
  const n = a.length;
  let src: Float64Array = a;
  let dst: Float64Array = new Float64Array(n);
  let inversions = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (src[j]! < src[i]!) {
          inversions += mid - i; // src[j] is smaller than every remaining left element.
          dst[k++] = src[j++]!;
        } else dst[k++] = src[i++]!;
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  if (src !== a) a.set(src);
  return inversions;
}

/** One prompt's scores: gold (e.g. ArmoRM all_scores) and the model's, aligned by response. */
export interface RankedGroup {
  readonly gold: Numbers;
  readonly model: Numbers;
}

/**
 * τ-b per prompt, its nanmean (prompts with NaN τ are skipped, as np.nanmean in run_kendall.py), and
 * the fraction of prompts whose τ is NaN. No prompts gives mean and nanFraction NaN.
 */
export function kendallReport(groups: readonly RankedGroup[]): KendallReport {
  const values = groups.map((g, i) => {
    if (g.gold.length !== g.model.length) {
      throw new RangeError(`kendallReport: prompt ${i} has ${g.gold.length} gold scores but ${g.model.length} model scores`);
    }
    return kendallTauB(g.gold, g.model);
  });
  const nanCount = values.filter((v) => Number.isNaN(v)).length;
  return {
    mean: nanMean(values),
    nanFraction: values.length === 0 ? NaN : nanCount / values.length,
    prompts: values.length,
    values,
  };
}
