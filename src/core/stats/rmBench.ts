// RM-Bench style-controlled accuracy (Liu et al. 2025; paper Table 2, paper-spec §5.3, §7.12).
// The loader turns each RM-Bench prompt into 9 pairs (chosen style i × rejected style j) and tags
// each with group 'style' = hard (chosen plainer), normal (same style) or easy (chosen more styled),
// and 'domain' (chat, code, safety-refuse, …).
import type { RmBenchReport } from '../report';
import type { PreferencePair } from '../types';
import { assertSameLength, type Numbers } from './numeric';
import { accuracy } from './proportion';

export const RM_BENCH_STYLES = ['hard', 'normal', 'easy'] as const;
export type RmBenchStyle = (typeof RM_BENCH_STYLES)[number];

/** The RM-Bench level of a pair, from its 'style' group (case-insensitive); undefined when it has none. */
export function rmBenchStyle(pair: PreferencePair): RmBenchStyle | undefined {
  const v = pair.groups.style?.toLowerCase();
  return (RM_BENCH_STYLES as readonly string[]).includes(v ?? '') ? (v as RmBenchStyle) : undefined;
}

/**
 * Hard / normal / easy accuracy pooled over all RM-Bench pairs, Overall = mean(H, N, E) (the paper's
 * definition), and accuracy per 'domain' over the same pairs (all 9 cells, which equals the mean of
 * a domain's 3×3 matrix). Returns undefined when no pair carries style hard/normal/easy. Pairs with
 * another 'style' value (a custom dataset's own column) are not RM-Bench pairs and are left out here;
 * they still appear in EvalSetReport.byGroup.style.
 */
export function rmBenchReport(pairs: readonly PreferencePair[], rChosen: Numbers, rRejected: Numbers): RmBenchReport | undefined {
  assertSameLength('rmBenchReport', pairs, 'pairs', rChosen, 'rChosen');
  assertSameLength('rmBenchReport', pairs, 'pairs', rRejected, 'rRejected');
  const byStyle: Record<RmBenchStyle, number[]> = { hard: [], normal: [], easy: [] };
  const byDomain: Record<string, number[]> = {};
  pairs.forEach((pair, i) => {
    const style = rmBenchStyle(pair);
    if (style === undefined) return;
    byStyle[style].push(i);
    const domain = pair.groups.domain;
    if (domain !== undefined) (byDomain[domain] ??= []).push(i);
  });
  if (byStyle.hard.length + byStyle.normal.length + byStyle.easy.length === 0) return undefined;
  const hard = accuracy(rChosen, rRejected, byStyle.hard);
  const normal = accuracy(rChosen, rRejected, byStyle.normal);
  const easy = accuracy(rChosen, rRejected, byStyle.easy);
  return {
    hard,
    normal,
    easy,
    // NaN when a level has no pairs: an Overall over two levels would not be the paper's number.
    overall: (hard.value + normal.value + easy.value) / 3,
    byDomain: Object.fromEntries(Object.entries(byDomain).map(([d, idx]) => [d, accuracy(rChosen, rRejected, idx)])),
  };
}
