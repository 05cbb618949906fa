// Accuracies as proportions with a Wilson score 95% interval, and the strict accuracy test used
// everywhere (paper-spec §4.5: RewardBench counts a pair correct iff chosen > rejected).
import type { Proportion } from '../report';
import { assertSameLength, type Numbers } from './numeric';

/** Two-sided 95% standard-normal quantile, Φ⁻¹(0.975) (scipy.stats.norm.ppf(0.975)). */
export const Z95 = 1.959963984540054;

/**
 * k successes out of n with the Wilson score interval (Wilson 1927), which unlike the normal
 * approximation stays inside [0, 1] and behaves at k = 0 or k = n. n = 0 gives NaN value and bounds.
 *
 * @example proportion(8, 10) // { value: 0.8, lo: 0.4902…, hi: 0.9433…, n: 10 }
 */
export function proportion(k: number, n: number, z = Z95): Proportion {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`proportion: n must be an integer ≥ 0, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`proportion: k must be an integer in [0, ${n}], got ${k}`);
  if (n === 0) return { value: NaN, lo: NaN, hi: NaN, n: 0 };
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Clamp rounding dust: at k = 0 the lower bound is 0 exactly in real arithmetic.
  return { value: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half), n };
}

/** Whether the model ranks this pair correctly: strictly r_w > r_l. Ties and NaN count as wrong. */
export function isCorrect(rChosen: number, rRejected: number): boolean {
  return rChosen > rRejected;
}

/** Number of pairs with r_w > r_l (strict). */
export function countCorrect(rChosen: Numbers, rRejected: Numbers, indices?: readonly number[]): number {
  assertSameLength('accuracy', rChosen, 'rChosen', rRejected, 'rRejected');
  let k = 0;
  if (indices) {
    for (const i of indices) {
      if (!(Number.isInteger(i) && i >= 0 && i < rChosen.length)) {
        throw new RangeError(`accuracy: pair index ${i} is outside [0, ${rChosen.length})`);
      }
      if (isCorrect(rChosen[i]!, rRejected[i]!)) k++;
    }
  } else {
    for (let i = 0; i < rChosen.length; i++) if (isCorrect(rChosen[i]!, rRejected[i]!)) k++;
  }
  return k;
}

/**
 * Pairwise accuracy with its Wilson interval, over all pairs or over the given pair indices.
 *
 * @example accuracy([1, 2, 3], [0, 2, 4]).value // 1/3: the tie (2 vs 2) counts as wrong
 */
export function accuracy(rChosen: Numbers, rRejected: Numbers, indices?: readonly number[]): Proportion {
  const n = indices ? indices.length : rChosen.length;
  return proportion(countCorrect(rChosen, rRejected, indices), n);
}
