// Accuracy per group value (subset, source, domain, style, chosen_model, …): which slices of an
// eval set the RM gets wrong. Groups come from PreferencePair.groups, aligned with scores by index.
import type { Proportion } from '../report';
import type { PreferencePair } from '../types';
import { assertSameLength, type Numbers } from './numeric';
import { accuracy } from './proportion';

/** Pair indices per group key and value, in pair order. A pair without a key is simply not in that key's groups. */
export function groupIndices(pairs: readonly PreferencePair[]): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  pairs.forEach((pair, i) => {
    for (const [key, value] of Object.entries(pair.groups)) {
      const byValue = (out[key] ??= {});
      (byValue[value] ??= []).push(i);
    }
  });
  return out;
}

/**
 * Strict accuracy with a Wilson interval for every value of every group key on the pairs.
 *
 * @example accuracyByGroup(pairs, rc, rr).subset?.alpacaeval // { value, lo, hi, n }
 */
export function accuracyByGroup(
  pairs: readonly PreferencePair[],
  rChosen: Numbers,
  rRejected: Numbers,
): Record<string, Record<string, Proportion>> {
  assertSameLength('accuracyByGroup', pairs, 'pairs', rChosen, 'rChosen');
  assertSameLength('accuracyByGroup', pairs, 'pairs', rRejected, 'rRejected');
  const out: Record<string, Record<string, Proportion>> = {};
  for (const [key, byValue] of Object.entries(groupIndices(pairs))) {
    const perValue: Record<string, Proportion> = {};
    for (const [value, idx] of Object.entries(byValue)) perValue[value] = accuracy(rChosen, rRejected, idx);
    out[key] = perValue;
  }
  return out;
}
