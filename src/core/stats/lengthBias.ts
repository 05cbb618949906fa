// Reward vs response length (paper-spec §7.14, not a paper figure): correlations, mean reward per
// length bin, and the "pick the longer / shorter response" baselines an RM should beat.
import type { LengthBias, Proportion } from '../report';
import type { PreferencePair } from '../types';
import { groupIndices } from './byGroup';
import { pearson, spearman } from './correlation';
import { assertSameLength, concat, quantileSorted, sortedCopy, type Numbers } from './numeric';
import { proportion } from './proportion';

/** Default number of quantile bins for mean reward by length. */
export const DEFAULT_LENGTH_BINS = 5;

/** What lengthBias reads: per-pair rewards and response lengths in tokens, aligned by pair. */
export interface LengthBiasInput {
  readonly rChosen: Numbers;
  readonly rRejected: Numbers;
  readonly lenChosen: Numbers;
  readonly lenRejected: Numbers;
}

/**
 * Correlations of reward with length over every response of the set (chosen and rejected pooled),
 * mean reward per quantile bin of length, and the accuracy of the pick-longer / pick-shorter rules
 * (ties in length count as wrong for both, as ties in reward do for the RM).
 */
export function lengthBias(input: LengthBiasInput, bins = DEFAULT_LENGTH_BINS): LengthBias {
  const { rChosen, rRejected, lenChosen, lenRejected } = input;
  assertSameLength('lengthBias', rChosen, 'rChosen', rRejected, 'rRejected');
  assertSameLength('lengthBias', rChosen, 'rChosen', lenChosen, 'lenChosen');
  assertSameLength('lengthBias', rChosen, 'rChosen', lenRejected, 'lenRejected');
  const rewards = concat(rChosen, rRejected);
  const lengths = concat(lenChosen, lenRejected);
  const { pickLonger, pickShorter } = lengthBaselines(lenChosen, lenRejected);
  return {
    pearson: pearson(rewards, lengths),
    spearman: spearman(rewards, lengths),
    bins: lengthBins(lengths, rewards, bins),
    pickLonger,
    pickShorter,
  };
}

/** Accuracy of predicting the label by length alone, over all pairs or the given pair indices. */
export function lengthBaselines(
  lenChosen: Numbers,
  lenRejected: Numbers,
  indices?: readonly number[],
): { pickLonger: Proportion; pickShorter: Proportion } {
  assertSameLength('lengthBaselines', lenChosen, 'lenChosen', lenRejected, 'lenRejected');
  let longer = 0;
  let shorter = 0;
  const visit = (i: number) => {
    const c = lenChosen[i]!;
    const r = lenRejected[i]!;
    if (c > r) longer++;
    else if (c < r) shorter++;
  };
  if (indices) indices.forEach(visit);
  else for (let i = 0; i < lenChosen.length; i++) visit(i);
  const n = indices ? indices.length : lenChosen.length;
  return { pickLonger: proportion(longer, n), pickShorter: proportion(shorter, n) };
}

/**
 * Pick-longer / pick-shorter baselines per group key and value (PreferencePair.groups), e.g. per
 * RM-Bench style or per source, aligned with `pairs` by index.
 */
export function lengthBaselinesByGroup(
  pairs: readonly PreferencePair[],
  lenChosen: Numbers,
  lenRejected: Numbers,
): Record<string, Record<string, { pickLonger: Proportion; pickShorter: Proportion }>> {
  assertSameLength('lengthBaselinesByGroup', pairs, 'pairs', lenChosen, 'lenChosen');
  const out: Record<string, Record<string, { pickLonger: Proportion; pickShorter: Proportion }>> = {};
  for (const [key, byValue] of Object.entries(groupIndices(pairs))) {
    const perValue: Record<string, { pickLonger: Proportion; pickShorter: Proportion }> = {};
    for (const [value, idx] of Object.entries(byValue)) perValue[value] = lengthBaselines(lenChosen, lenRejected, idx);
    out[key] = perValue;
  }
  return out;
}

/**
 * Mean reward per length bin. Edges are the numpy-linear quantiles 0, 1/bins, …, 1 of the lengths,
 * with repeated edges merged (token lengths tie a lot), so there may be fewer bins than asked.
 * A response falls in [lo, hi), the last bin in [lo, hi]. Responses with NaN length or reward are left out.
 */
export function lengthBins(
  lengths: Numbers,
  rewards: Numbers,
  bins = DEFAULT_LENGTH_BINS,
): { lo: number; hi: number; n: number; meanReward: number }[] {
  assertSameLength('lengthBins', lengths, 'lengths', rewards, 'rewards');
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`lengthBins: bins must be an integer ≥ 1, got ${bins}`);
  const keep: number[] = [];
  for (let i = 0; i < lengths.length; i++) if (!Number.isNaN(lengths[i]!) && !Number.isNaN(rewards[i]!)) keep.push(i);
  if (keep.length === 0) return [];
  const sorted = sortedCopy(keep.map((i) => lengths[i]!));
  const edges: number[] = [];
  for (let b = 0; b <= bins; b++) {
    const e = quantileSorted(sorted, b / bins);
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  if (edges.length === 1) edges.push(edges[0]!); // All lengths equal: one closed bin [L, L].
  const count = new Array<number>(edges.length - 1).fill(0);
  const sum = new Array<number>(edges.length - 1).fill(0);
  for (const i of keep) {
    const k = binOf(lengths[i]!, edges);
    count[k]!++;
    sum[k]! += rewards[i]!;
  }
  return count.map((n, k) => ({ lo: edges[k]!, hi: edges[k + 1]!, n, meanReward: n === 0 ? NaN : sum[k]! / n }));
}

/** Index of the bin [e_k, e_{k+1}) holding v (last bin closed), by binary search; v lies within the edges. */
function binOf(v: number, edges: readonly number[]): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (v >= edges[mid]!) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
